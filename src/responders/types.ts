import type { Platform } from '../core/types.js';
import type { ShownReply } from '../core/unknown-outcome.js';

/** What the platform said of the endpoint's rate-limit window in its answer (X's x-rate-limit-* headers). */
export interface RateLimitReport {
  remaining: number;
  /** Epoch ms when the window resets. */
  resetAt: number;
}

/** A message the platform accepted, with its id there and, when it sent one, its rate-limit report. */
export interface Sent {
  platformId: string;
  rateLimit?: RateLimitReport;
}

/**
 * A thin outbound channel: one vendor call, errors mapped to src/errors.ts. Checks, guards and audit
 * live in the use-case (src/app/send-reply.ts); retries live on the queue.
 *
 * @example
 * const { platformId } = await responders.get('x')!.reply({ inReplyToId: '1860000000000000001', text: 'Hi Sam…' });
 */
export interface PublicReplyResponder {
  platform: Platform;
  /**
   * Whether a reply replaces the post's earlier reply (App Store, Google Play: one developer response per
   * review), so sending the same text again can never show two.
   */
  replyReplaces: boolean;
  reply(request: { inReplyToId: string; text: string }): Promise<Sent>;
  /**
   * The brand's reply to `inReplyToId` as the platform shows it now (on X: the brand's latest reply to the
   * post made at or after `since`), or null when it shows none. Used to settle a send whose outcome is
   * unknown because the process died mid-call.
   */
  findReply(request: { inReplyToId: string; since: Date }): Promise<ShownReply | null>;
}

/**
 * A direct message channel: one vendor call. Only used after a public hand-off, to an author who summoned
 * the brand (X forbids unsolicited DMs).
 *
 * @example
 * const { platformId } = await dm.sendDm({ recipientId: '42', text: 'Hi Sam, …' });
 */
export interface DmResponder {
  platform: Platform;
  sendDm(request: { recipientId: string; text: string }): Promise<Sent>;
  /**
   * The brand's latest message to `recipientId` written at or after `since` (less the clock margin), or null
   * when there is none. Used, like findReply, to settle a DM whose outcome is unknown.
   */
  findDm(request: { recipientId: string; since: Date }): Promise<ShownReply | null>;
}
