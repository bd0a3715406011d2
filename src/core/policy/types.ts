import type {
  Action,
  Classification,
  Decision,
  Flag,
  Mention,
  Severity,
  SourceId,
} from '../types.js';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Indexed like `Date#getUTCDay()`: 0 is Sunday. */
export const WEEKDAYS = [
  'sun',
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
] as const satisfies readonly Weekday[];

export const ACTIONS = [
  'auto_reply',
  'draft_for_approval',
  'escalate_human',
  'escalate_dm',
  'ignore',
] as const satisfies readonly Action[];

export const FLAGS = [
  'escalate_human',
  'escalate_dm',
  'private_data',
  'opt_out',
  'abusive',
  'sarcasm_suspected',
  'question',
  'praise',
] as const satisfies readonly Flag[];

export const SOURCES = [
  'x-mentions',
  'x-search',
  'app-store',
  'google-play',
] as const satisfies readonly SourceId[];

/**
 * Where the text of a reply came from: a rendered template, a template a person changed, text a person wrote,
 * or text a language model wrote. Only `template` text may go out without a person approving it.
 */
export type ReplyOrigin = 'template' | 'edited' | 'free-text' | 'ai';

export const REPLY_ORIGINS = [
  'template',
  'edited',
  'free-text',
  'ai',
] as const satisfies readonly ReplyOrigin[];

/**
 * The weekly opening hours the team works, in the policy's time zone. `to` may be `24:00` (midnight at the end of
 * the day); hours that run past midnight are not supported, use two days instead.
 *
 * @example
 * { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00', holidays: ['2026-12-25'] }
 */
export interface BusinessHours {
  days: Weekday[];
  /** `HH:MM`, local time. */
  from: string;
  /** `HH:MM` or `24:00`, local time, after `from`. */
  to: string;
  /** Local dates (`YYYY-MM-DD`) that are not business days even when their weekday is. */
  holidays: string[];
}

/**
 * Hours in which automated public posts wait. `from` after `to` spans midnight (`22:00`–`07:00`).
 *
 * @example
 * { from: '22:00', to: '07:00', exceptSeverities: ['P0', 'P1'] }
 */
export interface QuietHours {
  from: string;
  to: string;
  /** Severities whose automated acknowledgments go out at once even in quiet hours. */
  exceptSeverities: Severity[];
}

/** Wall-clock minutes after the mention was posted, business hours or not: for urgent levels. */
export interface SlaMinutes {
  kind: 'minutes';
  minutes: number;
}

/** Minutes counted only while business hours are open. */
export interface SlaBusinessMinutes {
  kind: 'business-minutes';
  minutes: number;
}

/**
 * By the close of business on the day the mention arrives; a mention that arrives outside business hours, or
 * after `cutoff`, is due at the close of the next business day.
 */
export interface SlaSameDay {
  kind: 'same-day';
  /** `HH:MM` or null (then only the close of business counts). */
  cutoff: string | null;
}

/** `days` × the length of a business day, counted only while business hours are open. */
export interface SlaWorkingDays {
  kind: 'working-days';
  days: number;
}

/** How a first-response target is computed; see rules/README.md "policy.yaml" for worked examples. */
export type SlaTarget = SlaMinutes | SlaBusinessMinutes | SlaSameDay | SlaWorkingDays;

export interface NotifySettings {
  /** The watchdog alerts people this many minutes before the deadline people owe. */
  minutesBefore: number;
  /** Severities for which a person is paged as soon as the mention is decided. */
  pageImmediately: Severity[];
}

/** What makes a person approve a reply before it is sent, when a rule's approval is `by-risk`. */
export interface ApprovalSettings {
  severities: Severity[];
  categories: string[];
  /** Classifier confidence below this needs a person. */
  minConfidence: number;
  /** Authors with at least this many followers need a person; null turns the check off. */
  influentialFollowers: number | null;
  verifiedNeedsApproval: boolean;
  /** Text origins that always need a person, whatever the rule says. Always holds `edited` and `free-text`. */
  origins: ReplyOrigin[];
}

/** Lets the SLA watchdog send a neutral `safe-ack` template when a draft still waits near the acknowledgment target. */
export interface SafeAckSettings {
  enabled: boolean;
  /** How long before `acknowledgeBy` the safe acknowledgment is sent. */
  minutesBefore: number;
  severities: Severity[];
  /** Approval reasons for which no safe acknowledgment is sent, e.g. 'low-confidence', 'category-legal'. */
  skipWhen: string[];
}

export interface DmSettings {
  /** What an `escalate_dm` decision becomes when the author does not accept DMs (or the source has none). */
  whenUnavailable: 'draft_for_approval' | 'escalate_human';
}

/** Limits enforced right before every public post on X (see src/core/gate.ts). */
export interface GateSettings {
  /** X must have approved the account for AI-generated replies (platform-facts.md §2). */
  aiRepliesApproved: boolean;
  /** Posts per day, automated or approved by a person. */
  dailyPostCap: number;
  dailySpendCapUsd: number;
  /** X pay-per-use price of a summoned reply. */
  costPerReplyUsd: number;
  /** X pay-per-use price of a post that contains a URL. */
  costPerPostWithUrlUsd: number;
  costPerDmUsd: number;
}

/**
 * The facts a rule can test. Every condition that is present must hold; an absent condition always holds, so a
 * rule with no conditions matches everything. A condition on a fact that is unknown (no severity, no category,
 * no follower count, no rating) does not hold.
 *
 * @example
 * { source: ['x-mentions'], complaint: true, flags: { none: ['private_data'] }, confidence: { atLeast: 0.7 } }
 */
export interface PolicyConditions {
  severity?: Severity[];
  category?: string[];
  source?: SourceId[];
  flags?: { any?: Flag[]; none?: Flag[] };
  complaint?: boolean;
  /** The author @mentioned or quoted the brand (`Mention.mentionsBrand`). */
  summoned?: boolean;
  /** The case already has its public acknowledgment. */
  acknowledged?: boolean;
  minFollowers?: number;
  maxFollowers?: number;
  verified?: boolean;
  /** Store star rating, 1–5, inclusive bounds. */
  rating?: { min?: number; max?: number };
  /** `below` is exclusive, `atLeast` inclusive. */
  confidence?: { below?: number; atLeast?: number };
}

/**
 * - `by-risk`: a person approves when an approval reason applies (see `ApprovalSettings`);
 * - `required`: a person always approves;
 * - `auto`: no risk reasons are checked (opt-outs, repeated acknowledgments and hand-written text still need a
 *   person).
 */
export type ApprovalMode = 'required' | 'auto' | 'by-risk';

/**
 * One policy rule; the first rule whose conditions hold decides.
 *
 * @example
 * { id: 'acknowledge-complaints', when: { complaint: true }, then: 'auto_reply', approval: 'by-risk',
 *   reason: 'complaint-acknowledge' }
 */
export interface PolicyRule {
  id: string;
  when: PolicyConditions;
  then: Action;
  approval: ApprovalMode;
  /** Stable kebab-case reason code recorded with the decision. */
  reason: string;
}

/** A validated `rules/policy.yaml`. Built by `src/config/policy.ts`; plain data. */
export interface Policy {
  /** `<file version>+<content hash>`, recorded with every decision. */
  version: string;
  /** IANA time zone for business and quiet hours, e.g. 'Europe/Berlin'. */
  timezone: string;
  businessHours: BusinessHours;
  quietHours: QuietHours | null;
  sla: Record<Severity, SlaTarget>;
  acknowledgeWithinMinutes: number;
  notify: NotifySettings;
  approval: ApprovalSettings;
  safeAck: SafeAckSettings;
  dm: DmSettings;
  gate: GateSettings;
  /** Mentions older than this are never replied to automatically. */
  replyWindowHours: number;
  rules: PolicyRule[];
}

/**
 * Why a person must approve what a decision would send. Stable kebab-case codes:
 * `rule-requires-approval`, `severity-p0`…`severity-p3`, `category-<id>`, `low-confidence`, `influential-author`,
 * `verified-author`, `origin-edited`, `origin-free-text`, `origin-ai`, `author-opted-out`, `already-acknowledged`,
 * `dm-unavailable`, `existing-reply`.
 */
export type ApprovalReason =
  | 'rule-requires-approval'
  | `severity-${Lowercase<Severity>}`
  | `category-${string}`
  | 'low-confidence'
  | 'influential-author'
  | 'verified-author'
  | `origin-${Exclude<ReplyOrigin, 'template'>}`
  | 'author-opted-out'
  | 'already-acknowledged'
  | 'dm-unavailable'
  | 'existing-reply';

export interface PolicyInput {
  mention: Mention;
  classification: Classification;
  caseContext: {
    /** The case already has its public acknowledgment. */
    acknowledged: boolean;
    /** The author has opted out of automated messages (and not opted back in). */
    optedOut: boolean;
  };
  policy: Policy;
  now: Date;
  /** The author accepts DMs from the brand and the source has DMs. */
  dmAvailable: boolean;
  /** Where the text to be sent would come from; `template` when omitted. */
  origin?: ReplyOrigin;
  /** Store star rating (1–5), when the source has one. */
  rating?: number | null;
}

/**
 * What to do with one classified mention, and when.
 *
 * Invariants: `auto_reply` never requires approval (a reply that needs a person becomes `draft_for_approval`);
 * `ignore` and `escalate_human` send nothing, so they require no approval; `sendAfter` is set only for
 * automatic sends.
 *
 * @example
 * { action: 'auto_reply', reason: 'complaint-acknowledge', ruleId: 'acknowledge-complaints',
 *   deadline: '2026-11-20T11:00:00.000Z', requiresApproval: false, approvalReasons: [],
 *   acknowledgeBy: '2026-11-20T11:00:00.000Z', responseDeadline: '2026-11-20T17:00:00.000Z',
 *   notifyAt: '2026-11-20T16:30:00.000Z', pageNow: false, sendAfter: null, safeAckAt: null,
 *   authorOptOut: null, ruleVersion: '1+3f2a9c0b1d4e' }
 */
export interface PolicyDecision extends Decision {
  requiresApproval: boolean;
  approvalReasons: ApprovalReason[];
  /** The public acknowledgment target (ISO), when this decision owes one. */
  acknowledgeBy: string | null;
  /** The severity's first-response target for the handled reply (ISO), business-hours aware. */
  responseDeadline: string | null;
  /** When the SLA watchdog should alert people (ISO, never before `now`). */
  notifyAt: string | null;
  /** Page a person now. */
  pageNow: boolean;
  /** Hold an automatic send until this time (the end of quiet hours). */
  sendAfter: string | null;
  /** When the watchdog may send a `safe-ack` template if the draft is still waiting, or null when it may not. */
  safeAckAt: string | null;
  /** `record`: the mention opts the author out; `clear`: it opts them back in. */
  authorOptOut: 'record' | 'clear' | null;
  ruleVersion: string;
}
