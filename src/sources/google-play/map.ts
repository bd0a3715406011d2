import { createHash } from 'node:crypto';

import type { z } from 'zod';

import type { Mention } from '../../core/types.js';
import type { SkippedItem } from '../types.js';
import { PlayDeveloperComment, PlayReview, PlayUserComment, type PlayTimestamp } from './schema.js';

/** Play's own label for reviewers it does not name. */
export const ANONYMOUS_AUTHOR = 'A Google user';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * `seconds.nanos` with nanos zero-padded to nine digits, so the revision also reads as a decimal number of
 * seconds: `{seconds:"1443676826", nanos:713000000}` → `1443676826.713000000`.
 */
export function revisionOf(timestamp: PlayTimestamp): string {
  return `${timestamp.seconds}.${String(timestamp.nanos ?? 0).padStart(9, '0')}`;
}

/** Epoch ms of a revision made by {@link revisionOf}; NaN when it is not one. */
export function revisionToMs(revision: string): number {
  const match = /^(\d{1,12})\.(\d{9})$/.exec(revision);
  if (match?.[1] === undefined || match[2] === undefined) {
    return Number.NaN;
  }
  return Number(match[1]) * 1000 + Math.floor(Number(match[2]) / 1_000_000);
}

/**
 * Play joins a review's title and body with a TAB (and some reviews start with a TAB and an empty title).
 * We keep one text for the classifier, title first, on its own line.
 */
export function reviewText(text: string): string {
  const tab = text.indexOf('\t');
  if (tab === -1) {
    return text.trim();
  }
  const title = text.slice(0, tab).trim();
  const body = text.slice(tab + 1).trim();
  if (title === '') {
    return body;
  }
  return body === '' ? title : `${title}\n${body}`;
}

/**
 * Play has no author id, and names repeat ('A Google user'). A Google account writes at most one review per
 * app, so the review id stands in for its author.
 */
export function authorIdFor(reviewId: string): string {
  return `play:${createHash('sha256').update(reviewId).digest('hex').slice(0, 24)}`;
}

function issueText(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  return `${path} ${issue?.message ?? 'is invalid'}`.trim();
}

function wellFormed(text: string): string {
  return text.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
}

function compareTimestamps(a: PlayTimestamp, b: PlayTimestamp): number {
  const seconds = BigInt(a.seconds) - BigInt(b.seconds);
  if (seconds !== 0n) {
    return seconds > 0n ? 1 : -1;
  }
  return (a.nanos ?? 0) - (b.nanos ?? 0);
}

/** The latest user comment of a review (or why it is unreadable) and its developer comment. */
export function latestComments(comments: unknown[]): {
  user: PlayUserComment | undefined;
  userIssue: string | undefined;
  developer: PlayDeveloperComment | undefined;
} {
  let user: PlayUserComment | undefined;
  let userIssue: string | undefined;
  let developer: PlayDeveloperComment | undefined;
  for (const [index, entry] of comments.entries()) {
    const comment = (typeof entry === 'object' && entry !== null ? entry : {}) as {
      userComment?: unknown;
      developerComment?: unknown;
    };
    if (comment.userComment !== undefined) {
      const parsed = PlayUserComment.safeParse(comment.userComment);
      if (!parsed.success) {
        userIssue ??= issueText(parsed.error, `comments.${index}.userComment`);
      } else if (
        user === undefined ||
        compareTimestamps(parsed.data.lastModified, user.lastModified) > 0
      ) {
        user = parsed.data;
      }
    }
    if (comment.developerComment !== undefined) {
      const parsed = PlayDeveloperComment.safeParse(comment.developerComment);
      if (parsed.success) {
        developer = parsed.data;
      }
    }
  }
  return { user, userIssue, developer };
}

function timestampToIso(timestamp: PlayTimestamp): string {
  return new Date(revisionToMs(revisionOf(timestamp))).toISOString();
}

function detailsOf(
  user: PlayUserComment,
  developer: PlayDeveloperComment | undefined,
): Record<string, string> {
  const details: Record<string, string> = {};
  const facts: Array<[string, string | number | undefined]> = [
    ['reviewerLanguage', user.reviewerLanguage],
    ['appVersionName', user.appVersionName],
    ['appVersionCode', user.appVersionCode],
    ['device', user.device],
    ['androidOsVersion', user.androidOsVersion],
  ];
  for (const [name, value] of facts) {
    if (value !== undefined && value !== '') {
      details[name] = String(value);
    }
  }
  const model = [user.deviceMetadata?.manufacturer, user.deviceMetadata?.productName]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  if (model !== '') {
    details.deviceModel = model;
  }
  // A reply already on the review (ours, or one written in Play Console): a new reply would replace it.
  if (developer !== undefined) {
    details.developerReply = developer.text;
    if (developer.lastModified !== undefined) {
      details.developerReplyAt = timestampToIso(developer.lastModified);
    }
  }
  return details;
}

export type MappedReview =
  { ok: true; mention: Mention; revision: string } | { ok: false; skipped: SkippedItem };

/**
 * Maps one raw Review to a Mention. `firstSeen` is the revision under which the review was first seen (from
 * the cursor): it dates the mention, since Play gives no creation time and an edit moves lastModified.
 */
export function mapPlayReview(raw: unknown, firstSeen?: string): MappedReview {
  const rawId = (raw as { reviewId?: unknown } | null)?.reviewId;
  const id = typeof rawId === 'string' && rawId !== '' ? rawId : null;
  const review = PlayReview.safeParse(raw);
  if (!review.success) {
    return {
      ok: false,
      skipped: { id, reason: `malformed review: ${issueText(review.error, '')}` },
    };
  }
  const { user, userIssue, developer } = latestComments(review.data.comments);
  if (user === undefined) {
    const reason = userIssue ?? 'comments has no userComment';
    return { ok: false, skipped: { id, reason: `malformed review: ${reason}` } };
  }
  if (LONE_SURROGATE.test(user.text)) {
    return {
      ok: false,
      skipped: {
        id,
        reason: 'malformed review: userComment.text is not valid UTF-16 (lone surrogate)',
      },
    };
  }
  const text = reviewText(user.text).normalize('NFC');
  if (text === '') {
    return { ok: false, skipped: { id, reason: 'malformed review: userComment.text is empty' } };
  }

  const reviewId = review.data.reviewId;
  const revision = revisionOf(user.lastModified);
  const authorName = wellFormed(review.data.authorName?.trim() || ANONYMOUS_AUTHOR);
  const createdMs = revisionToMs(firstSeen ?? revision);
  const mention: Mention = {
    source: 'google-play',
    id: reviewId,
    text,
    lang: user.reviewerLanguage ? user.reviewerLanguage.replace(/_/g, '-') : null,
    author: {
      id: authorIdFor(reviewId),
      username: authorName,
      name: authorName,
      followersCount: null,
      verified: false,
    },
    createdAt: new Date(Number.isNaN(createdMs) ? revisionToMs(revision) : createdMs).toISOString(),
    conversationId: reviewId,
    inReplyToId: null,
    // A review is written to the app: the store equivalent of summoning the brand.
    mentionsBrand: true,
    url: null,
    rating: user.starRating,
    title: null,
    revision,
    details: detailsOf(user, developer),
  };
  return { ok: true, mention, revision };
}
