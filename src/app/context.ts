import type { Queue } from 'bullmq';
import type { Logger } from '../lib/logger.js';
import type { Classification, ClassifierInput, Draft, Platform, SourceId } from '../core/types.js';
import type { Policy } from '../core/policy/index.js';
import type { DraftInput } from '../core/draft.js';
import type { Source } from '../sources/types.js';
import type { DmResponder, PublicReplyResponder } from '../responders/types.js';
import type { Notifier } from '../responders/notify/types.js';
import type { DraftStore } from '../store/drafts.js';
import type { OptOutStore } from '../store/opt-outs.js';
import type { DailyCounters } from '../store/daily.js';
import type { ControlStore } from '../store/control.js';
import type { LabelStore } from '../store/labels.js';
import type { NotifyRequest } from './notify.js';
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
  take(
    name: BudgetName,
    now: number,
  ): Promise<{ granted: true } | { granted: false; retryAt: number }>;
  /** Aligns the bucket with what the platform reported (x-rate-limit-remaining / -reset). */
  observe(name: BudgetName, remaining: number, resetAt: number, now: number): Promise<void>;
}

/** Everything the use-cases need, built once by createApp. */
export interface AppContext {
  logger: Logger;
  now: () => Date;
  dryRun: boolean;
  brand: { id: string; handle: string; name: string };
  /** rules/policy.yaml, validated. */
  policy: Policy;
  /** Upper bound of the per-draft delay added to automated sends. */
  jitterMs: number;
  /** Base URL of the desk, for case links in notifications. */
  deskBaseUrl: string;
  /** A privacy-policy URL is configured: X support DMs must link one, so DMs are off without it. */
  privacyUrlConfigured: boolean;
  /** Async when a trained model needs the sentence encoder's vector of each text (src/lib/sentence-encoder.ts). */
  classify: (input: ClassifierInput) => Classification | Promise<Classification>;
  draft: (input: Omit<DraftInput, 'brand'>) => Draft;
  sources: Map<SourceId, Source>;
  responders: Map<Platform, PublicReplyResponder>;
  dmResponders: Map<Platform, DmResponder>;
  notifiers: Map<string, Notifier>;
  notify: (request: Omit<NotifyRequest, 'kind'> & { kind: NotifyRequest['kind'] }) => Promise<void>;
  rateBudget: RateBudget;
  drafts: DraftStore;
  optOuts: OptOutStore;
  daily: DailyCounters;
  control: ControlStore;
  labels: LabelStore;
  mentions: MentionStore;
  cases: CaseStore;
  cursors: CursorStore;
  sentGuard: SentGuard;
  audit: AuditLog;
  people: PeopleQueue;
  postedTexts: PostedTexts;
  /** `send` holds one queue per rate budget (SEND_QUEUE_NAMES); `budgetFor(draft)` names a draft's. */
  queues: { triage: Queue; send: Record<BudgetName, Queue>; notify: Queue };
}
