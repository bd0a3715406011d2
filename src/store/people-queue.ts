import type { Redis } from 'ioredis';
import type { Classification, Mention } from '../core/types.js';
import { updateJson } from './compare-and-set.js';
import type { RedisKeys } from './keys.js';

export interface PersonItem {
  id: string;
  caseId: string;
  reason: string;
  at: string;
  /** The draft this is about, when there is one. */
  draftId?: string | null;
  mention: Pick<Mention, 'source' | 'id' | 'text' | 'author' | 'url' | 'createdAt'>;
  classification: Pick<
    Classification,
    'complaint' | 'confidence' | 'category' | 'severity' | 'flags'
  > | null;
  /** When a person marked the item done; absent while it waits. */
  doneAt?: string;
  /** Who marked it done: a desk user, or the person who resolved, closed or invalidated its case. */
  doneBy?: string;
}

/**
 * Which items `list` returns.
 *
 * @example
 * await people.list(200); // waiting, oldest first
 * await people.list(50, { open: false }); // done, most recently done first
 */
export interface PeopleFilter {
  /** true (the default): items still waiting for a person; false: items marked done. */
  open?: boolean;
}

/**
 * Moves an item from the open index to the done index and stores it with `doneAt`/`doneBy`, in one step, so
 * two people marking the same item at once record only the first. An item in neither index (its `add` died
 * between the write and the index) is marked done too.
 * KEYS: open index, done index, item. ARGV: id, done time in ms, the item's JSON with doneAt/doneBy.
 */
const MARK_DONE = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 and redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
`;

/**
 * Puts a done item back in the open index as a fresh item (new time, no doneAt/doneBy).
 * KEYS: open index, done index, item. ARGV: id, queue time in ms, the fresh item's JSON.
 */
const REQUEUE = `
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then
  return 0
end
redis.call('SET', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
`;

// Items read per round trip while indexing an earlier version's queue.
const INDEX_BATCH = 500;

function parseItems(raw: ReadonlyArray<string | null>): PersonItem[] {
  return raw
    .filter((item): item is string => item !== null)
    .map((item) => JSON.parse(item) as PersonItem);
}

/**
 * Items that need a person: keyword-search hits, escalations, replies whose outcome is unknown. An item
 * waits in the open index until a person marks it done (or its case is resolved, closed or marked invalid);
 * it then moves to the done index and keeps `doneAt` and `doneBy`.
 */
export function createPeopleQueue(redis: Redis, keys: RedisKeys) {
  const openIndex = keys.needsPerson();
  const doneIndex = keys.needsPersonDone();

  async function get(itemId: string): Promise<PersonItem | null> {
    const raw = await redis.get(keys.needsPersonItem(itemId));
    return raw === null ? null : (JSON.parse(raw) as PersonItem);
  }

  async function read(ids: readonly string[]): Promise<PersonItem[]> {
    if (ids.length === 0) {
      return [];
    }
    return parseItems(await redis.mget(ids.map((id) => keys.needsPersonItem(id))));
  }

  return {
    get,

    /**
     * Adds the item once (by id); returns false when it was already queued. A done item stays done, so a
     * retried job cannot bring back what a person settled; `requeue` does that on purpose.
     */
    async add(item: PersonItem): Promise<boolean> {
      const stored = await redis.set(keys.needsPersonItem(item.id), JSON.stringify(item), 'NX');
      if (stored !== 'OK') {
        return false;
      }
      await redis
        .multi()
        .zadd(openIndex, Date.parse(item.at), item.id)
        .sadd(keys.needsPersonCase(item.caseId), item.id)
        .exec();
      return true;
    },

    /**
     * Puts a done item back in the queue as `item` (the same id, a new time). Returns false when the item
     * is not done: unknown, or still waiting.
     */
    async requeue(item: PersonItem): Promise<boolean> {
      const fresh: PersonItem = { ...item };
      delete fresh.doneAt;
      delete fresh.doneBy;
      const moved = await redis.eval(
        REQUEUE,
        3,
        openIndex,
        doneIndex,
        keys.needsPersonItem(item.id),
        item.id,
        String(Date.parse(item.at)),
        JSON.stringify(fresh),
      );
      return moved === 1;
    },

    /** Waiting items oldest first (the default), or done items most recently done first. */
    async list(limit = 100, filter: PeopleFilter = {}): Promise<PersonItem[]> {
      const ids =
        filter.open === false
          ? await redis.zrevrange(doneIndex, 0, limit - 1)
          : await redis.zrange(openIndex, 0, limit - 1);
      return read(ids);
    },

    /**
     * Applies `change` to a waiting item with compare-and-set, so it cannot undo a person marking it done at the
     * same moment. Returns the updated item, or null for an unknown or done item, or when `change` returned null.
     */
    update(
      itemId: string,
      change: (item: PersonItem) => PersonItem | null,
    ): Promise<PersonItem | null> {
      return updateJson<PersonItem>(
        redis,
        keys.needsPersonItem(itemId),
        (item) => {
          const next = item.doneAt === undefined ? change(item) : null;
          return next === null ? null : { ...next, id: item.id, caseId: item.caseId };
        },
        `People-queue item ${itemId}`,
      );
    },

    /** How many items wait for a person. */
    countOpen: () => redis.zcard(openIndex),

    /** A case's items: the waiting ones oldest first, then the done ones most recently done first. */
    async forCase(caseId: string): Promise<PersonItem[]> {
      const items = await read(await redis.smembers(keys.needsPersonCase(caseId)));
      const waiting = items
        .filter((item) => item.doneAt === undefined)
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id));
      const done = items
        .filter((item) => item.doneAt !== undefined)
        .sort(
          (a, b) =>
            Date.parse(b.doneAt ?? '') - Date.parse(a.doneAt ?? '') || a.id.localeCompare(b.id),
        );
      return [...waiting, ...done];
    },

    /**
     * Builds the per-case index for items stored by a version without it (once; later starts skip it).
     * Returns how many items it indexed.
     */
    async indexByCase(): Promise<number> {
      if ((await redis.exists(keys.needsPersonCaseIndexed())) === 1) {
        return 0;
      }
      let indexed = 0;
      for (const index of [openIndex, doneIndex]) {
        const ids = await redis.zrange(index, 0, -1);
        for (let start = 0; start < ids.length; start += INDEX_BATCH) {
          const items = await read(ids.slice(start, start + INDEX_BATCH));
          const tx = redis.multi();
          for (const item of items) {
            tx.sadd(keys.needsPersonCase(item.caseId), item.id);
          }
          await tx.exec();
          indexed += items.length;
        }
      }
      await redis.set(keys.needsPersonCaseIndexed(), '1');
      return indexed;
    },

    /**
     * Marks the item done by `by` at `at`. Idempotent: an item already done keeps its first `doneAt` and
     * `doneBy`, and is returned as it is. Returns null for an unknown item.
     */
    async done(itemId: string, by: string, at: Date): Promise<PersonItem | null> {
      const item = await get(itemId);
      if (item === null || item.doneAt !== undefined) {
        return item;
      }
      const updated: PersonItem = { ...item, doneAt: at.toISOString(), doneBy: by };
      const marked = await redis.eval(
        MARK_DONE,
        3,
        openIndex,
        doneIndex,
        keys.needsPersonItem(itemId),
        itemId,
        String(at.getTime()),
        JSON.stringify(updated),
      );
      return marked === 1 ? updated : get(itemId);
    },
  };
}

export type PeopleQueue = ReturnType<typeof createPeopleQueue>;
