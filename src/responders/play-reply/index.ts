import { z } from 'zod';

import {
  PlatformAuthError,
  PlatformRateLimited,
  PolicyBlocked,
  TransientNetworkError,
} from '../../errors.js';
import {
  GoogleApiError,
  googleApiRequest,
  type GoogleTokenProvider,
} from '../../lib/google-auth.js';
import { PlayReview } from '../../sources/google-play/schema.js';
import { latestComments, revisionOf, revisionToMs } from '../../sources/google-play/map.js';
import type { PublicReplyResponder } from '../types.js';
import { nextQuotaDay } from './quota-day.js';

/** "Replies of more than approximately 350 characters will be rejected." (platform-facts §5.3) */
export const PLAY_REPLY_MAX_CHARACTERS = 350;

const ReplyResponse = z.object({
  result: z
    .object({
      lastEdited: z
        .object({
          seconds: z
            .union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()])
            .transform(String),
        })
        .optional()
        .catch(undefined),
    })
    .optional()
    .catch(undefined),
});

export interface PlayReplyResponderOptions {
  /** API root without a path, e.g. https://androidpublisher.googleapis.com or the sandbox URL. */
  baseUrl: string;
  packageName: string;
  tokens: GoogleTokenProvider;
  fetch?: typeof fetch;
  now: () => number;
}

function toPlatformError(error: unknown, now: number): unknown {
  if (!(error instanceof GoogleApiError)) {
    return error;
  }
  const described = error.describe();
  if (error.status === 429) {
    const resetAt = error.retryAfterMs !== undefined ? now + error.retryAfterMs : nextQuotaDay(now);
    return new PlatformRateLimited(
      `Google Play reply quota reached (${described}); resets at ${new Date(resetAt).toISOString()}`,
      resetAt,
      { cause: error },
    );
  }
  if (error.status === 401 || error.status === 403) {
    return new PlatformAuthError(
      `Google Play refused the reply (${described}): check GOOGLE_PLAY_SERVICE_ACCOUNT_FILE and that the service account has "Reply to reviews" for GOOGLE_PLAY_PACKAGE_NAME in Play Console`,
      { cause: error },
    );
  }
  if (error.status === 404) {
    return new PolicyBlocked('not-found', `Google Play has no such review or app (${described})`);
  }
  if (error.status >= 400 && error.status < 500) {
    return new PolicyBlocked('platform-rejected', `Google Play rejected the reply (${described})`);
  }
  return new TransientNetworkError(`Google Play answered ${described}`, { cause: error });
}

/**
 * Public reply to a Google Play review: POST …/reviews/{reviewId}:reply. A reply replaces the review's
 * previous developer reply. `platformId` is `<reviewId>@<lastEdited seconds>`, since a reply has no id.
 * `findReply` reads the review (reviews.get) for its developer comment.
 */
export function createPlayReplyResponder(options: PlayReplyResponderOptions): PublicReplyResponder {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/androidpublisher/v3/applications/${encodeURIComponent(options.packageName)}/reviews`;
  const call = async (
    method: 'GET' | 'POST',
    reviewPath: string,
    body?: unknown,
  ): Promise<unknown> => {
    try {
      return await googleApiRequest({
        tokens: options.tokens,
        method,
        url: `${base}/${reviewPath}`,
        ...(body !== undefined ? { body } : {}),
        now: options.now,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    } catch (error) {
      throw toPlatformError(error, options.now());
    }
  };
  return {
    platform: 'google-play',
    replyReplaces: true,
    async reply({ inReplyToId, text }) {
      const length = [...text].length;
      if (length > PLAY_REPLY_MAX_CHARACTERS) {
        throw new PolicyBlocked(
          'over-length',
          `Google Play replies may have at most ${PLAY_REPLY_MAX_CHARACTERS} characters; this one has ${length}`,
        );
      }
      const body = await call('POST', `${encodeURIComponent(inReplyToId)}:reply`, {
        replyText: text,
      });
      const parsed = ReplyResponse.safeParse(body);
      const seconds =
        (parsed.success ? parsed.data.result?.lastEdited?.seconds : undefined) ??
        String(Math.floor(options.now() / 1000));
      return { platformId: `${inReplyToId}@${seconds}` };
    },
    async findReply({ inReplyToId }) {
      const body = await call('GET', encodeURIComponent(inReplyToId));
      const review = PlayReview.safeParse(body);
      if (!review.success) {
        throw new TransientNetworkError(`Google Play sent an unreadable review ${inReplyToId}`);
      }
      const { developer } = latestComments(review.data.comments);
      if (developer === undefined) {
        return null;
      }
      const { lastModified } = developer;
      return {
        platformId: `${inReplyToId}@${lastModified?.seconds ?? 'unknown'}`,
        text: developer.text,
        at: lastModified === undefined ? null : new Date(revisionToMs(revisionOf(lastModified))),
      };
    },
  };
}
