import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/store/keys.js';
import { createPeopleQueue } from '../../src/store/people-queue.js';
import type { PeopleQueue, PersonItem } from '../../src/store/people-queue.js';
import { REDIS_URL, deletePrefix, uniquePrefix } from '../helpers/redis.js';

let redis: Redis;
let prefix: string;
let people: PeopleQueue;

beforeEach(() => {
  redis = new Redis(REDIS_URL);
  prefix = uniquePrefix();
  people = createPeopleQueue(redis, redisKeys(prefix));
});

afterEach(async () => {
  await deletePrefix(prefix);
  redis.disconnect();
});

function item(id: string, caseId: string, at: string): PersonItem {
  return {
    id,
    caseId,
    reason: 'escalate_human',
    at,
    mention: {
      source: 'x-mentions',
      id,
      text: 'my card was charged twice',
      author: { id: '42', username: 'cleo', name: 'Cleo', followersCount: null, verified: false },
      url: null,
      createdAt: at,
    },
    classification: null,
  };
}

describe('people queue: one case’s items (real Redis)', () => {
  it('lists a case’s waiting items oldest first, then its done items most recently done first', async () => {
    await people.add(item('b', 'x-1', '2026-11-22T10:05:00Z'));
    await people.add(item('a', 'x-1', '2026-11-22T10:00:00Z'));
    await people.add(item('c', 'x-1', '2026-11-22T09:00:00Z'));
    await people.add(item('d', 'x-1', '2026-11-22T08:00:00Z'));
    await people.add(item('other', 'x-2', '2026-11-22T07:00:00Z'));
    await people.done('c', 'ana', new Date('2026-11-22T11:00:00Z'));
    await people.done('d', 'bo', new Date('2026-11-22T12:00:00Z'));

    const items = await people.forCase('x-1');

    expect(items.map((entry) => [entry.id, entry.doneBy ?? null])).toEqual([
      ['a', null],
      ['b', null],
      ['d', 'bo'],
      ['c', 'ana'],
    ]);
    expect(await people.forCase('x-3')).toEqual([]);
    expect(await people.countOpen()).toBe(3);
  });

  it('still finds an item done long ago, behind more than a thousand later done items', async () => {
    await people.add(item('old', 'x-1', '2026-01-01T00:00:00Z'));
    await people.done('old', 'ana', new Date('2026-01-01T01:00:00Z'));
    for (let i = 0; i < 1_001; i += 1) {
      await people.add(item(`later-${i}`, `x-${1000 + i}`, '2026-11-22T00:00:00Z'));
      await people.done(`later-${i}`, 'bo', new Date(Date.parse('2026-11-22T01:00:00Z') + i));
    }

    expect((await people.list(1_000, { open: false })).map((entry) => entry.id)).not.toContain(
      'old',
    );
    expect((await people.forCase('x-1')).map((entry) => entry.id)).toEqual(['old']);
  });

  it('updates a waiting item, never a done one, and keeps its id and case', async () => {
    await people.add(item('waiting', 'x-1', '2026-11-22T10:00:00Z'));
    await people.add(item('settled', 'x-1', '2026-11-22T09:00:00Z'));
    await people.done('settled', 'ana', new Date('2026-11-22T11:00:00Z'));

    const updated = await people.update('waiting', (current) => ({
      ...current,
      id: 'other',
      caseId: 'x-2',
      reason: 'severity-raised',
    }));
    const refused = await people.update('settled', (current) => ({ ...current, reason: 'x' }));

    expect(updated).toMatchObject({ id: 'waiting', caseId: 'x-1', reason: 'severity-raised' });
    expect(await people.get('waiting')).toEqual(updated);
    expect(refused).toBeNull();
    expect(await people.get('settled')).toMatchObject({ reason: 'escalate_human', doneBy: 'ana' });
    expect(await people.update('unknown', (current) => current)).toBeNull();
  });

  it('indexes by case, once, the items an earlier version stored without the index', async () => {
    const keys = redisKeys(prefix);
    for (const [entry, index] of [
      [item('waiting', 'x-7', '2026-11-22T10:00:00Z'), keys.needsPerson()],
      [
        {
          ...item('settled', 'x-7', '2026-11-22T09:00:00Z'),
          doneAt: '2026-11-22T09:30:00Z',
          doneBy: 'ana',
        },
        keys.needsPersonDone(),
      ],
      [item('elsewhere', 'x-8', '2026-11-22T08:00:00Z'), keys.needsPerson()],
    ] as const) {
      await redis.set(keys.needsPersonItem(entry.id), JSON.stringify(entry));
      await redis.zadd(index, Date.parse(entry.at), entry.id);
    }
    expect(await people.forCase('x-7')).toEqual([]);

    expect(await people.indexByCase()).toBe(3);
    expect(await people.indexByCase()).toBe(0);

    expect((await people.forCase('x-7')).map((entry) => entry.id)).toEqual(['waiting', 'settled']);
    expect((await people.forCase('x-8')).map((entry) => entry.id)).toEqual(['elsewhere']);
  });
});
