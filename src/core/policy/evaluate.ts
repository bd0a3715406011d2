import type { Action, Severity } from '../types.js';
import { platformOf } from '../types.js';
import {
  addBusinessMinutes,
  addWorkingDays,
  isWithinQuietHours,
  quietHoursEnd,
  sameDayDeadline,
} from './hours.js';
import { firstMatch } from './match.js';
import type { RuleFacts } from './match.js';
import { isOptIn } from './opt-in.js';
import type {
  ApprovalReason,
  Policy,
  PolicyDecision,
  PolicyInput,
  PolicyRule,
  SlaTarget,
} from './types.js';

const MINUTE_MS = 60_000;

/** Actions that put text in front of the author: a public reply, or a public DM notice plus the DM. */
const SENDING_ACTIONS: readonly Action[] = ['auto_reply', 'draft_for_approval', 'escalate_dm'];

const NO_MATCH: PolicyRule = {
  id: 'builtin:no-rule-matched',
  when: {},
  then: 'escalate_human',
  approval: 'by-risk',
  reason: 'no-rule-matched',
};

interface Routed {
  action: Action;
  reason: string;
  ruleId: string;
  approval: PolicyRule['approval'];
  dmUnavailable: boolean;
}

/** The first-response target for `severity`, counted from `start`. */
/** Whether quiet hours hold no send of this severity (`quietHours.exceptSeverities`). */
export function isQuietExempt(severity: Severity, policy: Policy): boolean {
  return (policy.quietHours?.exceptSeverities ?? []).includes(severity);
}

/** Whether a person must answer at this severity: it needs approval and allows no safe acknowledgment. */
export function severityNeedsPerson(severity: Severity, policy: Policy): boolean {
  const { approval, safeAck } = policy;
  return (
    approval.severities.includes(severity) &&
    !(safeAck.enabled && safeAck.severities.includes(severity))
  );
}

export function responseDeadlineFor(start: Date, target: SlaTarget, policy: Policy): Date {
  if (target.kind === 'minutes') {
    return new Date(start.getTime() + target.minutes * MINUTE_MS);
  }
  if (target.kind === 'business-minutes') {
    return addBusinessMinutes(start, target.minutes, policy.businessHours, policy.timezone);
  }
  if (target.kind === 'working-days') {
    return addWorkingDays(start, target.days, policy.businessHours, policy.timezone);
  }
  return sameDayDeadline(start, policy.businessHours, policy.timezone, target.cutoff);
}

function iso(instant: number | null): string | null {
  return instant === null ? null : new Date(instant).toISOString();
}

function earliest(...instants: (number | null)[]): number | null {
  const known = instants.filter((instant): instant is number => instant !== null);
  return known.length === 0 ? null : Math.min(...known);
}

/**
 * Built-in routes no rule file can switch off: X rejects API replies to posts that did not summon the brand
 * (platform-facts.md §2), a late bot reply reads as spam, and a DM needs an author who accepts them.
 */
function route(input: PolicyInput, rule: PolicyRule, facts: RuleFacts): Routed {
  const routed: Routed = {
    action: rule.then,
    reason: rule.reason,
    ruleId: rule.id,
    approval: rule.approval,
    dmUnavailable: false,
  };
  const { mention, policy, now } = input;
  const onX = platformOf(mention.source) === 'x';
  if (
    SENDING_ACTIONS.includes(routed.action) &&
    onX &&
    (mention.source === 'x-search' || !facts.summoned)
  ) {
    return {
      ...routed,
      action: 'escalate_human',
      reason: 'not-summoned-needs-person',
      ruleId: 'builtin:x-summoned-only',
    };
  }
  const ageMs = now.getTime() - Date.parse(mention.createdAt);
  if (routed.action === 'auto_reply' && ageMs > policy.replyWindowHours * 3_600_000) {
    return {
      ...routed,
      action: 'escalate_human',
      reason: 'too-old-for-auto-reply',
      ruleId: 'builtin:reply-window',
    };
  }
  if (routed.action === 'escalate_dm' && !input.dmAvailable) {
    return {
      ...routed,
      action: policy.dm.whenUnavailable,
      reason: 'dm-unavailable',
      dmUnavailable: true,
    };
  }
  return routed;
}

function riskReasons(input: PolicyInput): ApprovalReason[] {
  const { classification, mention, policy } = input;
  const approval = policy.approval;
  const reasons: ApprovalReason[] = [];
  const severity = classification.severity;
  if (severity !== null && approval.severities.includes(severity)) {
    reasons.push(`severity-${severity.toLowerCase() as Lowercase<Severity>}`);
  }
  const category = classification.category;
  if (category !== null && approval.categories.includes(category)) {
    reasons.push(`category-${category}`);
  }
  if (classification.confidence < approval.minConfidence) {
    reasons.push('low-confidence');
  }
  const followers = mention.author.followersCount;
  if (
    approval.influentialFollowers !== null &&
    followers !== null &&
    followers >= approval.influentialFollowers
  ) {
    reasons.push('influential-author');
  }
  if (approval.verifiedNeedsApproval && mention.author.verified) {
    reasons.push('verified-author');
  }
  return reasons;
}

function approvalReasonsFor(
  input: PolicyInput,
  routed: Routed,
  optedOut: boolean,
): ApprovalReason[] {
  if (!SENDING_ACTIONS.includes(routed.action)) {
    return [];
  }
  const reasons: ApprovalReason[] = [];
  if (routed.approval === 'required' || routed.action === 'draft_for_approval') {
    reasons.push('rule-requires-approval');
  }
  if (routed.approval !== 'auto' || routed.action === 'draft_for_approval') {
    reasons.push(...riskReasons(input));
  }
  const origin = input.origin ?? 'template';
  if (origin !== 'template' && input.policy.approval.origins.includes(origin)) {
    reasons.push(`origin-${origin}`);
  }
  // Hard stops, whatever the rule says: X allows one automated reply per interaction and none after a "stop".
  if (optedOut) {
    reasons.push('author-opted-out');
  }
  if (input.caseContext.acknowledged) {
    reasons.push('already-acknowledged');
  }
  if (routed.dmUnavailable) {
    reasons.push('dm-unavailable');
  }
  if (hasReplyNotOurs(input)) {
    reasons.push('existing-reply');
  }
  return [...new Set(reasons)];
}

/**
 * A store review that already carries a public developer response while we have not answered the case: a
 * person wrote it (Play Console, App Store Connect), and both stores keep one response per review, so ours
 * would replace theirs.
 */
function hasReplyNotOurs(input: PolicyInput): boolean {
  const details = input.mention.details ?? {};
  const existing = Boolean(details.developerReply) || Boolean(details.responseId);
  return existing && !input.caseContext.acknowledged;
}

/** Quiet hours are the brand's choice: the acknowledgment clock of a held post restarts when they end. */
function acknowledgmentTarget(start: Date, sendAfter: number | null, policy: Policy): number {
  const ackMs = policy.acknowledgeWithinMinutes * MINUTE_MS;
  const target = start.getTime() + ackMs;
  if (sendAfter === null) {
    return target;
  }
  return Math.max(target, sendAfter + ackMs);
}

interface Clocks {
  acknowledgeBy: string | null;
  responseDeadline: string | null;
  deadline: string | null;
  notifyAt: string | null;
  sendAfter: string | null;
  safeAckAt: string | null;
}

function clocksFor(
  input: PolicyInput,
  action: Action,
  approvalReasons: readonly ApprovalReason[],
  optedOut: boolean,
): Clocks {
  const { mention, classification, caseContext, policy, now } = input;
  const severity = classification.severity;
  const requiresApproval = approvalReasons.length > 0;
  const sends = SENDING_ACTIONS.includes(action);
  const automatic = sends && !requiresApproval;

  const createdAt = Date.parse(mention.createdAt);
  const start = new Date(Number.isNaN(createdAt) ? now.getTime() : createdAt);
  const responseDeadline =
    action === 'ignore'
      ? null
      : responseDeadlineFor(start, policy.sla[severity ?? 'P3'], policy).getTime();

  const quietExempt = severity !== null && isQuietExempt(severity, policy);
  const heldUntil =
    automatic && !quietExempt && isWithinQuietHours(now, policy.quietHours, policy.timezone)
      ? quietHoursEnd(now, policy.quietHours, policy.timezone)
      : null;
  const sendAfter = heldUntil?.getTime() ?? null;

  const acknowledgeBy =
    sends && !caseContext.acknowledged ? acknowledgmentTarget(start, sendAfter, policy) : null;
  const deadline = earliest(acknowledgeBy, responseDeadline);

  // After an automatic acknowledgment people still owe the handled reply; otherwise they owe the earliest target.
  const owedByPeople = automatic ? responseDeadline : deadline;
  const notifyAt =
    owedByPeople === null
      ? null
      : Math.max(now.getTime(), owedByPeople - policy.notify.minutesBefore * MINUTE_MS);

  const safeAck = policy.safeAck;
  const safeAckAllowed =
    safeAck.enabled &&
    requiresApproval &&
    sends &&
    acknowledgeBy !== null &&
    !optedOut &&
    !approvalReasons.includes('existing-reply') &&
    severity !== null &&
    safeAck.severities.includes(severity) &&
    !approvalReasons.some((reason) => safeAck.skipWhen.includes(reason));
  const safeAckAt =
    safeAckAllowed && acknowledgeBy !== null
      ? Math.max(now.getTime(), acknowledgeBy - safeAck.minutesBefore * MINUTE_MS)
      : null;

  return {
    acknowledgeBy: iso(acknowledgeBy),
    responseDeadline: iso(responseDeadline),
    deadline: iso(deadline),
    notifyAt: iso(notifyAt),
    sendAfter: iso(sendAfter),
    safeAckAt: iso(safeAckAt),
  };
}

/**
 * Decides what happens to one classified mention under `policy`, and when. Pure: no clock but `now`.
 *
 * Order: the first matching rule picks an action; built-in routes apply (X summoned-only, the reply window, DM
 * availability); approval reasons are collected and an `auto_reply` that needs a person becomes
 * `draft_for_approval`; then the clocks: the acknowledgment target, the severity's response deadline, the
 * watchdog's alert, paging, quiet hours and the safe acknowledgment.
 */
export function evaluatePolicy(input: PolicyInput): PolicyDecision {
  const { mention, classification, caseContext, policy } = input;
  const optingIn =
    caseContext.optedOut && !classification.flags.includes('opt_out') && isOptIn(mention.text);
  const optingOut = classification.flags.includes('opt_out');
  const optedOut = optingOut || (caseContext.optedOut && !optingIn);

  const facts: RuleFacts = {
    severity: classification.severity,
    category: classification.category,
    source: mention.source,
    flags: classification.flags,
    complaint: classification.complaint,
    summoned: mention.mentionsBrand,
    acknowledged: caseContext.acknowledged,
    followers: mention.author.followersCount,
    verified: mention.author.verified,
    rating: input.rating ?? null,
    confidence: classification.confidence,
  };
  const rule = firstMatch(policy.rules, facts) ?? NO_MATCH;
  const routed = route(input, rule, facts);
  const approvalReasons = approvalReasonsFor(input, routed, optedOut);
  const requiresApproval = approvalReasons.length > 0;
  const action =
    requiresApproval && routed.action === 'auto_reply' ? 'draft_for_approval' : routed.action;
  const clocks = clocksFor(input, action, approvalReasons, optedOut);
  const severity = classification.severity;

  let authorOptOut: PolicyDecision['authorOptOut'] = null;
  if (optingOut) {
    authorOptOut = 'record';
  } else if (optingIn) {
    authorOptOut = 'clear';
  }

  return {
    action,
    reason: routed.reason,
    ruleId: routed.ruleId,
    deadline: clocks.deadline,
    requiresApproval,
    approvalReasons,
    acknowledgeBy: clocks.acknowledgeBy,
    responseDeadline: clocks.responseDeadline,
    notifyAt: clocks.notifyAt,
    pageNow:
      action !== 'ignore' && severity !== null && policy.notify.pageImmediately.includes(severity),
    sendAfter: clocks.sendAfter,
    safeAckAt: clocks.safeAckAt,
    authorOptOut,
    ruleVersion: policy.version,
  };
}
