import { describe, expect, it } from 'vitest';

import {
  advanceWindow,
  MAX_SEEN_IDS,
  noveltyOf,
  windowFromJson,
  windowToJson,
  type SeenWindow,
} from '../../src/sources/app-store/window.js';

const T = Date.UTC(2026, 10, 20, 9, 0, 0);

describe('the seen window of store cursors', () => {
  it('treats everything as new without a window', () => {
    expect(noveltyOf(undefined, 'a', T, 'r1')).toBe('new');
  });

  it('tells older, seen and new apart, edits included', () => {
    const window: SeenWindow = { since: T, seen: new Map([['a', 'r1']]) };

    expect(noveltyOf(window, 'z', T - 1, 'r1')).toBe('older');
    expect(noveltyOf(window, 'a', T, 'r1')).toBe('seen');
    expect(noveltyOf(window, 'a', T, 'r2')).toBe('new');
    expect(noveltyOf(window, 'b', T, 'r1')).toBe('new');
  });

  it('keeps every id at the newest instant when several reviews share it (no overlap)', () => {
    const next = advanceWindow(
      undefined,
      [
        { id: 'a', dateMs: T, revision: 'ra' },
        { id: 'b', dateMs: T, revision: 'rb' },
        { id: 'c', dateMs: T - 1000, revision: 'rc' },
      ],
      0,
    );

    expect(next).toEqual({
      since: T,
      seen: new Map([
        ['a', 'ra'],
        ['b', 'rb'],
      ]),
    });
  });

  it('keeps the overlap behind the newest date and never moves the floor back', () => {
    const previous: SeenWindow = { since: T, seen: new Map() };

    const next = advanceWindow(
      previous,
      [
        { id: 'new', dateMs: T + 600_000, revision: 'r' },
        { id: 'inside', dateMs: T + 100_000, revision: 'r' },
      ],
      1_800_000,
    );

    expect(next?.since).toBe(T);
    expect([...(next?.seen.keys() ?? [])]).toEqual(['new', 'inside']);
  });

  it('keeps the previous window when a poll observed nothing', () => {
    const previous: SeenWindow = { since: T, seen: new Map([['a', 'r']]) };

    expect(advanceWindow(previous, [], 0)).toBe(previous);
    expect(advanceWindow(undefined, [], 0)).toBeUndefined();
  });

  it(`caps the window at ${MAX_SEEN_IDS} ids by raising the floor`, () => {
    const observed = Array.from({ length: MAX_SEEN_IDS + 20 }, (_, index) => ({
      id: `id${index}`,
      dateMs: T + index * 1000,
      revision: 'r',
    }));

    const next = advanceWindow(undefined, observed, 10 * 86_400_000);

    expect(next?.seen.size).toBe(MAX_SEEN_IDS);
    expect(next?.since).toBe(T + 20_000);
  });

  it('round-trips through JSON', () => {
    const window: SeenWindow = { since: T, seen: new Map([['a', 'r1']]) };

    expect(windowFromJson(JSON.parse(JSON.stringify(windowToJson(window))))).toEqual(window);
  });
});
