/**
 * The data behind the desk's case list, its metrics and the weekly report: loads cases with their mentions,
 * labels and audit timelines through the stores, and turns them into `MetricCase`s and a `WeeklyReport`.
 */
import type { PolicyDecision } from '../core/policy/index.js';
import {
  attainmentOf,
  CHANNELS,
  computeSlaMetrics,
  firstResponseAt,
  type Attainment,
  type MetricCase,
  type SlaMetrics,
} from '../core/sla-metrics.js';
import {
  SEVERITIES,
  type Action,
  type AuditRecord,
  type Severity,
  type SourceId,
} from '../core/types.js';
import { mentionKeyOf, parseMentionKey, type CaseRecord } from '../store/cases.js';
import { triageAccuracy, type Relabel } from '../store/labels.js';
import type { StoredMention } from '../store/mentions.js';
import type { AppContext } from './context.js';

/** A stored label; desk relabels also carry the severity. */
export type StoredLabel = Relabel & { severity?: Severity | null };

/** Everything stored about one case, oldest mention first. */
export interface CaseFacts {
  record: CaseRecord;
  mentions: StoredMention[];
  /** The mention that opened the case; null when it is not stored (should not happen). */
  opening: StoredMention | null;
  /** The latest person's label on the opening mention. */
  label: StoredLabel | null;
  audit: AuditRecord[];
}

/** What the case is, as people last agreed: a label wins over the classifier. */
export interface EffectiveClassification {
  complaint: boolean;
  severity: Severity | null;
  category: string | null;
  sentiment: number | null;
  relabelled: boolean;
}

type LabelIndex = ReadonlyMap<string, StoredLabel>;

async function loadLabelIndex(ctx: Pick<AppContext, 'labels'>): Promise<LabelIndex> {
  const labels = (await ctx.labels.all()) as StoredLabel[];
  return new Map(
    labels.map((label) => [mentionKeyOf({ source: label.source, id: label.mentionId }), label]),
  );
}

/**
 * One case with its mentions, label and audit timeline; null when there is no such case. `labelOf` finds a
 * mention's label: a whole-store index when scanning many cases, one lookup for one case.
 */
export async function loadCaseFacts(
  ctx: Pick<AppContext, 'cases' | 'mentions' | 'audit'>,
  caseId: string,
  labelOf: (mentionKey: string) => Promise<StoredLabel | null>,
  options: { audit?: boolean } = {},
): Promise<CaseFacts | null> {
  const record = await ctx.cases.get(caseId);
  if (record === null) {
    return null;
  }
  const [keys, audit] = await Promise.all([
    ctx.cases.mentionKeys(caseId),
    options.audit === false ? Promise.resolve([]) : ctx.audit.forCase(caseId),
  ]);
  const loaded = await Promise.all(
    keys.map((key) => {
      const { source, id } = parseMentionKey(key);
      return ctx.mentions.get(source, id);
    }),
  );
  const mentions = loaded.filter((mention): mention is StoredMention => mention !== null);
  const opening = mentions[0] ?? null;
  const label = opening === null ? null : await labelOf(mentionKeyOf(opening.mention));
  return { record, mentions, opening, label, audit };
}

export function effectiveClassification(facts: CaseFacts): EffectiveClassification {
  const classification = facts.opening?.classification ?? null;
  const label = facts.label;
  if (label === null) {
    return {
      complaint: classification?.complaint ?? false,
      severity: classification?.severity ?? null,
      category: classification?.category ?? null,
      sentiment: classification?.sentiment ?? null,
      relabelled: false,
    };
  }
  const complaint = label.complaint === 1;
  let severity: Severity | null = null;
  if (complaint) {
    severity = label.severity ?? classification?.severity ?? null;
  }
  return {
    complaint,
    severity,
    category: label.category ?? classification?.category ?? null,
    sentiment: classification?.sentiment ?? null,
    relabelled: true,
  };
}

/** The deadline the decision recorded for the severity's first response (older records: the combined one). */
export function responseDeadlineOf(stored: StoredMention | null): string | null {
  const decision = stored?.decision as Partial<PolicyDecision> | undefined;
  if (decision === undefined) {
    return null;
  }
  return decision.responseDeadline ?? decision.deadline ?? null;
}

export function metricCaseOf(facts: CaseFacts): MetricCase | null {
  if (facts.opening === null) {
    return null;
  }
  return {
    ...metricFacts(facts, facts.opening),
    ratings: ratingsOf(facts),
  };
}

/**
 * Every star rating the case's reviews had, oldest first: each earlier revision as it was seen, then the
 * current one from when it replaced them.
 */
export function ratingsOf(facts: CaseFacts): Array<{ at: string; rating: number }> {
  const ratings: Array<{ at: string; rating: number }> = [];
  for (const stored of facts.mentions) {
    for (const entry of stored.history ?? []) {
      if (typeof entry.rating === 'number') {
        ratings.push({ at: entry.seenAt, rating: entry.rating });
      }
    }
    if (typeof stored.mention.rating === 'number') {
      ratings.push({
        at: stored.revisedAt ?? stored.mention.createdAt,
        rating: stored.mention.rating,
      });
    }
  }
  return ratings.sort((a, b) => a.at.localeCompare(b.at));
}

function metricFacts(facts: CaseFacts, opening: StoredMention): Omit<MetricCase, 'ratings'> {
  const effective = effectiveClassification(facts);
  return {
    id: facts.record.id,
    source: opening.mention.source,
    postedAt: opening.mention.createdAt,
    complaint: effective.complaint,
    severity: effective.severity,
    category: effective.category,
    sentiment: effective.sentiment,
    action: (opening.decision?.action ?? null) as Action | null,
    deadline: responseDeadlineOf(opening),
    state: facts.record.state,
    resolvedAt: facts.record.resolvedAt,
    audit: facts.audit,
  };
}

export interface ScanOptions {
  /** Only cases whose opening mention was posted at or after this. */
  since?: Date;
  /** Only cases whose opening mention was posted before this. */
  until?: Date;
  /** Stop after this many matching cases. */
  limit?: number;
  /** Look at no more than this many of the newest cases. */
  maxScan?: number;
  match?: (facts: CaseFacts) => boolean;
  /** Load each case's audit timeline (default true); a list that shows no timeline skips it. */
  audit?: boolean;
}

export interface ScanResult {
  cases: CaseFacts[];
  scanned: number;
  /** More cases might have matched beyond `limit` or `maxScan`. */
  truncated: boolean;
}

const SCAN_CHUNK = 100;
export const DEFAULT_MAX_SCAN = 5000;

/**
 * The newest cases first, loaded in chunks, filtered by posting time and `match`. Cases are indexed by the
 * time they were opened, which is never before the opening mention was posted: the scan stops at the first
 * case opened before `since`.
 */
export async function scanCases(
  ctx: Pick<AppContext, 'cases' | 'mentions' | 'audit' | 'labels'>,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const maxScan = options.maxScan ?? DEFAULT_MAX_SCAN;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const since = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const until = options.until?.getTime() ?? Number.POSITIVE_INFINITY;
  const ids = await ctx.cases.list(maxScan + 1);
  const labels = await loadLabelIndex(ctx);
  const cases: CaseFacts[] = [];
  let scanned = 0;
  for (let start = 0; start < Math.min(ids.length, maxScan); start += SCAN_CHUNK) {
    const chunk = ids.slice(start, Math.min(start + SCAN_CHUNK, maxScan));
    const loaded = await Promise.all(
      chunk.map((id) =>
        loadCaseFacts(ctx, id, (key) => Promise.resolve(labels.get(key) ?? null), {
          audit: options.audit ?? true,
        }),
      ),
    );
    for (const facts of loaded) {
      scanned += 1;
      if (facts === null) {
        continue;
      }
      if (Date.parse(facts.record.createdAt) < since) {
        return { cases, scanned, truncated: false };
      }
      const posted = Date.parse(facts.opening?.mention.createdAt ?? facts.record.createdAt);
      if (posted < since || posted >= until) {
        continue;
      }
      if (options.match !== undefined && !options.match(facts)) {
        continue;
      }
      cases.push(facts);
      if (cases.length >= limit) {
        return { cases, scanned, truncated: true };
      }
    }
  }
  return { cases, scanned, truncated: ids.length > maxScan };
}

export interface MetricsRange {
  from: Date;
  to: Date;
}

/** Metrics over the cases posted in [from, to), as of `now`. */
export async function computeMetrics(
  ctx: AppContext,
  range: MetricsRange,
  now: Date = ctx.now(),
): Promise<SlaMetrics> {
  const { cases } = await scanCases(ctx, { since: range.from, until: range.to });
  return metricsFrom(ctx, range, now, cases);
}

async function metricsFrom(
  ctx: AppContext,
  range: MetricsRange,
  now: Date,
  cases: readonly CaseFacts[],
): Promise<SlaMetrics> {
  const from = range.from.getTime();
  const to = range.to.getTime();
  const labels = (await ctx.labels.all()).filter((label) => {
    const at = Date.parse(label.at);
    return at >= from && at < to;
  });
  return computeSlaMetrics({
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    now: now.toISOString(),
    timezone: ctx.policy.timezone,
    cases: cases.map(metricCaseOf).filter((item): item is MetricCase => item !== null),
    triage: triageAccuracy(labels),
  });
}

// --- the weekly report ---

/** The share of due first responses that must meet the deadline, per severity. */
export const ATTAINMENT_TARGETS: Record<Severity, number> = {
  P0: 0.95,
  P1: 0.9,
  P2: 0.9,
  P3: 0.9,
};

const SEVERITY_ADVICE: Record<Severity, string> = {
  P0: 'page a second person on call and check that notifications reach someone',
  P1: 'add approvers at peak hours',
  P2: 'clear the approval queue before the end of each business day',
  P3: 'review the approval queue at least once a working day',
};

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** A case as the report sees it: the metric facts plus what to show (untrusted text, to be escaped). */
export interface ReportCase extends MetricCase {
  text: string;
  author: string;
  url: string | null;
}

export type Trend = 'up' | 'down' | 'flat' | 'new';

export interface TrendItem {
  key: string;
  count: number;
  previous: number;
  trend: Trend;
  /** Change against the previous week in percent; null when the previous week had none. */
  changePct: number | null;
}

export interface VolumeRow {
  key: string;
  cases: number;
  complaints: number;
  attainment: Attainment;
}

export interface Incident {
  caseId: string;
  kind: 'p0' | 'sla-breach';
  severity: Severity | null;
  category: string | null;
  source: SourceId;
  postedAt: string;
  author: string;
  text: string;
  url: string | null;
  /** How late the first response was (or is, still unanswered); null for a P0 that was on time. */
  lateByMs: number | null;
}

export interface RelabelEntry {
  caseId: string;
  by: string;
  at: string;
  predicted: { complaint: boolean; category: string | null } | null;
  label: { complaint: boolean; category: string | null; severity: Severity | null };
}

export interface Appeal {
  caseId: string;
  source: SourceId;
  author: string;
  text: string;
  postedAt: string;
  state: string;
}

export interface WeeklyReport {
  generatedAt: string;
  from: string;
  to: string;
  timezone: string;
  metrics: SlaMetrics;
  previousMetrics: SlaMetrics;
  volumes: { bySeverity: VolumeRow[]; byChannel: VolumeRow[]; byCategory: VolumeRow[] };
  topIssues: { categories: TrendItem[]; terms: TrendItem[] };
  incidents: Incident[];
  relabels: RelabelEntry[];
  appeals: Appeal[];
  nextActions: string[];
}

export interface WeeklyReportInput {
  now: Date;
  timezone: string;
  current: { metrics: SlaMetrics; cases: readonly ReportCase[] };
  previous: { metrics: SlaMetrics; cases: readonly ReportCase[] };
  labels: readonly StoredLabel[];
}

const STOPWORDS = new Set(
  (
    'the and for you your are was were with this that have has had not but just our out get got can cant ' +
    'could would should will wont its it’s from they them their there what when why how who all any been ' +
    'being into onto over about again still than then too very really much more most some one two now ' +
    'here also only even ever never day days week today yesterday time hours hour minutes please thanks ' +
    'thank help app does did doing done dont didnt doesnt isnt wasnt im ive youre weve theyre let lets ' +
    'make made know need needs want wants going gone come came back like way every after before since ' +
    'while because yet via him her his she he me my mine we us who whom which'
  ).split(/\s+/),
);

/** Words people complain with, once per text: no handles, links, numbers, stopwords or short words. */
export function complaintTerms(text: string): string[] {
  const cleaned = text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[@#$][\p{L}\p{N}_]+/gu, ' ');
  const words = cleaned.match(/\p{L}[\p{L}'’-]*\p{L}/gu) ?? [];
  const terms = new Set<string>();
  for (const word of words) {
    const term = word.replace(/['’]/g, '');
    if (term.length >= 4 && !STOPWORDS.has(term)) {
      terms.add(term);
    }
  }
  return [...terms];
}

function trendOf(count: number, previous: number): { trend: Trend; changePct: number | null } {
  if (previous === 0) {
    return { trend: count > 0 ? 'new' : 'flat', changePct: null };
  }
  const changePct = Math.round(((count - previous) / previous) * 100);
  if (Math.abs(changePct) < 10) {
    return { trend: 'flat', changePct };
  }
  return { trend: changePct > 0 ? 'up' : 'down', changePct };
}

function countBy<T>(
  items: readonly T[],
  keysOf: (item: T) => readonly string[],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    for (const key of keysOf(item)) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

function trendItems(
  current: Map<string, number>,
  previous: Map<string, number>,
  limit: number,
  minCount = 1,
): TrendItem[] {
  return [...current.entries()]
    .filter(([, count]) => count >= minCount)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([key, count]) => {
      const before = previous.get(key) ?? 0;
      return { key, count, previous: before, ...trendOf(count, before) };
    });
}

function volumeRows<K extends string>(
  keys: readonly K[],
  cases: readonly ReportCase[],
  keyOf: (item: ReportCase) => string | null,
  attainment: (key: K) => Attainment,
): VolumeRow[] {
  return keys.map((key) => {
    const matching = cases.filter((item) => keyOf(item) === key);
    return {
      key,
      cases: matching.length,
      complaints: matching.filter((item) => item.complaint).length,
      attainment: attainment(key),
    };
  });
}

function categoryAttainment(
  cases: readonly ReportCase[],
  category: string,
  now: number,
): Attainment {
  let met = 0;
  let missed = 0;
  let pending = 0;
  for (const item of cases) {
    if ((item.category ?? 'uncategorised') !== category) {
      continue;
    }
    const result = attainmentOf(item, now);
    if (result === 'met') {
      met += 1;
    } else if (result === 'missed') {
      missed += 1;
    } else if (result === 'pending') {
      pending += 1;
    }
  }
  const due = met + missed;
  return { due, met, missed, pending, rate: due === 0 ? null : met / due };
}

function incidentsOf(cases: readonly ReportCase[], now: number): Incident[] {
  const incidents: Incident[] = [];
  for (const item of cases) {
    const result = attainmentOf(item, now);
    const isP0 = item.complaint && item.severity === 'P0';
    if (!isP0 && result !== 'missed') {
      continue;
    }
    let lateByMs: number | null = null;
    if (result === 'missed' && item.deadline !== null) {
      const responded = firstResponseAt(item.audit);
      const answeredAt = responded === null ? now : Date.parse(responded);
      lateByMs = Math.max(0, answeredAt - Date.parse(item.deadline));
    }
    incidents.push({
      caseId: item.id,
      kind: isP0 ? 'p0' : 'sla-breach',
      severity: item.severity,
      category: item.category,
      source: item.source,
      postedAt: item.postedAt,
      author: item.author,
      text: item.text,
      url: item.url,
      lateByMs,
    });
  }
  return incidents.sort((a, b) => a.postedAt.localeCompare(b.postedAt));
}

const APPEAL_PATTERN = /\bappeal(?:s|ed|ing)?\b/i;

function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

/** Readable duration: 45 s, 12 min, 3.5 h, 2.1 d. */
export function formatDuration(ms: number | null): string {
  if (ms === null) {
    return '—';
  }
  if (ms < 60_000) {
    return `${Math.round(ms / 1000)} s`;
  }
  if (ms < 3_600_000) {
    return `${Math.round(ms / 60_000)} min`;
  }
  if (ms < 86_400_000) {
    return `${(ms / 3_600_000).toFixed(1)} h`;
  }
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

/** What to do next, derived from the numbers; most urgent first. */
export function nextActionsFor(
  report: Omit<WeeklyReport, 'nextActions' | 'generatedAt'>,
): string[] {
  const actions: string[] = [];
  const metrics = report.metrics;
  for (const severity of SEVERITIES) {
    const attainment = metrics.attainment.bySeverity[severity];
    const target = ATTAINMENT_TARGETS[severity];
    if (attainment.rate !== null && attainment.rate < target) {
      actions.push(
        `${severity} attainment ${percent(attainment.rate)} < ${percent(target)} target: ${SEVERITY_ADVICE[severity]}.`,
      );
    }
  }
  if (metrics.escalation.unnotified > 0) {
    actions.push(
      `${metrics.escalation.unnotified} escalation(s) notified nobody: configure a Slack or webhook notification channel.`,
    );
  }
  const escalationP90 = metrics.escalation.postedToNotified.p90Ms;
  if (escalationP90 !== null && escalationP90 > 15 * 60_000) {
    actions.push(
      `Escalations reached people after ${formatDuration(escalationP90)} (p90): poll more often or page at once for more severities.`,
    );
  }
  for (const item of report.topIssues.categories) {
    const rising =
      (item.trend === 'up' && (item.changePct ?? 0) >= 50) ||
      (item.trend === 'new' && item.count >= 5);
    if (rising && item.count >= 5) {
      const change = item.trend === 'new' ? 'new this week' : `up ${item.changePct}%`;
      actions.push(
        `${item.key} complaints ${change} (${item.count} vs ${item.previous}): ask the owning team whether an incident is running.`,
      );
    }
  }
  const triage = metrics.triage;
  if (triage.accuracy !== null && triage.accuracy < 0.85 && triage.labelled >= 5) {
    actions.push(
      `Triage accuracy ${percent(triage.accuracy)} (${triage.changed} of ${triage.labelled} decisions changed): review the relabels and retrain from the labels.`,
    );
  }
  if (metrics.reopen.rate !== null && metrics.reopen.rate > 0.1) {
    actions.push(
      `Reopen rate ${percent(metrics.reopen.rate)}: check that resolved cases were really answered.`,
    );
  }
  if (metrics.ratingChange !== null && metrics.ratingChange.averageChange < 0) {
    actions.push(
      `Ratings fell by ${Math.abs(metrics.ratingChange.averageChange).toFixed(1)} stars after our store replies: review the store templates.`,
    );
  }
  if (actions.length === 0) {
    actions.push(
      metrics.totals.complaints === 0
        ? 'No complaints this week: nothing to change.'
        : 'Every severity met its target: keep the current staffing and rules.',
    );
  }
  return actions;
}

/** Builds the report from both weeks' cases and metrics. Pure. */
export function weeklyReportFrom(input: WeeklyReportInput): WeeklyReport {
  const now = input.now.getTime();
  const { metrics, cases } = input.current;
  const previous = input.previous;
  const complaintsNow = cases.filter((item) => item.complaint);
  const complaintsBefore = previous.cases.filter((item) => item.complaint);
  const categoryNow = countBy(complaintsNow, (item) => [item.category ?? 'uncategorised']);
  const categoryBefore = countBy(complaintsBefore, (item) => [item.category ?? 'uncategorised']);
  const termsNow = countBy(complaintsNow, (item) => complaintTerms(item.text));
  const termsBefore = countBy(complaintsBefore, (item) => complaintTerms(item.text));
  const from = Date.parse(metrics.from);
  const to = Date.parse(metrics.to);
  const relabels = input.labels
    .filter((label) => {
      const at = Date.parse(label.at);
      return at >= from && at < to;
    })
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((label) => ({
      caseId: label.caseId,
      by: label.by,
      at: label.at,
      predicted: label.predicted,
      label: {
        complaint: label.complaint === 1,
        category: label.category,
        severity: label.severity ?? null,
      },
    }));
  const appeals = cases
    .filter((item) => APPEAL_PATTERN.test(item.text))
    .map((item) => ({
      caseId: item.id,
      source: item.source,
      author: item.author,
      text: item.text,
      postedAt: item.postedAt,
      state: item.state,
    }));
  const categories = [...categoryNow.keys()].sort(
    (a, b) => (categoryNow.get(b) ?? 0) - (categoryNow.get(a) ?? 0) || a.localeCompare(b),
  );
  const body: Omit<WeeklyReport, 'nextActions' | 'generatedAt'> = {
    from: metrics.from,
    to: metrics.to,
    timezone: metrics.timezone,
    metrics,
    previousMetrics: previous.metrics,
    volumes: {
      bySeverity: volumeRows(
        SEVERITIES,
        cases,
        (item) => item.severity,
        (key) => metrics.attainment.bySeverity[key],
      ),
      byChannel: volumeRows(
        CHANNELS,
        cases,
        (item) => item.source,
        (key) => metrics.attainment.byChannel[key],
      ),
      byCategory: volumeRows(
        categories,
        complaintsNow,
        (item) => item.category ?? 'uncategorised',
        (key) => categoryAttainment(cases, key, now),
      ),
    },
    topIssues: {
      categories: trendItems(categoryNow, categoryBefore, 10),
      terms: trendItems(termsNow, termsBefore, 10, 2),
    },
    incidents: incidentsOf(cases, now),
    relabels,
    appeals,
  };
  return { ...body, generatedAt: input.now.toISOString(), nextActions: nextActionsFor(body) };
}

export function reportCaseOf(facts: CaseFacts): ReportCase | null {
  const metric = metricCaseOf(facts);
  if (metric === null || facts.opening === null) {
    return null;
  }
  const { mention } = facts.opening;
  return { ...metric, text: mention.text, author: mention.author.username, url: mention.url };
}

/** The report for the 7 days before `now`, compared with the 7 days before those. */
export async function buildWeeklyReport(
  ctx: AppContext,
  now: Date = ctx.now(),
): Promise<WeeklyReport> {
  const to = now;
  const from = new Date(now.getTime() - WEEK_MS);
  const previousFrom = new Date(from.getTime() - WEEK_MS);
  const { cases: all } = await scanCases(ctx, { since: previousFrom, until: to });
  const posted = (facts: CaseFacts) =>
    Date.parse(facts.opening?.mention.createdAt ?? facts.record.createdAt);
  const current = all.filter((facts) => posted(facts) >= from.getTime());
  const before = all.filter((facts) => posted(facts) < from.getTime());
  const [metrics, previousMetrics] = await Promise.all([
    metricsFrom(ctx, { from, to }, now, current),
    metricsFrom(ctx, { from: previousFrom, to: from }, now, before),
  ]);
  const toReportCases = (list: readonly CaseFacts[]) =>
    list.map(reportCaseOf).filter((item): item is ReportCase => item !== null);
  return weeklyReportFrom({
    now,
    timezone: ctx.policy.timezone,
    current: { metrics, cases: toReportCases(current) },
    previous: { metrics: previousMetrics, cases: toReportCases(before) },
    labels: (await ctx.labels.all()) as StoredLabel[],
  });
}
