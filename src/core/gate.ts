import twitter from 'twitter-text';
import { containsUrl, X_POST_LIMIT } from './draft/measure.js';
import type { Policy, ReplyOrigin } from './policy/types.js';
import type { Mention } from './types.js';
import { platformOf } from './types.js';

/**
 * Why the X gate stopped a public post. Stable kebab-case codes, recorded in the audit log:
 * - `not-summoned`: the author did not @mention or quote the brand; X rejects such API replies (every reply).
 * - `keyword-hit`: the post came from keyword search; never answered automatically.
 * - `opted-out`: the author said "stop" (automated posts only).
 * - `already-replied-automatically`: the case already had its one automated reply (automated posts only).
 * - `needs-approval`: edited or free-text replies go out only after a person approves them (automated posts only).
 * - `ai-text-not-approved`: AI-written text, and X has not approved the account for it (every post).
 * - `url-in-automated-reply`: automated replies carry no links or bare domains (automated posts only).
 * - `over-length`: over 280 weighted characters (every post).
 * - `daily-post-cap`, `daily-spend-cap`: the configured daily limits (every post: each one costs the same).
 */
export type GateBlockReason =
  | 'not-summoned'
  | 'keyword-hit'
  | 'opted-out'
  | 'already-replied-automatically'
  | 'needs-approval'
  | 'ai-text-not-approved'
  | 'url-in-automated-reply'
  | 'over-length'
  | 'daily-post-cap'
  | 'daily-spend-cap';

/**
 * One public reply about to be posted on X, and the counters it is checked against.
 *
 * @example
 * { mention: { source: 'x-mentions', mentionsBrand: true, author }, text: 'Sorry about the delay, Sam. …',
 *   automated: true, origin: 'template', optedOut: false, automatedRepliesInCase: 0, postsToday: 12,
 *   spendTodayUsd: 0.12, policy }
 */
export interface XGateInput {
  mention: Pick<Mention, 'source' | 'mentionsBrand' | 'author'>;
  text: string;
  /** No person approved this post (an auto-reply, or a safe acknowledgment sent by the watchdog). */
  automated: boolean;
  origin: ReplyOrigin;
  /** The author opted out of automated messages. */
  optedOut: boolean;
  /** Automated replies the case (interaction) has had so far. */
  automatedRepliesInCase: number;
  /** Posts made today by this account, automated or not. */
  postsToday: number;
  spendTodayUsd: number;
  policy: Pick<Policy, 'gate'>;
}

export interface GateAllowed {
  allowed: true;
}

export interface GateBlocked {
  allowed: false;
  reason: GateBlockReason;
  /** A sentence for the audit log and the desk. */
  detail: string;
}

export type GateResult = GateAllowed | GateBlocked;

// Float sums of cents (0.01 + 0.02 …) must not trip the cap by a rounding error.
const SPEND_EPSILON = 1e-9;

/** What posting `text` as a reply costs under X pay-per-use (a link makes it a dearer post). */
export function replyCostUsd(text: string, gate: Policy['gate']): number {
  return containsUrl(text) ? gate.costPerPostWithUrlUsd : gate.costPerReplyUsd;
}

function blocked(reason: GateBlockReason, detail: string): GateBlocked {
  return { allowed: false, reason, detail };
}

function summonRules(input: XGateInput): GateBlocked | null {
  const { mention, automated } = input;
  if (platformOf(mention.source) !== 'x') {
    return null;
  }
  if (automated && mention.source === 'x-search') {
    return blocked(
      'keyword-hit',
      'keyword-search hits are routed to people, never answered automatically',
    );
  }
  if (!mention.mentionsBrand) {
    return blocked(
      'not-summoned',
      `@${mention.author.username} did not @mention or quote the brand; X rejects replies to such posts`,
    );
  }
  return null;
}

function automationRules(input: XGateInput): GateBlocked | null {
  if (!input.automated) {
    return null;
  }
  if (input.optedOut) {
    return blocked(
      'opted-out',
      `@${input.mention.author.username} opted out of automated messages`,
    );
  }
  if (input.automatedRepliesInCase >= 1) {
    return blocked(
      'already-replied-automatically',
      `the case already had ${input.automatedRepliesInCase} automated reply; X allows one per interaction`,
    );
  }
  if (input.origin === 'edited' || input.origin === 'free-text') {
    return blocked(
      'needs-approval',
      `${input.origin} replies are sent only after a person approves them`,
    );
  }
  return null;
}

function contentRules(input: XGateInput): GateBlocked | null {
  const { text, policy } = input;
  if (input.origin === 'ai' && !policy.gate.aiRepliesApproved) {
    return blocked(
      'ai-text-not-approved',
      'AI-written replies need X’s prior approval; set gate.aiRepliesApproved once the account has it',
    );
  }
  if (input.automated && containsUrl(text)) {
    const urls = twitter.extractUrls(text);
    const found = urls.length > 0 ? urls.join(', ') : 'a link';
    return blocked('url-in-automated-reply', `automated replies carry no links; found ${found}`);
  }
  const length = twitter.parseTweet(text).weightedLength;
  if (length > X_POST_LIMIT) {
    return blocked('over-length', `${length} weighted characters; X allows ${X_POST_LIMIT}`);
  }
  return null;
}

function capRules(input: XGateInput): GateBlocked | null {
  const gate = input.policy.gate;
  if (input.postsToday >= gate.dailyPostCap) {
    return blocked(
      'daily-post-cap',
      `${input.postsToday} posts today; the daily cap is ${gate.dailyPostCap}`,
    );
  }
  const cost = replyCostUsd(input.text, gate);
  if (input.spendTodayUsd + cost > gate.dailySpendCapUsd + SPEND_EPSILON) {
    return blocked(
      'daily-spend-cap',
      `$${input.spendTodayUsd.toFixed(3)} spent today + $${cost.toFixed(3)} would pass the $${gate.dailySpendCapUsd.toFixed(2)} daily cap`,
    );
  }
  return null;
}

/**
 * The last check before any public reply on X (platform-facts.md §2). Pure; the caller records a block with its
 * reason in the audit log and never retries it.
 *
 * A post a person approved (`automated: false`) skips the rules about automation (opt-out, one automated reply
 * per interaction, approval of edited text, no links) but not the rest: X rejects any API reply to a post that
 * did not summon the brand, and AI text, length and the daily caps apply to every post.
 */
export function checkXGate(input: XGateInput): GateResult {
  return (
    summonRules(input) ??
    automationRules(input) ??
    contentRules(input) ??
    capRules(input) ?? { allowed: true }
  );
}
