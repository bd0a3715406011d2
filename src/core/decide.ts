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

function deadlineFor(mention: Mention, severity: Severity, policy: ReplyPolicy): string {
  const minutes = Math.min(policy.acknowledgeWithinMinutes, policy.firstResponseMinutes[severity]);
  return new Date(Date.parse(mention.createdAt) + minutes * 60_000).toISOString();
}

/**
 * Chooses what happens to one classified mention. Pure: the same input always gives the same decision.
 * The X gate is applied here first (never auto-reply to a post that did not summon the brand) and again
 * right before posting.
 */
export function decide(input: DecideInput): Decision {
  const { mention, classification, caseContext, policy, now } = input;
  const severity = classification.severity ?? 'P3';

  if (classification.flags.includes('opt_out')) {
    return { action: 'ignore', reason: 'author-opted-out', ruleId: 'gate:opt-out', deadline: null };
  }
  if (mention.source === 'x-search' || !mention.mentionsBrand) {
    return {
      action: 'escalate_human',
      reason: 'keyword-hit-needs-person',
      ruleId: 'gate:not-summoned',
      deadline: classification.complaint ? deadlineFor(mention, severity, policy) : null,
    };
  }
  if (!classification.complaint) {
    return {
      action: 'ignore',
      reason: 'not-a-complaint',
      ruleId: 'default:complaints-only',
      deadline: null,
    };
  }
  if (caseContext.acknowledged) {
    return {
      action: 'ignore',
      reason: 'case-already-acknowledged',
      ruleId: 'gate:one-reply-per-interaction',
      deadline: null,
    };
  }
  const ageMs = now.getTime() - Date.parse(mention.createdAt);
  if (ageMs > policy.replyWindowHours * 3_600_000) {
    return {
      action: 'escalate_human',
      reason: 'too-old-for-auto-reply',
      ruleId: 'default:reply-window',
      deadline: null,
    };
  }
  if (classification.flags.includes('escalate_human') || classification.flags.includes('abusive')) {
    return {
      action: 'escalate_human',
      reason: 'classifier-escalation',
      ruleId: 'default:classifier-escalation',
      deadline: deadlineFor(mention, severity, policy),
    };
  }
  return {
    action: 'auto_reply',
    reason: 'complaint-acknowledge',
    ruleId: 'default:acknowledge-mention-complaints',
    deadline: deadlineFor(mention, severity, policy),
  };
}
