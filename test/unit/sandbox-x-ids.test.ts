import { describe, expect, it } from 'vitest';

import {
  compareIds,
  createIdGenerator,
  createSequence,
  FIRST_POST_ID,
  isXId,
  snowflakeAt,
  snowflakeTime,
} from '../../src/sandbox/x/ids.js';

describe('post ids', () => {
  it('are snowflakes of the clock when the clock is current', () => {
    const now = Date.UTC(2026, 10, 20, 9, 0, 0);
    const ids = createIdGenerator(() => now);

    const id = ids.next();

    expect(id).toBe(snowflakeAt(now).toString());
    expect(snowflakeTime(BigInt(id))).toBe(now);
    expect(isXId(id)).toBe(true);
  });

  it('strictly increase while the clock stands still or goes back', () => {
    let now = Date.UTC(2026, 10, 20, 9, 0, 0);
    const ids = createIdGenerator(() => now);

    const first = ids.next();
    const second = ids.next();
    now -= 3_600_000;
    const third = ids.next();

    expect(BigInt(second) - BigInt(first)).toBe(1n);
    expect(BigInt(third) - BigInt(second)).toBe(1n);
  });

  it('never go below the floor, so an epoch-zero test clock still yields 19-digit ids', () => {
    const ids = createIdGenerator(() => 0);

    const id = ids.next();

    expect(id).toBe(FIRST_POST_ID.toString());
    expect(id).toHaveLength(19);
  });

  it('matches the spec pattern only for 1 to 19 digits', () => {
    const results = ['1', '1860000000000000000', '12345678901234567890', '12a', ''].map(isXId);

    expect(results).toEqual([true, true, false, false, false]);
  });

  it('compares by numeric value, not by string', () => {
    const results = [compareIds('9', '10'), compareIds('10', '9'), compareIds('42', '42')];

    expect(results).toEqual([-1, 1, 0]);
  });
});

describe('user ids', () => {
  it('count up from the start', () => {
    const ids = createSequence(1_000_000_001n);

    const taken = [ids.next(), ids.next(), ids.next()];

    expect(taken).toEqual(['1000000001', '1000000002', '1000000003']);
  });
});
