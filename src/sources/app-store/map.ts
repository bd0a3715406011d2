import { createHash } from 'node:crypto';

import type { Author, Mention } from '../../core/types.js';
import type { SkippedItem } from '../types.js';
import { AscReview, AscReviewResponse, type AscResponseState } from './schema.js';
import { storefrontOf } from './territories.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0/C1 controls except tab and newline; bidi marks and zero-width joiners (format characters) stay.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Review text as we store it: NFC, CRLF → LF, no control characters, no lone surrogates (they break JSON
 * consumers and Redis clients downstream), trimmed. Emoji, RTL text and bidi marks are kept as written.
 */
export function cleanText(value: string): string {
  return value
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROLS, '')
    .trim();
}

/** The title and body as one text for the classifier; the title alone when the body is empty. */
export function reviewText(title: string, body: string): string {
  if (title === '') {
    return body;
  }
  return body === '' ? title : `${title}\n${body}`;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Changes whenever the author edits the rating, title or body; stable for the same content. */
export function revisionOf(rating: number, title: string, body: string): string {
  return sha256(JSON.stringify([rating, title, body])).slice(0, 16);
}

/** The revision recorded for an item we could not map, so it is reported once, not on every poll. */
export const MALFORMED_REVISION = 'malformed';

/**
 * Stores show only a nickname, not an account, so the author id is a hash of it: the same nickname is the same
 * author for per-author caps. A review without a nickname gets an author of its own.
 */
export function reviewAuthor(nickname: string | undefined, reviewId: string): Author {
  const name = nickname === undefined ? '' : cleanText(nickname);
  if (name === '') {
    return {
      id: `appstore:anonymous-${reviewId}`,
      username: 'App Store user',
      name: 'App Store user',
      followersCount: null,
      verified: false,
    };
  }
  return {
    id: `appstore:${sha256(name).slice(0, 16)}`,
    username: name,
    name,
    followersCount: null,
    verified: false,
  };
}

/** The app's review list in a storefront; reviews have no permalinks of their own. */
export function storeUrl(appId: string, storefront: string | undefined): string {
  return `https://apps.apple.com/${storefront ?? 'us'}/app/id${appId}?see-all=reviews`;
}

export interface ExistingResponse {
  id: string;
  state: AscResponseState | undefined;
}

/** Responses in a page's `included`, keyed by the review they answer. */
export function responsesByReview(included: readonly unknown[]): Map<string, ExistingResponse> {
  const responses = new Map<string, ExistingResponse>();
  for (const candidate of included) {
    const parsed = AscReviewResponse.safeParse(candidate);
    const reviewId = parsed.success ? parsed.data.relationships?.review?.data?.id : undefined;
    if (parsed.success && reviewId !== undefined) {
      responses.set(reviewId, { id: parsed.data.id, state: parsed.data.attributes?.state });
    }
  }
  return responses;
}

export type MappedReview =
  | { ok: true; mention: Mention; createdMs: number }
  | { ok: false; skipped: SkippedItem; createdMs: number | undefined };

function idOf(candidate: unknown): string | null {
  const id = (candidate as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id !== '' ? id : null;
}

function createdMsOf(candidate: unknown): number | undefined {
  const date = (candidate as { attributes?: { createdDate?: unknown } } | null)?.attributes
    ?.createdDate;
  const ms = typeof date === 'string' ? Date.parse(date) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Maps one App Store Connect customerReviews resource to a Mention, or says why it was skipped. */
export function mapAscReview(
  candidate: unknown,
  context: { appId: string; responses: ReadonlyMap<string, ExistingResponse> },
): MappedReview {
  const id = idOf(candidate);
  const parsed = AscReview.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      skipped: {
        id,
        reason:
          `malformed review: ${issue?.path.join('.') || 'item'} ${issue?.message ?? ''}`.trim(),
      },
      createdMs: createdMsOf(candidate),
    };
  }
  const review = parsed.data;
  const { attributes } = review;
  const createdMs = Date.parse(attributes.createdDate);
  const title = cleanText(attributes.title ?? '');
  const body = cleanText(attributes.body);
  const text = reviewText(title, body);
  if (text === '') {
    return { ok: false, skipped: { id, reason: 'review has no text' }, createdMs };
  }
  const storefront = attributes.territory ? storefrontOf(attributes.territory) : undefined;
  const author = reviewAuthor(attributes.reviewerNickname, review.id);
  const response =
    context.responses.get(review.id) ??
    (review.relationships?.response?.data
      ? { id: review.relationships.response.data.id, state: undefined }
      : undefined);
  const details: Record<string, string> = {
    via: 'app-store-connect',
    reviewerNickname: author.name,
  };
  if (attributes.territory) {
    details.territory = attributes.territory;
  }
  if (storefront) {
    details.storefront = storefront;
  }
  if (response) {
    details.responseId = response.id;
    if (response.state) {
      details.responseState = response.state;
    }
  }
  return {
    ok: true,
    createdMs,
    mention: {
      source: 'app-store',
      id: review.id,
      text,
      lang: null,
      author,
      createdAt: new Date(createdMs).toISOString(),
      conversationId: review.id,
      inReplyToId: null,
      mentionsBrand: true,
      url: storeUrl(context.appId, storefront),
      rating: attributes.rating,
      title: title === '' ? null : title,
      revision: revisionOf(attributes.rating, title, body),
      details,
    },
  };
}
