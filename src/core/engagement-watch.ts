import { SEVERITIES, type CaseState, type Reason, type Severity, type SourceId } from './types.js';

/**
 * The engagement watch, pure parts: which cases to look up again, in what order and how many per run, and
 * what a raise changes. Mentions are polled within a minute of posting, when nobody has shared them yet; the
 * watch re-reads their counts so a complaint that spreads later is raised (rules/classifier.yaml
 * `severity.spreading` / `severity.growingThread`).
 */

/** How long after posting a complaint is watched: X's "spreading fast" happens in the first day. */
export const WATCH_WINDOW_MS = 24 * 3_600_000;

/** Only X counts engagement; store reviews have none. */
const WATCHED_SOURCES: ReadonlySet<SourceId> = new Set(['x-mentions', 'x-search']);

/** A settled case owes nothing more, however far it spreads. */
const SETTLED_STATES: ReadonlySet<CaseState> = new Set(['resolved', 'closed', 'invalid', 'merged']);

/**
 * What the watch knows about one case and the mention that opened it.
 *
 * @example
 * { caseId: 'x-1860000000000000001', state: 'acknowledged', source: 'x-mentions',
 *   mentionId: '1860000000000000001', postedAt: '2026-11-20T09:00:00.000Z', complaint: true, severity: 'P2',
 *   observedAt: '2026-11-20T09:00:40.000Z' }
 */
export interface WatchCandidate {
  caseId: string;
  state: CaseState;
  source: SourceId;
  mentionId: string;
  postedAt: string;
  /** A person's label wins over the classifier. */
  complaint: boolean;
  /** The severity recorded on the opening mention (the classifier's, or an earlier raise). */
  severity: Severity | null;
  /** When the engagement was last read, or null when it never was. */
  observedAt: string | null;
}

/** The part of `isWatched` a case record decides alone, so the watch reads no mention of a case it skips. */
export function isOpenXCase(record: { platform: string; state: CaseState }): boolean {
  return record.platform === 'x' && !SETTLED_STATES.has(record.state);
}

/** An open X complaint, posted within the window, not already at the most urgent level. */
export function isWatched(
  candidate: WatchCandidate,
  now: Date,
  windowMs: number = WATCH_WINDOW_MS,
): boolean {
  if (!WATCHED_SOURCES.has(candidate.source) || SETTLED_STATES.has(candidate.state)) {
    return false;
  }
  if (!candidate.complaint || candidate.severity === null || candidate.severity === 'P0') {
    return false;
  }
  const postedAt = Date.parse(candidate.postedAt);
  return Number.isFinite(postedAt) && now.getTime() - postedAt <= windowMs;
}

/** The shortest time between two reads of one post. */
export const MIN_REREAD_MS = 5 * 60_000;

/**
 * Due for another read once the time since the last read is at least half the post's age at that read (and at
 * least MIN_REREAD_MS). X bills every post read, so at 5-minute runs a complaint is read 13 times in its first
 * day rather than 288, while a young post, where spreading starts, is read most often.
 */
export function isDue(candidate: WatchCandidate, now: Date): boolean {
  if (candidate.observedAt === null) {
    return true;
  }
  const observed = Date.parse(candidate.observedAt);
  if (!Number.isFinite(observed)) {
    return true;
  }
  const posted = Date.parse(candidate.postedAt);
  const ageAtRead = Number.isFinite(posted) ? Math.max(0, observed - posted) : 0;
  return now.getTime() - observed >= Math.max(MIN_REREAD_MS, ageAtRead / 2);
}

/**
 * Least recently read first (never read before all), then the newest post: a run capped at a few lookups still
 * reaches every watched case in turn, without keeping any state of its own.
 */
export function watchOrder(a: WatchCandidate, b: WatchCandidate): number {
  const seenA = a.observedAt === null ? -Infinity : Date.parse(a.observedAt);
  const seenB = b.observedAt === null ? -Infinity : Date.parse(b.observedAt);
  if (seenA !== seenB) {
    return seenA < seenB ? -1 : 1;
  }
  return b.postedAt.localeCompare(a.postedAt) || a.mentionId.localeCompare(b.mentionId);
}

export interface LookupPlan {
  /** Groups of at most `batchSize` candidates, one lookup request each, at most `maxRequests` of them. */
  batches: WatchCandidate[][];
  /** Watched, due candidates left for a later run by the request cap. */
  left: number;
}

/** The lookups of one run: the watched candidates that are due, in `watchOrder`, batched and capped. */
export function planLookups(
  candidates: readonly WatchCandidate[],
  now: Date,
  limits: { batchSize: number; maxRequests: number },
): LookupPlan {
  const size = Math.max(1, Math.floor(limits.batchSize));
  const watched = candidates
    .filter((candidate) => isWatched(candidate, now) && isDue(candidate, now))
    .sort(watchOrder);
  const batches: WatchCandidate[][] = [];
  for (
    let start = 0;
    start < watched.length && batches.length < limits.maxRequests;
    start += size
  ) {
    batches.push(watched.slice(start, start + size));
  }
  const planned = batches.reduce((sum, batch) => sum + batch.length, 0);
  return { batches, left: watched.length - planned };
}

/** `next` is strictly more urgent than `current` (P0 is the most urgent). Never a lowering. */
export function isMoreUrgent(next: Severity | null, current: Severity | null): boolean {
  if (next === null || current === null) {
    return false;
  }
  return SEVERITIES.indexOf(next) < SEVERITIES.indexOf(current);
}

/** The classifier's engagement reasons for its severity (`engagement:spreading`, `engagement:growing-thread`). */
export function engagementReasons(reasons: readonly Reason[]): Reason[] {
  return reasons.filter(
    (reason) => reason.field === 'severity' && reason.rule.startsWith('engagement:'),
  );
}

/** The deadlines a decision records; older records carry only `deadline`. */
export interface DecisionClocks {
  deadline: string | null;
  acknowledgeBy?: string | null;
  responseDeadline?: string | null;
}

/** The earlier of two optional ISO times; null only when both are. */
export function earlierTime(a: string | null, b: string | null): string | null {
  if (a === null) {
    return b;
  }
  if (b === null) {
    return a;
  }
  return Date.parse(b) < Date.parse(a) ? b : a;
}

/**
 * A decision whose first-response deadline is moved to `due` when that is earlier; the combined `deadline`
 * stays the earliest of the acknowledgment target and the response deadline, as the policy computes it.
 */
export function withEarlierDeadline<D extends DecisionClocks>(decision: D, due: Date): D {
  const responseDeadline = earlierTime(
    decision.responseDeadline ?? decision.deadline,
    due.toISOString(),
  );
  return {
    ...decision,
    responseDeadline,
    deadline: earlierTime(decision.acknowledgeBy ?? null, responseDeadline),
  };
}
