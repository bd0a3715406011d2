import { describe, expect, it } from 'vitest';
import {
  attainmentOf,
  computeSlaMetrics,
  datesBetween,
  distribution,
  escalationTiming,
  firstResponseAt,
  isReopen,
  median,
  percentile,
  ratingChangeOf,
  sentimentBucket,
  type MetricCase,
  type MetricsInput,
} from '../../src/core/sla-metrics.js';
import type { AuditRecord } from '../../src/core/types.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const MIN = 60_000;

function at(minutes: number): string {
  return new Date(T0 + minutes * MIN).toISOString();
}

function audit(
  outcome: AuditRecord['outcome'],
  minutes: number,
  extra: Partial<AuditRecord> = {},
): AuditRecord {
  return {
    at: at(minutes),
    caseId: 'x-1',
    source: 'x-mentions',
    mentionId: '1',
    outcome,
    reason: outcome === 'sent' ? 'reply-posted' : outcome,
    actor: 'earshot',
    ...extra,
  };
}

function metricCase(overrides: Partial<MetricCase> = {}): MetricCase {
  return {
    id: 'x-1',
    source: 'x-mentions',
    postedAt: at(0),
    complaint: true,
    severity: 'P1',
    category: 'outage',
    sentiment: -0.5,
    action: 'draft_for_approval',
    deadline: at(60),
    state: 'acknowledged',
    resolvedAt: null,
    ratings: [],
    audit: [],
    ...overrides,
  };
}

function input(cases: MetricCase[], overrides: Partial<MetricsInput> = {}): MetricsInput {
  return {
    from: at(-60),
    to: at(24 * 60),
    now: at(24 * 60),
    timezone: 'UTC',
    cases,
    triage: { labelled: 0, changed: 0, accuracy: null },
    ...overrides,
  };
}

describe('percentiles', () => {
  it.each`
    values                                | p50     | p90
    ${[]}                                 | ${null} | ${null}
    ${[5]}                                | ${5}    | ${5}
    ${[1, 2]}                             | ${1.5}  | ${2}
    ${[3, 1, 2]}                          | ${2}    | ${3}
    ${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}    | ${5.5}  | ${9}
    ${[10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]} | ${5}    | ${9}
  `('median and nearest-rank p90 of $values', ({ values, p50, p90 }) => {
    const result = distribution(values as number[]);

    expect(result).toEqual({ count: (values as number[]).length, medianMs: p50, p90Ms: p90 });
  });

  it.each`
    sorted          | p      | expected
    ${[1, 2, 3, 4]} | ${0.5} | ${2}
    ${[1, 2, 3, 4]} | ${1}   | ${4}
    ${[1, 2, 3, 4]} | ${0}   | ${1}
    ${[10, 20, 30]} | ${0.9} | ${30}
  `('percentile($sorted, $p) = $expected', ({ sorted, p, expected }) => {
    expect(percentile(sorted as number[], p as number)).toBe(expected);
  });

  it('median of an even set is the mean of the middle pair', () => {
    expect(median([1, 3, 5, 7])).toBe(4);
  });
});

describe('sentiment buckets', () => {
  it.each`
    score    | bucket
    ${-0.8}  | ${'negative'}
    ${-0.05} | ${'neutral'}
    ${0}     | ${'neutral'}
    ${0.05}  | ${'neutral'}
    ${0.3}   | ${'positive'}
  `('$score is $bucket', ({ score, bucket }) => {
    expect(sentimentBucket(score as number)).toBe(bucket);
  });
});

describe('first response', () => {
  it.each`
    what                                 | records                                                         | expected
    ${'no reply'}                        | ${[audit('drafted', 1)]}                                        | ${null}
    ${'a public reply'}                  | ${[audit('drafted', 1), audit('sent', 20)]}                     | ${at(20)}
    ${'a DM does not count'}             | ${[audit('sent', 5, { reason: 'dm-sent' }), audit('sent', 30)]} | ${at(30)}
    ${'the earliest of several replies'} | ${[audit('sent', 50), audit('sent', 10)]}                       | ${at(10)}
    ${'a dry run is not a response'}     | ${[audit('dry_run', 5)]}                                        | ${null}
  `('$what', ({ records, expected }) => {
    expect(firstResponseAt(records as AuditRecord[])).toBe(expected);
  });
});

describe('attainment of one case', () => {
  const now = T0 + 24 * 60 * MIN;
  it.each`
    what                                  | overrides                                          | expected
    ${'answered before the deadline'}     | ${{ audit: [audit('sent', 59)] }}                  | ${'met'}
    ${'answered exactly at the deadline'} | ${{ audit: [audit('sent', 60)] }}                  | ${'met'}
    ${'answered late'}                    | ${{ audit: [audit('sent', 61)] }}                  | ${'missed'}
    ${'unanswered past the deadline'}     | ${{}}                                              | ${'missed'}
    ${'unanswered, deadline ahead'}       | ${{ deadline: new Date(now + MIN).toISOString() }} | ${'pending'}
    ${'not a complaint'}                  | ${{ complaint: false }}                            | ${null}
    ${'no deadline owed'}                 | ${{ deadline: null }}                              | ${null}
    ${'routed to a person'}               | ${{ action: 'escalate_human' }}                    | ${null}
  `('$what → $expected', ({ overrides, expected }) => {
    expect(attainmentOf(metricCase(overrides as Partial<MetricCase>), now)).toBe(expected);
  });
});

describe('reopens', () => {
  it.each`
    record                                                                                 | expected
    ${audit('state_changed', 1, { reason: 'reopened' })}                                   | ${true}
    ${audit('state_changed', 1, { reason: 'review-edited' })}                              | ${true}
    ${audit('state_changed', 1, { reason: 'case-new', detail: 'resolved → new' })}         | ${true}
    ${audit('state_changed', 1, { reason: 'case-resolved', detail: 'moved to new plan' })} | ${false}
    ${audit('state_changed', 1, { reason: 'moved', detail: 'to resolved' })}               | ${false}
    ${audit('sent', 1, { reason: 'reopened' })}                                            | ${false}
  `('$record.reason / $record.detail → $expected', ({ record, expected }) => {
    expect(isReopen(record as AuditRecord)).toBe(expected);
  });
});

describe('escalation timeliness', () => {
  it.each`
    what                             | records                                                                          | expected
    ${'not escalated'}               | ${[audit('queued', 1), audit('sent', 3)]}                                        | ${null}
    ${'escalated and notified'}      | ${[audit('escalated_human', 2), audit('notified', 3, { reason: 'escalation' })]} | ${{ notified: true, decisionToNotifiedMs: MIN, postedToNotifiedMs: 3 * MIN }}
    ${'paged from a draft decision'} | ${[audit('drafted', 1), audit('notified', 1, { reason: 'page' })]}               | ${{ notified: true, decisionToNotifiedMs: 0, postedToNotifiedMs: MIN }}
    ${'escalated, nobody notified'}  | ${[audit('escalated_human', 2)]}                                                 | ${{ notified: false, decisionToNotifiedMs: null, postedToNotifiedMs: null }}
  `('$what', ({ records, expected }) => {
    expect(escalationTiming(metricCase({ audit: records as AuditRecord[] }))).toEqual(expected);
  });
});

describe('rating change after a store reply', () => {
  it.each`
    what                            | ratings                                                                             | records                | expected
    ${'no reply'}                   | ${[{ at: at(0), rating: 1 }, { at: at(90), rating: 4 }]}                            | ${[]}                  | ${null}
    ${'no later revision'}          | ${[{ at: at(0), rating: 1 }]}                                                       | ${[audit('sent', 30)]} | ${null}
    ${'raised after the reply'}     | ${[{ at: at(0), rating: 1 }, { at: at(90), rating: 4 }]}                            | ${[audit('sent', 30)]} | ${{ before: 1, after: 4 }}
    ${'the latest revision counts'} | ${[{ at: at(0), rating: 2 }, { at: at(40), rating: 3 }, { at: at(90), rating: 5 }]} | ${[audit('sent', 30)]} | ${{ before: 2, after: 5 }}
  `('$what', ({ ratings, records, expected }) => {
    const item = metricCase({
      source: 'google-play',
      ratings: ratings as MetricCase['ratings'],
      audit: records as AuditRecord[],
    });

    expect(ratingChangeOf(item)).toEqual(expected);
  });
});

describe('days in a time zone', () => {
  it.each`
    from                          | to                            | timezone              | expected
    ${'2026-03-02T00:00:00.000Z'} | ${'2026-03-04T00:00:00.000Z'} | ${'UTC'}              | ${['2026-03-02', '2026-03-03']}
    ${'2026-03-02T00:00:00.000Z'} | ${'2026-03-03T00:00:00.000Z'} | ${'America/New_York'} | ${['2026-03-01', '2026-03-02']}
    ${'2026-03-02T00:00:00.000Z'} | ${'2026-03-02T00:00:00.000Z'} | ${'UTC'}              | ${[]}
  `('$from – $to in $timezone', ({ from, to, timezone, expected }) => {
    expect(datesBetween(from as string, to as string, timezone as string)).toEqual(expected);
  });
});

describe('computeSlaMetrics', () => {
  it('computes FRT, TTR and attainment per severity and channel', () => {
    const cases = [
      metricCase({ id: 'a', severity: 'P1', audit: [audit('sent', 10)] }),
      metricCase({ id: 'b', severity: 'P1', audit: [audit('sent', 90)] }),
      metricCase({
        id: 'c',
        severity: 'P2',
        source: 'google-play',
        deadline: at(8 * 60),
        audit: [audit('sent', 30)],
        resolvedAt: at(120),
        state: 'resolved',
      }),
      metricCase({ id: 'd', severity: 'P0', deadline: at(15), audit: [] }),
    ];

    const metrics = computeSlaMetrics(input(cases));

    expect(metrics.totals).toEqual({ cases: 4, complaints: 4, responded: 3, resolved: 1 });
    expect(metrics.frt.overall).toEqual({ count: 3, medianMs: 30 * MIN, p90Ms: 90 * MIN });
    expect(metrics.frt.bySeverity.P1).toEqual({ count: 2, medianMs: 50 * MIN, p90Ms: 90 * MIN });
    expect(metrics.frt.byChannel['google-play']).toEqual({
      count: 1,
      medianMs: 30 * MIN,
      p90Ms: 30 * MIN,
    });
    expect(metrics.ttr.overall).toEqual({ count: 1, medianMs: 120 * MIN, p90Ms: 120 * MIN });
    expect(metrics.attainment.bySeverity.P1).toEqual({
      due: 2,
      met: 1,
      missed: 1,
      pending: 0,
      rate: 0.5,
    });
    expect(metrics.attainment.bySeverity.P0.rate).toBe(0);
    expect(metrics.attainment.bySeverity.P3.rate).toBeNull();
    expect(metrics.attainment.overall).toEqual({
      due: 4,
      met: 2,
      missed: 2,
      pending: 0,
      rate: 0.5,
    });
    expect(metrics.attainment.byChannel['x-mentions'].due).toBe(3);
  });

  it('counts volume by category and sentiment per local day, complaints only for categories', () => {
    const cases = [
      metricCase({ id: 'a', category: 'billing', sentiment: -0.7 }),
      metricCase({ id: 'b', category: 'billing', sentiment: 0, postedAt: at(20 * 60) }),
      metricCase({ id: 'c', category: null, sentiment: 0.6 }),
      metricCase({ id: 'd', complaint: false, category: 'delivery', sentiment: 0.9 }),
    ];

    const metrics = computeSlaMetrics(input(cases));

    expect(metrics.volume.byCategory).toEqual({ billing: 2, uncategorised: 1 });
    expect(metrics.volume.bySentiment).toEqual({ negative: 1, neutral: 1, positive: 2 });
    expect(metrics.volume.daily.map((day) => [day.date, day.cases, day.complaints])).toEqual([
      ['2026-03-02', 3, 2],
      ['2026-03-03', 1, 1],
    ]);
    expect(metrics.volume.daily[1]?.byCategory).toEqual({ billing: 1 });
  });

  it('leaves out cases posted outside the window', () => {
    const metrics = computeSlaMetrics(
      input([metricCase({ id: 'old', postedAt: at(-120) }), metricCase({ id: 'in' })]),
    );

    expect(metrics.totals.cases).toBe(1);
  });

  it('reads a reopen rate of 0 with a note when no state changes are recorded', () => {
    const metrics = computeSlaMetrics(input([metricCase()]));

    expect(metrics.reopen.rate).toBe(0);
    expect(metrics.reopen.note).toMatch(/No case state changes/);
  });

  it('counts cases reopened after they were answered or resolved', () => {
    const cases = [
      metricCase({
        id: 'resolved',
        resolvedAt: at(30),
        audit: [audit('state_changed', 30, { reason: 'resolved' })],
      }),
      metricCase({
        id: 'reopened-after-resolve',
        resolvedAt: at(40),
        audit: [
          audit('state_changed', 40, { reason: 'resolved' }),
          audit('state_changed', 90, { reason: 'reopened' }),
        ],
      }),
      metricCase({
        id: 'review-edited-after-reply',
        source: 'google-play',
        audit: [
          audit('sent', 30),
          audit('state_changed', 100, {
            reason: 'review-edited',
            detail: 'acknowledged → new (reopened)',
          }),
        ],
      }),
      metricCase({
        id: 'edited-before-reply',
        source: 'google-play',
        audit: [audit('state_changed', 10, { reason: 'review-edited' }), audit('sent', 30)],
      }),
      metricCase({
        id: 'unanswered',
        audit: [audit('state_changed', 5, { reason: 'review-edited' })],
      }),
    ];

    const metrics = computeSlaMetrics(input(cases));

    expect(metrics.reopen).toEqual({ answered: 4, reopened: 2, rate: 0.5, note: null });
  });

  it('passes triage accuracy through and summarises escalations and rating changes', () => {
    const cases = [
      metricCase({
        id: 'a',
        action: 'escalate_human',
        audit: [audit('escalated_human', 1), audit('notified', 2, { reason: 'escalation' })],
      }),
      metricCase({ id: 'b', action: 'escalate_human', audit: [audit('escalated_human', 1)] }),
      metricCase({
        id: 'c',
        source: 'app-store',
        ratings: [
          { at: at(0), rating: 1 },
          { at: at(100), rating: 3 },
        ],
        audit: [audit('sent', 30)],
      }),
    ];
    const triage = { labelled: 4, changed: 1, accuracy: 0.75 };

    const metrics = computeSlaMetrics(input(cases, { triage }));

    expect(metrics.triage).toEqual(triage);
    expect(metrics.escalation).toMatchObject({ escalated: 2, notified: 1, unnotified: 1 });
    expect(metrics.escalation.decisionToNotified.medianMs).toBe(MIN);
    expect(metrics.ratingChange).toEqual({
      reviews: 1,
      averageBefore: 1,
      averageAfter: 3,
      averageChange: 2,
    });
  });

  it('returns null rating change and empty distributions without data', () => {
    const metrics = computeSlaMetrics(input([]));

    expect(metrics.ratingChange).toBeNull();
    expect(metrics.frt.overall).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect(metrics.attainment.overall.rate).toBeNull();
    expect(metrics.volume.daily).toHaveLength(2);
  });
});
