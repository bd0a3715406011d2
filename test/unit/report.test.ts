import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import {
  complaintTerms,
  nextActionsFor,
  ratingsOf,
  type CaseFacts,
  weeklyReportFrom,
  type ReportCase,
  type StoredLabel,
  type WeeklyReport,
  type WeeklyReportInput,
} from '../../src/app/report.js';
import {
  escapeHtml,
  escapeMarkdown,
  renderHtml,
  renderMarkdown,
  runReport,
} from '../../src/cli/report.js';
import { computeSlaMetrics, type MetricsInput } from '../../src/core/sla-metrics.js';
import type { AuditRecord, Classification, Mention } from '../../src/core/types.js';
import type { CaseRecord } from '../../src/store/cases.js';
import type { StoredMention } from '../../src/store/mentions.js';

const NOW = Date.parse('2026-03-09T12:00:00.000Z');
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const XSS = '<script>alert(1)</script> | **bold** [link](javascript:x)';

function at(ms: number): string {
  return new Date(ms).toISOString();
}

function sent(posted: number, afterMinutes: number): AuditRecord {
  return {
    at: at(posted + afterMinutes * MIN),
    caseId: null,
    source: 'x-mentions',
    mentionId: null,
    outcome: 'sent',
    reason: 'reply-posted',
    actor: 'earshot',
  };
}

function reportCase(overrides: Partial<ReportCase> & { postedMs?: number } = {}): ReportCase {
  const { postedMs = NOW - DAY, ...rest } = overrides;
  return {
    id: 'x-1',
    source: 'x-mentions',
    postedAt: at(postedMs),
    complaint: true,
    severity: 'P2',
    category: 'delivery',
    sentiment: -0.4,
    action: 'auto_reply',
    deadline: at(postedMs + 60 * MIN),
    state: 'acknowledged',
    resolvedAt: null,
    ratings: [],
    audit: [sent(postedMs, 10)],
    text: '@acme my parcel never arrived',
    author: 'sam',
    url: null,
    ...rest,
  };
}

function metricsOf(cases: ReportCase[], from: number, to: number, triage?: MetricsInput['triage']) {
  return computeSlaMetrics({
    from: at(from),
    to: at(to),
    now: at(NOW),
    timezone: 'UTC',
    cases,
    triage: triage ?? { labelled: 0, changed: 0, accuracy: null },
  });
}

function input(
  current: ReportCase[],
  previous: ReportCase[] = [],
  labels: StoredLabel[] = [],
  triage?: MetricsInput['triage'],
): WeeklyReportInput {
  return {
    now: new Date(NOW),
    timezone: 'UTC',
    current: { metrics: metricsOf(current, NOW - 7 * DAY, NOW, triage), cases: current },
    previous: { metrics: metricsOf(previous, NOW - 14 * DAY, NOW - 7 * DAY), cases: previous },
    labels,
  };
}

function label(overrides: Partial<StoredLabel> = {}): StoredLabel {
  return {
    source: 'x-mentions',
    mentionId: '1',
    caseId: 'x-1',
    text: 'text',
    complaint: 1,
    category: 'billing',
    severity: 'P1',
    by: 'ana',
    at: at(NOW - DAY),
    predicted: { complaint: true, category: 'delivery' },
    ...overrides,
  };
}

describe('complaint terms', () => {
  it.each`
    text                                                          | expected
    ${'@acme my parcel never arrived, the parcel is lost'}        | ${['parcel', 'arrived', 'lost']}
    ${'Refund please https://example.com/x #fail $ACME @support'} | ${['refund']}
    ${"Can't log in: the login page doesn't load"}                | ${['login', 'page', 'load']}
    ${'Das Paket ist beschädigt'}                                 | ${['paket', 'beschädigt']}
  `('$text → $expected', ({ text, expected }) => {
    expect(complaintTerms(text as string)).toEqual(expected);
  });
});

describe('ratings of a store case', () => {
  it('lists each earlier revision as seen, then the current one', () => {
    const facts = {
      mentions: [
        {
          mention: { rating: 4, createdAt: at(NOW - 5 * DAY) },
          revisedAt: at(NOW - DAY),
          history: [
            { revision: 'a', text: 'bad', rating: 1, seenAt: at(NOW - 5 * DAY) },
            { revision: 'b', text: 'meh', rating: 3, seenAt: at(NOW - 3 * DAY) },
          ],
        },
      ],
    } as unknown as CaseFacts;

    expect(ratingsOf(facts)).toEqual([
      { at: at(NOW - 5 * DAY), rating: 1 },
      { at: at(NOW - 3 * DAY), rating: 3 },
      { at: at(NOW - DAY), rating: 4 },
    ]);
  });
});

describe('the weekly report', () => {
  it('counts volumes and attainment by severity, channel and category', () => {
    const cases = [
      reportCase({ id: 'a', severity: 'P1', category: 'outage' }),
      reportCase({ id: 'b', severity: 'P1', category: 'outage', audit: [sent(NOW - DAY, 90)] }),
      reportCase({ id: 'c', source: 'google-play', severity: 'P2' }),
      reportCase({ id: 'd', complaint: false, severity: null, category: null, deadline: null }),
    ];

    const report = weeklyReportFrom(input(cases));

    expect(report.volumes.bySeverity.find((row) => row.key === 'P1')).toMatchObject({
      cases: 2,
      complaints: 2,
      attainment: { due: 2, met: 1, missed: 1, rate: 0.5 },
    });
    expect(report.volumes.byChannel.find((row) => row.key === 'google-play')?.cases).toBe(1);
    expect(report.volumes.byCategory.map((row) => [row.key, row.complaints])).toEqual([
      ['outage', 2],
      ['delivery', 1],
    ]);
    expect(report.volumes.byCategory[0]?.attainment.rate).toBe(0.5);
  });

  it('ranks top categories and terms with their trend against last week', () => {
    const current = [
      reportCase({ id: 'a', category: 'billing', text: 'charged twice for my order' }),
      reportCase({ id: 'b', category: 'billing', text: 'charged twice again' }),
      reportCase({ id: 'c', category: 'billing', text: 'refund missing' }),
      reportCase({ id: 'd', category: 'delivery', text: 'parcel late' }),
    ];
    const previous = [
      reportCase({ id: 'p', category: 'billing', postedMs: NOW - 10 * DAY, text: 'charged' }),
      reportCase({ id: 'q', category: 'delivery', postedMs: NOW - 10 * DAY, text: 'late' }),
      reportCase({ id: 'r', category: 'delivery', postedMs: NOW - 10 * DAY, text: 'late' }),
    ];

    const report = weeklyReportFrom(input(current, previous));

    expect(report.topIssues.categories).toEqual([
      { key: 'billing', count: 3, previous: 1, trend: 'up', changePct: 200 },
      { key: 'delivery', count: 1, previous: 2, trend: 'down', changePct: -50 },
    ]);
    expect(report.topIssues.terms).toEqual([
      { key: 'charged', count: 2, previous: 1, trend: 'up', changePct: 100 },
      { key: 'twice', count: 2, previous: 0, trend: 'new', changePct: null },
    ]);
  });

  it('lists P0s and SLA breaches as incidents, with how late', () => {
    const posted = NOW - 2 * DAY;
    const cases = [
      reportCase({ id: 'p0', severity: 'P0', postedMs: posted, deadline: at(posted + 15 * MIN) }),
      reportCase({ id: 'late', postedMs: posted, audit: [sent(posted, 100)] }),
      reportCase({ id: 'open', postedMs: posted, audit: [] }),
      reportCase({ id: 'fine', postedMs: posted }),
    ];

    const report = weeklyReportFrom(input(cases));

    expect(
      report.incidents.map((incident) => [incident.caseId, incident.kind, incident.lateByMs]),
    ).toEqual([
      ['p0', 'p0', null],
      ['late', 'sla-breach', 40 * MIN],
      ['open', 'sla-breach', NOW - (posted + 60 * MIN)],
    ]);
  });

  it('keeps this week’s relabels and finds appeals', () => {
    const cases = [
      reportCase({ id: 'a', text: 'I appealed the ban on my account twice' }),
      reportCase({ id: 'b', text: 'parcel late' }),
    ];
    const labels = [label({ caseId: 'a' }), label({ caseId: 'old', at: at(NOW - 9 * DAY) })];

    const report = weeklyReportFrom(input(cases, [], labels));

    expect(report.relabels).toEqual([
      {
        caseId: 'a',
        by: 'ana',
        at: at(NOW - DAY),
        predicted: { complaint: true, category: 'delivery' },
        label: { complaint: true, category: 'billing', severity: 'P1' },
      },
    ]);
    expect(report.appeals.map((appeal) => appeal.caseId)).toEqual(['a']);
  });
});

describe('next actions', () => {
  function actionsFor(
    cases: ReportCase[],
    previous: ReportCase[] = [],
    triage?: MetricsInput['triage'],
  ) {
    const report = weeklyReportFrom(input(cases, previous, [], triage));
    return nextActionsFor(report);
  }

  it.each`
    what                                    | cases                                                                                                                      | expected
    ${'P1 attainment below target'}         | ${[reportCase({ id: 'a', severity: 'P1' }), reportCase({ id: 'b', severity: 'P1', audit: [sent(NOW - DAY, 90)] })]}        | ${/^P1 attainment 50% < 90% target: add approvers at peak hours\.$/}
    ${'an escalation that notified nobody'} | ${[reportCase({ action: 'escalate_human', audit: [{ ...sent(NOW - DAY, 1), outcome: 'escalated_human', reason: 'x' }] })]} | ${/^1 escalation\(s\) notified nobody/}
    ${'no complaints'}                      | ${[reportCase({ complaint: false, severity: null, deadline: null })]}                                                      | ${/^No complaints this week/}
    ${'everything on target'}               | ${[reportCase()]}                                                                                                          | ${/^Every severity met its target/}
  `('$what', ({ cases, expected }) => {
    expect(actionsFor(cases as ReportCase[])[0]).toMatch(expected as RegExp);
  });

  it('calls out a category that rose sharply', () => {
    const current = Array.from({ length: 6 }, (_unused, index) =>
      reportCase({ id: `b${index}`, category: 'billing' }),
    );
    const previous = [
      reportCase({ id: 'p1', category: 'billing', postedMs: NOW - 10 * DAY }),
      reportCase({ id: 'p2', category: 'billing', postedMs: NOW - 10 * DAY }),
    ];

    expect(actionsFor(current, previous)).toContain(
      'billing complaints up 200% (6 vs 2): ask the owning team whether an incident is running.',
    );
  });

  it('asks for retraining when people change many decisions', () => {
    const actions = actionsFor([reportCase()], [], { labelled: 10, changed: 4, accuracy: 0.6 });

    expect(actions).toContain(
      'Triage accuracy 60% (4 of 10 decisions changed): review the relabels and retrain from the labels.',
    );
  });
});

describe('rendering', () => {
  function report(): WeeklyReport {
    const posted = NOW - DAY;
    return weeklyReportFrom(
      input(
        [
          reportCase({ id: 'x-9', severity: 'P0', text: XSS, author: 'mal<b>lory' }),
          reportCase({ id: 'x-8', postedMs: posted, audit: [] }),
        ],
        [],
        [label({ caseId: 'x-9' })],
      ),
    );
  }

  it.each`
    text                       | markdown
    ${'a | b'}                 | ${'a \\| b'}
    ${'**bold** _it_ `code`'}  | ${'\\*\\*bold\\*\\* \\_it\\_ \\`code\\`'}
    ${'<img src=x>'}           | ${'&lt;img src=x&gt;'}
    ${'[x](javascript:alert)'} | ${'\\[x\\](javascript:alert)'}
    ${'two\nlines'}            | ${'two lines'}
  `('escapes $text for Markdown', ({ text, markdown }) => {
    expect(escapeMarkdown(text as string)).toBe(markdown);
  });

  it('escapes untrusted text in HTML', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('renders every section in Markdown with untrusted text escaped', () => {
    const text = renderMarkdown(report());

    for (const heading of [
      '## Summary',
      '## Next actions',
      '### By severity',
      '### By channel',
      '### By category',
      '## Top issues',
      '## Incidents (2)',
      '## Relabels (1) and appeals (0)',
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).not.toContain('<script>');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*\\*bold\\*\\*');
    expect(text).toContain('@mal&lt;b&gt;lory');
  });

  it('renders HTML with no markup from posts or names', () => {
    const html = renderHtml(report());

    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('@mal&lt;b&gt;lory');
    expect(html).toContain('<h2>Next actions</h2>');
  });
});

/** Just enough of the stores for `buildWeeklyReport`, in memory. */
function fakeContext(now: Date): AppContext {
  const posted = now.getTime() - DAY;
  const mention: Mention = {
    source: 'x-mentions',
    id: '100',
    text: '@acme charged twice <b>again</b>',
    lang: 'en',
    author: { id: '1', username: 'sam', name: 'Sam', followersCount: 10, verified: false },
    createdAt: at(posted),
    conversationId: '100',
    inReplyToId: null,
    mentionsBrand: true,
    url: null,
  };
  const classification: Classification = {
    complaint: true,
    confidence: 0.9,
    sentiment: -0.5,
    category: 'billing',
    severity: 'P1',
    flags: [],
    reasons: [],
    classifierVersion: 'v',
  };
  const stored: StoredMention = {
    mention,
    storedAt: at(posted),
    caseId: 'x-100',
    classification,
    decision: {
      action: 'draft_for_approval',
      reason: 'r',
      ruleId: 'r',
      deadline: at(posted + 60 * MIN),
    },
    decidedAt: at(posted),
  };
  const record: CaseRecord = {
    id: 'x-100',
    platform: 'x',
    conversationId: '100',
    state: 'acknowledged',
    createdAt: at(posted),
    firstResponseAt: null,
    resolvedAt: null,
    mentionCount: 1,
    ratingAtReply: null,
    ratingLatest: null,
  };
  const fake = {
    now: () => now,
    policy: { timezone: 'UTC' },
    cases: {
      list: async () => ['x-100'],
      get: async (id: string) => (id === 'x-100' ? record : null),
      mentionKeys: async () => ['x-mentions:100'],
    },
    mentions: { get: async () => stored },
    audit: { forCase: async () => [{ ...sent(posted, 120), caseId: 'x-100' }] },
    labels: { all: async () => [] },
  };
  return fake as unknown as AppContext;
}

describe('earshot report', () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        out: (line: string) => out.push(line),
        err: (line: string) => err.push(line),
        isTTY: false,
      },
    };
  }

  it.each`
    options                          | message
    ${{ week: false, format: 'md' }} | ${/--week/}
    ${{ week: true, format: 'pdf' }} | ${/--format must be md or html/}
  `('exits 2 for $options', async ({ options, message }) => {
    const captured = io();

    const code = await runReport(options as { week: boolean; format: string }, {
      app: { context: fakeContext(new Date(NOW)) },
      io: captured.io,
    });

    expect(code).toBe(2);
    expect(captured.err.join('\n')).toMatch(message as RegExp);
  });

  it('prints the Markdown report of the stored cases', async () => {
    const captured = io();

    const code = await runReport(
      { week: true, format: 'md' },
      { app: { context: fakeContext(new Date(NOW)) }, io: captured.io },
    );

    expect(code).toBe(0);
    const text = captured.out.join('\n');
    expect(text).toContain('# earshot weekly report: 2026-03-02 – 2026-03-09');
    expect(text).toContain('| P1 | 1 | 1 | 0% (0/1) | 90% | 2.0 h | 2.0 h |');
    expect(text).toContain('P1 attainment 0% < 90% target: add approvers at peak hours.');
    expect(text).not.toContain('<b>');
  });

  it('writes the HTML report to --out', async () => {
    const captured = io();
    const files = new Map<string, string>();

    const code = await runReport(
      { week: true, format: 'html', out: 'week.html' },
      {
        app: { context: fakeContext(new Date(NOW)) },
        io: captured.io,
        writeFile: async (path, text) => {
          files.set(path, text);
        },
      },
    );

    expect(code).toBe(0);
    expect(files.get('week.html')).toContain('<h2>Incidents (1)</h2>');
    expect(files.get('week.html')).toContain('charged twice &lt;b&gt;again&lt;/b&gt;');
    expect(captured.out).toEqual([]);
    expect(captured.err).toEqual(['Wrote the weekly report to week.html']);
  });
});
