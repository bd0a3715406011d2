import { createHash } from 'node:crypto';
import type { BudgetName } from '../app/context.js';
import type { Severity, SourceId } from '../core/types.js';
import type { NotifyEvent } from '../responders/notify/types.js';

/** Queue names; BullMQ prefixes them with EARSHOT_PREFIX. */
export const QUEUE_NAMES = {
  poll: 'poll',
  triage: 'triage',
  notify: 'notify',
  watchdog: 'watchdog',
} as const;

/**
 * One send queue per rate budget: a spent budget pauses its queue (BullMQ's queue-wide rate limit) until the
 * next token or the platform's reset, so a wait for X's window never holds App Store or Play replies back.
 */
export const SEND_QUEUE_NAMES = {
  'x:post': 'send-x-post',
  'x:dm': 'send-x-dm',
  'app-store:reply': 'send-app-store',
  'google-play:reply': 'send-google-play',
} as const satisfies Record<BudgetName, string>;

export const BUDGET_NAMES = Object.keys(SEND_QUEUE_NAMES) as BudgetName[];

/** The single send queue of earlier versions; `start` moves what it still holds to SEND_QUEUE_NAMES. */
export const LEGACY_SEND_QUEUE = 'send';

export interface PollJob {
  source: SourceId;
}

export interface TriageJob {
  source: SourceId;
  mentionId: string;
}

/** The draft to send; the worker loads it, so job data never holds secrets or stale text. */
export interface SendDraftJob {
  draftId: string;
}

export interface NotifyJob {
  notifierId: string;
  event: NotifyEvent;
}

export type WatchdogJob = Record<string, never>;

/** Runs on the watchdog queue beside the SLA watchdog: both are periodic, one run per tick. */
export type EngagementWatchJob = Record<string, never>;

/** Job names and payloads, declared once and shared by producers and processors. */
export interface JobMap {
  poll: PollJob;
  triage: TriageJob;
  'send-draft': SendDraftJob;
  notify: NotifyJob;
  watchdog: WatchdogJob;
  'engagement-watch': EngagementWatchJob;
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}

/**
 * A platform id made safe inside job ids and draft ids: X ids pass as they are, others (Play's `gp:AOqp…`,
 * which BullMQ refuses because of the ':') become a stable hash.
 */
export function idPart(value: string): string {
  return /^[\w.-]+$/.test(value)
    ? value
    : `h${createHash('sha256').update(value).digest('hex').slice(0, 24)}`;
}

/** Deterministic job ids. BullMQ rejects all-digit custom ids and ':' — hence the word prefixes. */
export const jobIds = {
  pollScheduler: (source: SourceId) => `poll-${source}`,
  /** One triage per revision: an edited store review is triaged again, an unchanged one never. */
  triage: (source: SourceId, mentionId: string, revision?: string | null) =>
    revision
      ? `triage-${source}-${idPart(mentionId)}-r${shortHash(revision)}`
      : `triage-${source}-${idPart(mentionId)}`,
  send: (draftId: string) => `send-${idPart(draftId)}`,
  notify: (notifierId: string, eventId: string) => `notify-${notifierId}-${idPart(eventId)}`,
  watchdogScheduler: () => 'sla-watchdog',
  engagementWatchScheduler: () => 'engagement-watch',
};

/** BullMQ priority: 1 is served first. */
export const SEVERITY_PRIORITY: Record<Severity, number> = { P0: 1, P1: 2, P2: 3, P3: 4 };
