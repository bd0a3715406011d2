import { excerpt } from './excerpt.js';

/**
 * Settling a send whose outcome is unknown: an earlier attempt claimed the sent-guard and died during the
 * platform call, so the reply may or may not be out. We look at what the platform shows under the post (or in
 * the DM conversation) and decide from that alone. Pure.
 */

/** A reply the platform shows under a post or review, or a DM in a conversation (findReply, findDm). */
export interface ShownReply {
  platformId: string;
  text: string;
  /** When the platform says it was written or last edited; null when it does not say. */
  at: Date | null;
}

export type UnknownOutcomeDecision =
  /** Our text is there: the earlier attempt went out (at `at`, when the platform says); record it as sent. */
  | { kind: 'posted'; platformId: string; at: Date | null }
  /** Nothing from after the attempt is there and a new reply replaces the old one: sending again is safe. */
  | { kind: 'send-again' }
  /** Anything else goes to a person, with what we saw. */
  | { kind: 'ask-person'; detail: string };

/** How far apart our clock and a platform's may be (platforms also round times down to the second). */
export const CLOCK_MARGIN_MS = 60_000;

const URL = /\bhttps?:\/\/\S+/giu;
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/**
 * Texts compared as the platform may show them: X escapes &, < and > and wraps links in t.co, and
 * whitespace may be trimmed or folded.
 */
export function sameReplyText(shown: string, sent: string): boolean {
  const normal = (text: string): string =>
    text
      .replace(/&(?:amp|lt|gt);/gu, (entity) => ENTITIES[entity] ?? entity)
      .replace(URL, '<link>')
      .replace(/\s+/gu, ' ')
      .trim();
  return normal(shown) === normal(sent);
}

/**
 * @example
 * decideUnknownOutcome({ shown: null, text: 'Sorry, Sam…', since, replyReplaces: true }); // { kind: 'send-again' }
 */
export function decideUnknownOutcome(input: {
  shown: ShownReply | null;
  /** The text we tried to send. */
  text: string;
  /** When the earlier attempt claimed the guard. */
  since: Date;
  replyReplaces: boolean;
}): UnknownOutcomeDecision {
  const { shown, since } = input;
  if (shown !== null && sameReplyText(shown.text, input.text)) {
    return { kind: 'posted', platformId: shown.platformId, at: shown.at };
  }
  // Written well before the attempt began: the earlier reply this one was meant to replace. Platforms give
  // times to the second and their clocks are not ours, hence the margin.
  const at = shown?.at ?? null;
  const olderThanAttempt = at !== null && at.getTime() < since.getTime() - CLOCK_MARGIN_MS;
  if (input.replyReplaces && (shown === null || olderThanAttempt)) {
    return { kind: 'send-again' };
  }
  if (shown === null) {
    return {
      kind: 'ask-person',
      detail: `nothing from the brand since ${since.toISOString()} was found there, but the earlier attempt may still show up: check the thread or conversation before replying by hand`,
    };
  }
  return {
    kind: 'ask-person',
    detail: `the platform shows another reply from the brand ("${excerpt(shown.text, 80)}", ${shown.at?.toISOString() ?? 'time unknown'}): check it before anyone answers again`,
  };
}
