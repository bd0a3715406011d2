import { describe, expect, it } from 'vitest';
import {
  engagementReasons,
  isDue,
  isMoreUrgent,
  isWatched,
  planLookups,
  withEarlierDeadline,
  type WatchCandidate,
} from '../../src/core/engagement-watch.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function candidate(overrides: Partial<WatchCandidate> = {}): WatchCandidate {
  return {
    caseId: 'x-1860000000000000001',
    state: 'acknowledged',
    source: 'x-mentions',
    mentionId: '1860000000000000001',
    postedAt: '2026-11-23T11:00:00.000Z',
    complaint: true,
    severity: 'P2',
    observedAt: '2026-11-23T11:00:30.000Z',
    ...overrides,
  };
}

describe('isWatched', () => {
  it.each`
    why                                | overrides                                   | watched
    ${'an open P2 mention of an hour'} | ${{}}                                       | ${true}
    ${'a keyword-search hit'}          | ${{ source: 'x-search' }}                   | ${true}
    ${'escalated, still open'}         | ${{ state: 'escalated' }}                   | ${true}
    ${'a P1 can still become P0'}      | ${{ severity: 'P1' }}                       | ${true}
    ${'exactly 24 hours old'}          | ${{ postedAt: '2026-11-22T12:00:00.000Z' }} | ${true}
    ${'older than 24 hours'}           | ${{ postedAt: '2026-11-22T11:59:59.000Z' }} | ${false}
    ${'already P0'}                    | ${{ severity: 'P0' }}                       | ${false}
    ${'not a complaint'}               | ${{ complaint: false, severity: null }}     | ${false}
    ${'a store review'}                | ${{ source: 'app-store' }}                  | ${false}
    ${'resolved'}                      | ${{ state: 'resolved' }}                    | ${false}
    ${'closed'}                        | ${{ state: 'closed' }}                      | ${false}
    ${'invalid'}                       | ${{ state: 'invalid' }}                     | ${false}
    ${'merged'}                        | ${{ state: 'merged' }}                      | ${false}
    ${'an unreadable post time'}       | ${{ postedAt: 'yesterday' }}                | ${false}
  `('$why → $watched', ({ overrides, watched }) => {
    const result = isWatched(candidate(overrides as Partial<WatchCandidate>), NOW);

    expect(result).toBe(watched);
  });
});

describe('planLookups', () => {
  it('reads the least recently read first, then the newest post, in capped batches', () => {
    const candidates = [
      candidate({ mentionId: '1', observedAt: '2026-11-23T11:50:00.000Z' }),
      candidate({ mentionId: '2', observedAt: null }),
      candidate({ mentionId: '3', observedAt: '2026-11-23T11:10:00.000Z' }),
      candidate({
        mentionId: '4',
        observedAt: '2026-11-23T11:10:00.000Z',
        postedAt: '2026-11-23T11:05:00.000Z',
      }),
      candidate({ mentionId: '5', state: 'resolved' }),
    ];

    const plan = planLookups(candidates, NOW, { batchSize: 2, maxRequests: 1 });

    // 1 was read 10 minutes ago at 50 minutes old: not due for 25 minutes. 5 is resolved.
    expect(plan.batches.map((batch) => batch.map((each) => each.mentionId))).toEqual([['2', '4']]);
    expect(plan.left).toBe(1);
  });

  it('makes no request when nothing is watched', () => {
    const plan = planLookups([candidate({ severity: 'P0' })], NOW, {
      batchSize: 100,
      maxRequests: 5,
    });

    expect(plan).toEqual({ batches: [], left: 0 });
  });

  it('fills batches of 100 up to the request cap', () => {
    const candidates = Array.from({ length: 250 }, (_, index) =>
      candidate({ mentionId: String(1000 + index) }),
    );

    const plan = planLookups(candidates, NOW, { batchSize: 100, maxRequests: 5 });

    expect(plan.batches.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(plan.left).toBe(0);
  });
});

describe('isDue', () => {
  it.each`
    why                                                  | postedAt                      | observedAt                    | due
    ${'never read'}                                      | ${'2026-11-23T11:00:00.000Z'} | ${null}                       | ${true}
    ${'read at 1 min old, 5 min ago'}                    | ${'2026-11-23T11:54:00.000Z'} | ${'2026-11-23T11:55:00.000Z'} | ${true}
    ${'read at 1 min old, 4 min ago'}                    | ${'2026-11-23T11:55:00.000Z'} | ${'2026-11-23T11:56:00.000Z'} | ${false}
    ${'read at 2 h old, 1 h ago'}                        | ${'2026-11-23T09:00:00.000Z'} | ${'2026-11-23T11:00:00.000Z'} | ${true}
    ${'read at 2 h old, 59 min ago'}                     | ${'2026-11-23T09:00:00.000Z'} | ${'2026-11-23T11:01:00.000Z'} | ${false}
    ${'an unreadable read time is read again'}           | ${'2026-11-23T11:00:00.000Z'} | ${'soon'}                     | ${true}
    ${'an unreadable post time: only the 5-minute rule'} | ${'yesterday'}                | ${'2026-11-23T11:55:00.000Z'} | ${true}
  `('$why → $due', ({ postedAt, observedAt, due }) => {
    const result = isDue(
      candidate({ postedAt: postedAt as string, observedAt: observedAt as string | null }),
      NOW,
    );

    expect(result).toBe(due);
  });

  it('reads a complaint about a dozen times in its first day at 5-minute runs, not 288', () => {
    const posted = Date.parse('2026-11-23T00:00:00.000Z');
    let observedAt = new Date(posted + 60_000).toISOString();
    let reads = 1;
    for (let run = posted + 5 * 60_000; run <= posted + 24 * 3_600_000; run += 5 * 60_000) {
      const now = new Date(run);
      if (isDue(candidate({ postedAt: new Date(posted).toISOString(), observedAt }), now)) {
        reads += 1;
        observedAt = now.toISOString();
      }
    }

    expect(reads).toBeGreaterThanOrEqual(12);
    expect(reads).toBeLessThanOrEqual(25);
  });
});

describe('isMoreUrgent', () => {
  it.each`
    next    | current | more
    ${'P0'} | ${'P2'} | ${true}
    ${'P1'} | ${'P2'} | ${true}
    ${'P2'} | ${'P2'} | ${false}
    ${'P3'} | ${'P2'} | ${false}
    ${'P0'} | ${null} | ${false}
    ${null} | ${'P2'} | ${false}
  `('$next over $current → $more', ({ next, current, more }) => {
    expect(isMoreUrgent(next, current)).toBe(more);
  });
});

describe('withEarlierDeadline', () => {
  const decision = {
    deadline: '2026-11-23T11:00:00.000Z',
    acknowledgeBy: '2026-11-23T11:00:00.000Z',
    responseDeadline: '2026-11-23T17:00:00.000Z',
  };

  it('moves the response deadline and the combined one when the new level is due earlier', () => {
    const moved = withEarlierDeadline(decision, new Date('2026-11-23T10:55:00.000Z'));

    expect(moved).toEqual({
      deadline: '2026-11-23T10:55:00.000Z',
      acknowledgeBy: '2026-11-23T11:00:00.000Z',
      responseDeadline: '2026-11-23T10:55:00.000Z',
    });
  });

  it('keeps the combined deadline at the acknowledgment target when that is still earlier', () => {
    const moved = withEarlierDeadline(decision, new Date('2026-11-23T12:00:00.000Z'));

    expect(moved).toEqual({ ...decision, responseDeadline: '2026-11-23T12:00:00.000Z' });
  });

  it('never moves a deadline later', () => {
    const moved = withEarlierDeadline(decision, new Date('2026-11-24T09:00:00.000Z'));

    expect(moved).toEqual(decision);
  });

  it('reads an older record that has only the combined deadline', () => {
    const moved = withEarlierDeadline(
      { deadline: '2026-11-23T17:00:00.000Z' },
      new Date('2026-11-23T12:15:00.000Z'),
    );

    expect(moved).toEqual({
      deadline: '2026-11-23T12:15:00.000Z',
      responseDeadline: '2026-11-23T12:15:00.000Z',
    });
  });
});

describe('engagementReasons', () => {
  it('keeps the severity reasons that come from engagement', () => {
    const reasons = engagementReasons([
      { field: 'severity', rule: 'category:delivery', detail: 'Delivery complaints start at P2' },
      { field: 'severity', rule: 'engagement:spreading', detail: 'shared 60 times' },
      { field: 'flag', rule: 'engagement:odd', detail: 'not a severity reason' },
    ]);

    expect(reasons.map((reason) => reason.rule)).toEqual(['engagement:spreading']);
  });
});
