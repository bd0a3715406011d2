import type { Severity, SourceId } from '../core/types.js';

/** Queue names; BullMQ prefixes them with EARSHOT_PREFIX. */
export const QUEUE_NAMES = { poll: 'poll', triage: 'triage', replies: 'replies' } as const;

export interface PollJob {
  source: SourceId;
}

export interface TriageJob {
  source: SourceId;
  mentionId: string;
}

/** Everything the reply worker needs; never secrets. */
export interface SendReplyJob {
  source: SourceId;
  mentionId: string;
  caseId: string;
  text: string;
  templateId: string;
  severity: Severity | null;
  ruleId: string;
  ruleVersion: string;
  classifierVersion: string;
}

/** Job names and payloads, declared once and shared by producers and processors. */
export interface JobMap {
  poll: PollJob;
  triage: TriageJob;
  'send-reply': SendReplyJob;
}

/** Deterministic job ids. BullMQ rejects all-digit custom ids and ':' — hence the word prefixes. */
export const jobIds = {
  pollScheduler: (source: SourceId) => `poll-${source}`,
  triage: (source: SourceId, mentionId: string) => `triage-${source}-${mentionId}`,
  reply: (platform: string, postId: string) => `reply-${platform}-${postId}`,
};

/** BullMQ priority: 1 is served first. */
export const SEVERITY_PRIORITY: Record<Severity, number> = { P0: 1, P1: 2, P2: 3, P3: 4 };
