import { evaluatePolicy } from './policy/evaluate.js';
import type { Policy, PolicyRule } from './policy/types.js';
import type { Classification, Decision, Mention, Severity } from './types.js';

/** Service levels and reply limits the decision needs; defaults follow the SLA table in ARCHITECTURE.md. */
export interface ReplyPolicy {
  /** Every @mention complaint is acknowledged within this many minutes. */
  acknowledgeWithinMinutes: number;
  /** First-response target per severity, in minutes. */
  firstResponseMinutes: Record<Severity, number>;
  /** Mentions older than this are never auto-replied (a late bot reply reads as spam). */
  replyWindowHours: number;
  version: string;
}

export const DEFAULT_REPLY_POLICY: ReplyPolicy = {
  acknowledgeWithinMinutes: 60,
  firstResponseMinutes: { P0: 15, P1: 60, P2: 8 * 60, P3: 2 * 24 * 60 },
  replyWindowHours: 24,
  version: 'builtin-1',
};

export interface DecideInput {
  mention: Mention;
  classification: Classification;
  /** What the case (conversation) already holds. */
  caseContext: { acknowledged: boolean };
  policy: ReplyPolicy;
  now: Date;
}

/**
 * The decision rules earshot used before rules/policy.yaml, as policy rules: acknowledge every summoned
 * complaint automatically, route keyword hits and escalation flags to people, ignore the rest.
 */
const BUILTIN_RULES: PolicyRule[] = [
  {
    id: 'gate:opt-out',
    when: { flags: { any: ['opt_out'] } },
    then: 'ignore',
    approval: 'by-risk',
    reason: 'author-opted-out',
  },
  {
    id: 'gate:not-summoned',
    when: { source: ['x-search'] },
    then: 'escalate_human',
    approval: 'by-risk',
    reason: 'keyword-hit-needs-person',
  },
  {
    id: 'gate:not-summoned',
    when: { summoned: false },
    then: 'escalate_human',
    approval: 'by-risk',
    reason: 'keyword-hit-needs-person',
  },
  {
    id: 'default:complaints-only',
    when: { complaint: false },
    then: 'ignore',
    approval: 'by-risk',
    reason: 'not-a-complaint',
  },
  {
    id: 'gate:one-reply-per-interaction',
    when: { acknowledged: true },
    then: 'ignore',
    approval: 'by-risk',
    reason: 'case-already-acknowledged',
  },
  {
    id: 'default:classifier-escalation',
    when: { flags: { any: ['escalate_human', 'abusive'] } },
    then: 'escalate_human',
    approval: 'by-risk',
    reason: 'classifier-escalation',
  },
  {
    id: 'default:acknowledge-mention-complaints',
    when: {},
    then: 'auto_reply',
    approval: 'auto',
    reason: 'complaint-acknowledge',
  },
];

/**
 * The `Policy` equivalent of a `ReplyPolicy`: the built-in rules, wall-clock SLAs, round-the-clock hours, no
 * quiet hours and no risk-based approval, so decisions are exactly those earshot made before policy.yaml.
 */
export function policyFromReplyPolicy(replyPolicy: ReplyPolicy): Policy {
  const minutes = replyPolicy.firstResponseMinutes;
  return {
    version: replyPolicy.version,
    timezone: 'UTC',
    businessHours: {
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      from: '00:00',
      to: '24:00',
      holidays: [],
    },
    quietHours: null,
    sla: {
      P0: { kind: 'minutes', minutes: minutes.P0 },
      P1: { kind: 'minutes', minutes: minutes.P1 },
      P2: { kind: 'minutes', minutes: minutes.P2 },
      P3: { kind: 'minutes', minutes: minutes.P3 },
    },
    acknowledgeWithinMinutes: replyPolicy.acknowledgeWithinMinutes,
    notify: { minutesBefore: 0, pageImmediately: [] },
    approval: {
      severities: [],
      categories: [],
      minConfidence: 0,
      influentialFollowers: null,
      verifiedNeedsApproval: false,
      origins: ['edited', 'free-text', 'ai'],
    },
    safeAck: { enabled: false, minutesBefore: 0, severities: [], skipWhen: [] },
    dm: { whenUnavailable: 'escalate_human' },
    gate: {
      aiRepliesApproved: false,
      dailyPostCap: Number.MAX_SAFE_INTEGER,
      dailySpendCapUsd: Number.MAX_SAFE_INTEGER,
      costPerReplyUsd: 0.01,
      costPerPostWithUrlUsd: 0.2,
      costPerDmUsd: 0.015,
    },
    replyWindowHours: replyPolicy.replyWindowHours,
    rules: BUILTIN_RULES,
  };
}

/**
 * Chooses what happens to one classified mention under the built-in rules. Pure: the same input always gives the
 * same decision. `evaluatePolicy` (src/core/policy) is the full engine, driven by rules/policy.yaml, with
 * approval, quiet hours and business-hours SLAs; this adapter keeps the callers of `decide` working unchanged.
 */
export function decide(input: DecideInput): Decision {
  const decision = evaluatePolicy({
    mention: input.mention,
    classification: input.classification,
    caseContext: { acknowledged: input.caseContext.acknowledged, optedOut: false },
    policy: policyFromReplyPolicy(input.policy),
    now: input.now,
    dmAvailable: false,
  });
  return {
    action: decision.action,
    reason: decision.reason,
    ruleId: decision.ruleId,
    deadline: decision.deadline,
  };
}
