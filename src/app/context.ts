import type { Queue } from 'bullmq';
import type { Logger } from '../lib/logger.js';
import type { Classification, ClassifierInput, Draft, Platform, SourceId } from '../core/types.js';
import type { ReplyPolicy } from '../core/decide.js';
import type { DraftInput } from '../core/draft.js';
import type { Source } from '../sources/types.js';
import type { PublicReplyResponder } from '../responders/types.js';
import type { MentionStore } from '../store/mentions.js';
import type { CaseStore } from '../store/cases.js';
import type { CursorStore } from '../store/cursors.js';
import type { SentGuard } from '../store/sent-guard.js';
import type { AuditLog } from '../store/audit-log.js';
import type { PeopleQueue } from '../store/people-queue.js';
import type { PostedTexts } from '../store/posted-texts.js';

/** Names of the shared posting budgets: one per platform endpoint we write to. */
export type BudgetName = 'x:post' | 'x:dm' | 'app-store:reply' | 'google-play:reply';

/**
 * Token buckets in Redis shared by every process, sized from the platform tier's limits so that earshot
 * never draws a 429 in normal operation.
 *
 * @example
 * const grant = await budget.take('x:post', Date.now());
 * if (!grant.granted) await worker.rateLimit(grant.retryAt - Date.now());
 */
export interface RateBudget {
  take(name: BudgetName, now: number): Promise<{ granted: true } | { granted: false; retryAt: number }>;
  /** Aligns the bucket with what the platform reported (x-rate-limit-remaining / -reset). */
  observe(name: BudgetName, remaining: number, resetAt: number, now: number): Promise<void>;
}

/** Everything the use-cases need, built once by createApp. */
export interface AppContext {
  logger: Logger;
  now: () => Date;
  dryRun: boolean;
  brand: { id: string; handle: string; name: string };
  policy: ReplyPolicy;
  classify: (input: ClassifierInput) => Classification;
  draft: (input: Omit<DraftInput, 'brand'>) => Draft;
  sources: Map<SourceId, Source>;
  responders: Map<Platform, PublicReplyResponder>;
  mentions: MentionStore;
  cases: CaseStore;
  cursors: CursorStore;
  sentGuard: SentGuard;
  audit: AuditLog;
  people: PeopleQueue;
  postedTexts: PostedTexts;
  queues: { triage: Queue; replies: Queue };
}
