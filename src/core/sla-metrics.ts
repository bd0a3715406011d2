/**
 * Response-time and quality metrics from the feedback-handling practice, computed from plain data: first-response
 * time, time to resolution, SLA attainment, volume by category and sentiment, reopen rate, triage accuracy,
 * escalation timeliness and rating change after store replies. Pure: no Redis, no clock.
 */
import {
  SEVERITIES,
  type Action,
  type AuditRecord,
  type CaseState,
  type Severity,
  type SourceId,
} from './types.js';

export const CHANNELS = [
  'x-mentions',
  'x-search',
  'app-store',
  'google-play',
] as const satisfies readonly SourceId[];

export type SentimentBucket = 'negative' | 'neutral' | 'positive';

/** Sentiment scores within ±this are neutral. */
export const NEUTRAL_SENTIMENT = 0.05;

/**
 * One case as the metrics see it: its opening mention, the classification people agreed with (a relabel wins
 * over the classifier), the deadline its decision recorded, and its audit timeline.
 *
 * @example
 * { id: 'x-1860000000000000001', source: 'x-mentions', postedAt: '2026-03-02T10:00:00.000Z', complaint: true,
 *   severity: 'P1', category: 'outage', sentiment: -0.6, action: 'draft_for_approval',
 *   deadline: '2026-03-02T11:00:00.000Z', state: 'acknowledged', resolvedAt: null, ratings: [],
 *   audit: [{ outcome: 'sent', reason: 'reply-posted', at: '2026-03-02T10:20:00.000Z', … }] }
 */
export interface MetricCase {
  id: string;
  /** The channel: the source of the opening mention. */
  source: SourceId;
  /** When the opening mention was posted. */
  postedAt: string;
  complaint: boolean;
  severity: Severity | null;
  category: string | null;
  sentiment: number | null;
  /** What the policy decided for the opening mention; null when it was not triaged yet. */
  action: Action | null;
  /** The first-response deadline the decision recorded (the severity's SLA), or null when none is owed. */
  deadline: string | null;
  state: CaseState;
  resolvedAt: string | null;
  /** Store reviews: the star rating of each revision seen, oldest first. */
  ratings: ReadonlyArray<{ at: string; rating: number }>;
  /** The case's audit timeline, oldest first. */
  audit: readonly AuditRecord[];
}

export interface TriageAccuracy {
  labelled: number;
  changed: number;
  /** Share of labelled decisions people left unchanged; null when nothing is labelled. */
  accuracy: number | null;
}

export interface MetricsInput {
  /** ISO, inclusive. */
  from: string;
  /** ISO, exclusive. */
  to: string;
  /** When the metrics are taken: a deadline still in the future is pending, not missed. */
  now: string;
  /** IANA time zone that days are counted in (the policy's). */
  timezone: string;
  cases: readonly MetricCase[];
  /** From `triageAccuracy` over the labels made in the window. */
  triage: TriageAccuracy;
}

/** Median and 90th percentile of a set of durations, in milliseconds; null when the set is empty. */
export interface Distribution {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface Attainment {
  /** Deadlines that have passed or were met. */
  due: number;
  met: number;
  missed: number;
  /** Deadlines still ahead with no response yet: not counted either way. */
  pending: number;
  /** met / due; null when nothing was due. */
  rate: number | null;
}

export type SentimentCounts = Record<SentimentBucket, number>;

export interface DailyVolume {
  /** Local date in the metrics' time zone, YYYY-MM-DD. */
  date: string;
  cases: number;
  complaints: number;
  byCategory: Record<string, number>;
  bySentiment: SentimentCounts;
  /** Median first-response time of the cases opened that day. */
  frtMedianMs: number | null;
}

export interface SlaMetrics {
  from: string;
  to: string;
  timezone: string;
  totals: { cases: number; complaints: number; responded: number; resolved: number };
  /** First-response time: the first public reply sent − the mention's posting time. */
  frt: {
    overall: Distribution;
    bySeverity: Record<Severity, Distribution>;
    byChannel: Record<SourceId, Distribution>;
  };
  /** Time to resolution: resolvedAt − the mention's posting time. */
  ttr: {
    overall: Distribution;
    bySeverity: Record<Severity, Distribution>;
    byChannel: Record<SourceId, Distribution>;
  };
  /**
   * Complaints whose first public reply met the deadline. Cases routed to a person (`escalate_human`) are left
   * out: they are answered outside earshot, so their response time is unknown; see `escalation`.
   */
  attainment: {
    overall: Attainment;
    bySeverity: Record<Severity, Attainment>;
    byChannel: Record<SourceId, Attainment>;
  };
  volume: {
    byCategory: Record<string, number>;
    bySentiment: SentimentCounts;
    daily: DailyVolume[];
  };
  /** Cases reopened (a review edit, a state change back to new) after we answered or resolved them. */
  reopen: {
    /** Cases with a first response or a resolution: the ones that can be reopened. */
    answered: number;
    reopened: number;
    rate: number | null;
    /** Why the rate may be missing or partial. */
    note: string | null;
  };
  triage: TriageAccuracy;
  /** From the decision to escalate (or page) to the first notification sent to people. */
  escalation: {
    escalated: number;
    notified: number;
    unnotified: number;
    decisionToNotified: Distribution;
    postedToNotified: Distribution;
  };
  /** Store reviews whose author changed the rating after our reply; null when no such data exists. */
  ratingChange: {
    reviews: number;
    averageBefore: number;
    averageAfter: number;
    averageChange: number;
  } | null;
}

const DECISION_OUTCOMES = new Set<AuditRecord['outcome']>([
  'skipped',
  'drafted',
  'queued',
  'escalated_human',
  'escalated_dm',
]);
const ESCALATION_OUTCOMES = new Set<AuditRecord['outcome']>(['escalated_human', 'escalated_dm']);
const ESCALATION_NOTICES = new Set(['page', 'escalation']);
const REOPEN_REASONS = new Set(['reopened', 'case-reopened', 'case-new', 'review-edited']);
const SETTLE_REASONS = new Set(['case-resolved', 'case-closed']);

/** Nearest-rank percentile of sorted values: the smallest value with at least p of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) {
    return null;
  }
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

/** The middle value, or the mean of the two middle values. */
export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) {
    return null;
  }
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  if (sorted.length % 2 === 1) {
    return upper;
  }
  return ((sorted[middle - 1] ?? upper) + upper) / 2;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, medianMs: median(sorted), p90Ms: percentile(sorted, 0.9) };
}

export function sentimentBucket(score: number): SentimentBucket {
  if (score < -NEUTRAL_SENTIMENT) {
    return 'negative';
  }
  if (score > NEUTRAL_SENTIMENT) {
    return 'positive';
  }
  return 'neutral';
}

/** The local calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function localDate(iso: string | number, timezone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

/** Every local date the window [from, to) touches, oldest first. */
export function datesBetween(from: string, to: string, timezone: string): string[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const dates: string[] = [];
  const add = (ms: number) => {
    const date = localDate(ms, timezone);
    if (dates.at(-1) !== date) {
      dates.push(date);
    }
  };
  // Hourly steps catch every local date whatever the zone's offset or DST shift.
  for (let ms = start; ms < end; ms += 3_600_000) {
    add(ms);
  }
  if (end > start) {
    add(end - 1);
  }
  return dates;
}

/** When the first public reply of the case went out, from its audit timeline. */
export function firstResponseAt(audit: readonly AuditRecord[]): string | null {
  let first: string | null = null;
  for (const record of audit) {
    if (record.outcome !== 'sent' || record.reason === 'dm-sent') {
      continue;
    }
    if (first === null || Date.parse(record.at) < Date.parse(first)) {
      first = record.at;
    }
  }
  return first;
}

/** A reopen: a state change back to new (a reply or a review edit after the case was resolved). */
export function isReopen(record: AuditRecord): boolean {
  if (record.outcome !== 'state_changed') {
    return false;
  }
  return REOPEN_REASONS.has(record.reason);
}

function emptyRecord<K extends string, V>(keys: readonly K[], make: () => V): Record<K, V> {
  const record = {} as Record<K, V>;
  for (const key of keys) {
    record[key] = make();
  }
  return record;
}

function emptySentiment(): SentimentCounts {
  return { negative: 0, neutral: 0, positive: 0 };
}

function increment(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

interface AttainmentTally {
  met: number;
  missed: number;
  pending: number;
}

function toAttainment(tally: AttainmentTally): Attainment {
  const due = tally.met + tally.missed;
  return { ...tally, due, rate: due === 0 ? null : tally.met / due };
}

type AttainmentResult = 'met' | 'missed' | 'pending' | null;

/** Whether the case's first response met its deadline; null when the case owes no tracked response. */
export function attainmentOf(item: MetricCase, now: number): AttainmentResult {
  if (!item.complaint || item.deadline === null || item.action === 'escalate_human') {
    return null;
  }
  const deadline = Date.parse(item.deadline);
  const responded = firstResponseAt(item.audit);
  if (responded !== null) {
    return Date.parse(responded) <= deadline ? 'met' : 'missed';
  }
  return now > deadline ? 'missed' : 'pending';
}

interface EscalationTiming {
  notified: boolean;
  decisionToNotifiedMs: number | null;
  postedToNotifiedMs: number | null;
}

/** Escalated or paged cases: how long from the decision until people were notified. Null when not escalated. */
export function escalationTiming(item: MetricCase): EscalationTiming | null {
  const escalated = item.audit.some(
    (record) =>
      ESCALATION_OUTCOMES.has(record.outcome) ||
      (record.outcome === 'notified' && ESCALATION_NOTICES.has(record.reason)),
  );
  if (!escalated) {
    return null;
  }
  const decision =
    item.audit.find((record) => ESCALATION_OUTCOMES.has(record.outcome)) ??
    item.audit.find((record) => DECISION_OUTCOMES.has(record.outcome));
  const start = decision === undefined ? null : Date.parse(decision.at);
  const notice = item.audit.find(
    (record) => record.outcome === 'notified' && (start === null || Date.parse(record.at) >= start),
  );
  if (notice === undefined) {
    return { notified: false, decisionToNotifiedMs: null, postedToNotifiedMs: null };
  }
  const noticeAt = Date.parse(notice.at);
  return {
    notified: true,
    decisionToNotifiedMs: start === null ? null : Math.max(0, noticeAt - start),
    postedToNotifiedMs: Math.max(0, noticeAt - Date.parse(item.postedAt)),
  };
}

/** The rating before our first reply and the latest one after it, when the author edited the review since. */
export function ratingChangeOf(item: MetricCase): { before: number; after: number } | null {
  const replied = firstResponseAt(item.audit);
  if (replied === null || item.ratings.length < 2) {
    return null;
  }
  const repliedAt = Date.parse(replied);
  const before = item.ratings.filter((entry) => Date.parse(entry.at) <= repliedAt).at(-1);
  const after = item.ratings.filter((entry) => Date.parse(entry.at) > repliedAt).at(-1);
  if (before === undefined || after === undefined) {
    return null;
  }
  return { before: before.rating, after: after.rating };
}

function inWindow(iso: string, from: number, to: number): boolean {
  const at = Date.parse(iso);
  return at >= from && at < to;
}

/**
 * Computes every metric over the cases whose opening mention was posted in [from, to).
 *
 * @example
 * const metrics = computeSlaMetrics({ from, to, now, timezone: 'UTC', cases, triage });
 * metrics.attainment.bySeverity.P1.rate; // 0.9
 */
export function computeSlaMetrics(input: MetricsInput): SlaMetrics {
  const from = Date.parse(input.from);
  const to = Date.parse(input.to);
  const now = Date.parse(input.now);
  const cases = input.cases.filter((item) => inWindow(item.postedAt, from, to));

  const frtAll: number[] = [];
  const frtBySeverity = emptyRecord<Severity, number[]>(SEVERITIES, () => []);
  const frtByChannel = emptyRecord<SourceId, number[]>(CHANNELS, () => []);
  const ttrAll: number[] = [];
  const ttrBySeverity = emptyRecord<Severity, number[]>(SEVERITIES, () => []);
  const ttrByChannel = emptyRecord<SourceId, number[]>(CHANNELS, () => []);
  const tallyAll: AttainmentTally = { met: 0, missed: 0, pending: 0 };
  const tallyBySeverity = emptyRecord<Severity, AttainmentTally>(SEVERITIES, () => ({
    met: 0,
    missed: 0,
    pending: 0,
  }));
  const tallyByChannel = emptyRecord<SourceId, AttainmentTally>(CHANNELS, () => ({
    met: 0,
    missed: 0,
    pending: 0,
  }));
  const byCategory: Record<string, number> = {};
  const bySentiment = emptySentiment();
  const dates = datesBetween(input.from, input.to, input.timezone);
  const daily = new Map<string, DailyVolume & { frt: number[] }>(
    dates.map((date) => [
      date,
      {
        date,
        cases: 0,
        complaints: 0,
        byCategory: {},
        bySentiment: emptySentiment(),
        frtMedianMs: null,
        frt: [],
      },
    ]),
  );
  let complaints = 0;
  let responded = 0;
  let resolved = 0;
  let answered = 0;
  let reopened = 0;
  let reopenRecords = 0;
  const escalationDecision: number[] = [];
  const escalationPosted: number[] = [];
  let escalated = 0;
  let notified = 0;
  const ratingChanges: Array<{ before: number; after: number }> = [];

  for (const item of cases) {
    const posted = Date.parse(item.postedAt);
    const day = daily.get(localDate(posted, input.timezone));
    if (day !== undefined) {
      day.cases += 1;
    }
    if (item.complaint) {
      complaints += 1;
      if (day !== undefined) {
        day.complaints += 1;
      }
      const category = item.category ?? 'uncategorised';
      increment(byCategory, category);
      if (day !== undefined) {
        increment(day.byCategory, category);
      }
    }
    if (item.sentiment !== null) {
      const bucket = sentimentBucket(item.sentiment);
      bySentiment[bucket] += 1;
      if (day !== undefined) {
        day.bySentiment[bucket] += 1;
      }
    }

    const replied = firstResponseAt(item.audit);
    if (replied !== null) {
      responded += 1;
      const frt = Math.max(0, Date.parse(replied) - posted);
      frtAll.push(frt);
      frtByChannel[item.source].push(frt);
      if (item.severity !== null) {
        frtBySeverity[item.severity].push(frt);
      }
      day?.frt.push(frt);
    }
    if (item.resolvedAt !== null) {
      resolved += 1;
      const ttr = Math.max(0, Date.parse(item.resolvedAt) - posted);
      ttrAll.push(ttr);
      ttrByChannel[item.source].push(ttr);
      if (item.severity !== null) {
        ttrBySeverity[item.severity].push(ttr);
      }
    }

    const result = attainmentOf(item, now);
    if (result !== null) {
      tallyAll[result] += 1;
      tallyByChannel[item.source][result] += 1;
      if (item.severity !== null) {
        tallyBySeverity[item.severity][result] += 1;
      }
    }

    reopenRecords += item.audit.filter((record) => record.outcome === 'state_changed').length;
    const settled = settledAt(item);
    if (replied !== null || settled !== null) {
      answered += 1;
      if (reopenedAfterAnswer(item, replied, settled)) {
        reopened += 1;
      }
    }

    const timing = escalationTiming(item);
    if (timing !== null) {
      escalated += 1;
      if (timing.notified) {
        notified += 1;
      }
      if (timing.decisionToNotifiedMs !== null) {
        escalationDecision.push(timing.decisionToNotifiedMs);
      }
      if (timing.postedToNotifiedMs !== null) {
        escalationPosted.push(timing.postedToNotifiedMs);
      }
    }

    const change = ratingChangeOf(item);
    if (change !== null) {
      ratingChanges.push(change);
    }
  }

  return {
    from: input.from,
    to: input.to,
    timezone: input.timezone,
    totals: { cases: cases.length, complaints, responded, resolved },
    frt: {
      overall: distribution(frtAll),
      bySeverity: mapValues(frtBySeverity, distribution),
      byChannel: mapValues(frtByChannel, distribution),
    },
    ttr: {
      overall: distribution(ttrAll),
      bySeverity: mapValues(ttrBySeverity, distribution),
      byChannel: mapValues(ttrByChannel, distribution),
    },
    attainment: {
      overall: toAttainment(tallyAll),
      bySeverity: mapValues(tallyBySeverity, toAttainment),
      byChannel: mapValues(tallyByChannel, toAttainment),
    },
    volume: {
      byCategory,
      bySentiment,
      daily: [...daily.values()].map(({ frt, ...day }) => ({
        ...day,
        frtMedianMs: median(sorted(frt)),
      })),
    },
    reopen: reopenRate(answered, reopened, reopenRecords),
    triage: input.triage,
    escalation: {
      escalated,
      notified,
      unnotified: escalated - notified,
      decisionToNotified: distribution(escalationDecision),
      postedToNotified: distribution(escalationPosted),
    },
    ratingChange:
      ratingChanges.length === 0
        ? null
        : {
            reviews: ratingChanges.length,
            averageBefore: mean(ratingChanges.map((change) => change.before)),
            averageAfter: mean(ratingChanges.map((change) => change.after)),
            averageChange: mean(ratingChanges.map((change) => change.after - change.before)),
          },
  };
}

function reopenRate(
  answered: number,
  reopened: number,
  stateChanges: number,
): SlaMetrics['reopen'] {
  if (stateChanges === 0) {
    return {
      answered,
      reopened: 0,
      rate: 0,
      note: 'No case state changes are recorded, so no reopen can be seen: the rate reads 0.',
    };
  }
  return { answered, reopened, rate: answered === 0 ? null : reopened / answered, note: null };
}

/**
 * When the case was first resolved or closed: from the audit log, because reopening clears `resolvedAt`
 * (time to resolution counts the final resolution).
 */
function settledAt(item: MetricCase): string | null {
  const settled = item.audit.find(
    (record) => record.outcome === 'state_changed' && SETTLE_REASONS.has(record.reason),
  );
  return settled?.at ?? item.resolvedAt;
}

/** A reopen after we answered (or resolved) the case: a new post in it, or a review edit. */
function reopenedAfterAnswer(
  item: MetricCase,
  replied: string | null,
  settled: string | null,
): boolean {
  const answeredAt = Math.min(
    replied === null ? Number.POSITIVE_INFINITY : Date.parse(replied),
    settled === null ? Number.POSITIVE_INFINITY : Date.parse(settled),
  );
  return item.audit.some((record) => isReopen(record) && Date.parse(record.at) > answeredAt);
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function mapValues<K extends string, V, W>(
  record: Record<K, V>,
  map: (value: V) => W,
): Record<K, W> {
  const result = {} as Record<K, W>;
  for (const key of Object.keys(record) as K[]) {
    result[key] = map(record[key]);
  }
  return result;
}
