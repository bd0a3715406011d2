import { describe, expect, it } from 'vitest';

import { nextQuotaDay } from '../../src/responders/play-reply/quota-day.js';
import { nextPacificMidnight, pacificDayStart } from '../../src/sandbox/google-play/index.js';
import { createPlayQuota } from '../../src/sandbox/google-play/quota.js';

const HOUR = 3_600_000;

describe('Google quota days (midnight Pacific time)', () => {
  it.each`
    case                                    | at                            | dayStart                      | next
    ${'winter (PST, UTC-8)'}                | ${'2026-11-20T17:00:00.000Z'} | ${'2026-11-20T08:00:00.000Z'} | ${'2026-11-21T08:00:00.000Z'}
    ${'summer (PDT, UTC-7)'}                | ${'2026-07-01T06:59:59.999Z'} | ${'2026-06-30T07:00:00.000Z'} | ${'2026-07-01T07:00:00.000Z'}
    ${'exactly midnight'}                   | ${'2026-07-01T07:00:00.000Z'} | ${'2026-07-01T07:00:00.000Z'} | ${'2026-07-02T07:00:00.000Z'}
    ${'spring forward day (23 hours)'}      | ${'2026-03-08T20:00:00.000Z'} | ${'2026-03-08T08:00:00.000Z'} | ${'2026-03-09T07:00:00.000Z'}
    ${'fall back day (25 hours)'}           | ${'2026-11-01T20:00:00.000Z'} | ${'2026-11-01T07:00:00.000Z'} | ${'2026-11-02T08:00:00.000Z'}
    ${'just before the fall-back midnight'} | ${'2026-11-02T07:59:59.000Z'} | ${'2026-11-01T07:00:00.000Z'} | ${'2026-11-02T08:00:00.000Z'}
  `('$case', ({ at, dayStart, next }) => {
    const ms = Date.parse(at as string);

    expect(new Date(pacificDayStart(ms)).toISOString()).toBe(dayStart);
    expect(new Date(nextPacificMidnight(ms)).toISOString()).toBe(next);
    expect(new Date(nextQuotaDay(ms)).toISOString()).toBe(next);
  });
});

describe('the sandbox quota', () => {
  it('counts reads over a rolling hour', () => {
    const quota = createPlayQuota({ readsPerHour: 2 });
    const t0 = Date.UTC(2026, 10, 20, 17);

    const decisions = [
      quota.takeRead(t0),
      quota.takeRead(t0 + 10 * 60_000),
      quota.takeRead(t0 + 59 * 60_000),
      quota.takeRead(t0 + HOUR + 1),
      quota.takeRead(t0 + HOUR + 2),
    ].map((decision) => decision.allowed);

    expect(decisions).toEqual([true, true, false, true, false]);
  });

  it('counts replies per Pacific day', () => {
    const quota = createPlayQuota({ repliesPerDay: 1 });
    const lateEvening = Date.parse('2026-11-21T07:30:00.000Z'); // 23:30 Pacific

    const decisions = [
      quota.takeReply(lateEvening),
      quota.takeReply(lateEvening + 29 * 60_000),
      quota.takeReply(lateEvening + 30 * 60_000),
    ].map((decision) => decision.allowed);

    expect(decisions).toEqual([true, false, true]);
  });
});
