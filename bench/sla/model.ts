import type { PolicyDecision } from '../../src/core/policy/index.js';
import type { Classification, Mention, Severity } from '../../src/core/types.js';

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;

/**
 * The scenario and the timings the simulation assumes. Everything that is not earshot's own code (the policy,
 * the decision, the bucket, the queue order) is a constant here, so a run is reproducible from its seed.
 */
export interface SimSettings {
  seed: number;
  complaints: number;
  /** Simulated clock start: a Tuesday 10:00 UTC, inside business hours and outside quiet hours. */
  start: number;
  /** The simulated hour. */
  durationMs: number;
  /** Every complaint is posted within this long after `start`. */
  burstMs: number;
  /** Live default of X_POLL_INTERVAL_MS (src/config/env.ts): a mention is ingested at the next poll. */
  pollIntervalMs: number;
  /** Triage worker concurrency in src/app.ts. */
  triageWorkers: number;
  /** One triage job: classify (~1 ms, bench/classify.ts) + ~10 local Redis round trips + the draft. */
  triageMs: number;
  /** Adding the `notify` job to Redis. */
  notifyEnqueueMs: number;
  /** One webhook or Slack delivery, taken at a slow end of what Slack's incoming webhooks answer in. */
  webhookMs: number;
  /** One POST /2/tweets round trip; the reply worker runs one job at a time (src/app.ts). */
  postMs: number;
  /** A person approves a P0/P1 draft, or answers a P0/P1 escalation, this long after being notified. */
  personActsAfterMs: Record<'P0' | 'P1', number>;
  /** X pay-per-use: POST /2/tweets, per user, fixed windows (platform-facts.md §1.10 table B). */
  xPostLimit: number;
  xWindowMs: number;
}

export const DEFAULT_SETTINGS: SimSettings = {
  seed: 20_261_124,
  complaints: 2_000,
  start: Date.parse('2026-11-24T10:00:00.000Z'),
  durationMs: 60 * MINUTE_MS,
  burstMs: 5 * MINUTE_MS,
  pollIntervalMs: 15 * SECOND_MS,
  triageWorkers: 4,
  triageMs: 25,
  notifyEnqueueMs: 5,
  webhookMs: 1_500,
  postMs: 400,
  personActsAfterMs: { P0: 5 * MINUTE_MS, P1: 10 * MINUTE_MS },
  xPostLimit: 100,
  xWindowMs: 15 * MINUTE_MS,
};

/**
 * Why people hear about a complaint (the kinds in src/responders/notify/types.ts): `page` when the decision
 * says `pageNow`, `escalation` when policy routed the case to a person, `sla-warning` from the watchdog at the
 * decision's `notifyAt` otherwise.
 */
export type NotifyKind = 'page' | 'escalation' | 'sla-warning';

/** One synthetic @mention complaint and everything that happens to it before the posting queue. */
export interface Complaint {
  index: number;
  mention: Mention;
  classification: Classification;
  severity: Severity;
  dmAvailable: boolean;
  createdAt: number;
  ingestedAt: number;
  /** Triage finished: classified, decided and drafted, so the draft is ready. */
  decidedAt: number;
  decision: PolicyDecision;
  notifyKind: NotifyKind | null;
  notifiedAt: number | null;
  /** A person approved the draft or wrote the reply; null when nobody does within the simulated hour. */
  personActedAt: number | null;
  /** The decision routes the complaint to a person (approval or escalation). */
  needsPerson: boolean;
}

/**
 * - `auto`: the automatic acknowledgment (auto_reply, or the public notice of an automatic escalate_dm);
 * - `person`: a reply a person approved or wrote (P0/P1 only: they share the posting budget);
 * - `safe-ack`: the watchdog's neutral acknowledgment while a draft still waits for approval.
 */
export type PostKind = 'auto' | 'person' | 'safe-ack';

/** One public reply that wants the posting budget from `readyAt` on. */
export interface PostRequest {
  id: number;
  complaint: Complaint;
  kind: PostKind;
  severity: Severity;
  readyAt: number;
  /** The deadline this post serves: the acknowledgment target, or the response target for a person's reply. */
  deadline: number;
}

export type SchedulerName = 'earshot' | 'fifo';

export interface Post {
  request: PostRequest;
  /** X accepted the call at this instant. */
  postedAt: number;
}

/** What one scheduler did with the same requests. */
export interface RunResult {
  scheduler: SchedulerName;
  posts: Post[];
  /** Calls X answered with 429. */
  rejected: number;
  /** Posts made while a more severe post was ready and already past its deadline. */
  orderViolations: number;
  /** Posts made while any more severe post was ready (informative). */
  priorityInversions: number;
  /** Ready but not posted when the hour ended. */
  waiting: PostRequest[];
  /** The most posts X accepted in one of its fixed windows, and in any 15-minute span. */
  maxInXWindow: number;
  maxInAnySpan: number;
}
