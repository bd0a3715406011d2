import { createHash } from 'node:crypto';

import type { Mention } from '../../core/types.js';
import { PlatformAuthError, TransientNetworkError } from '../../errors.js';
import {
  GoogleApiError,
  googleApiRequest,
  type GoogleTokenProvider,
} from '../../lib/google-auth.js';
import type { Logger } from '../../lib/logger.js';
import type { PollResult, SkippedItem, Source } from '../types.js';
import { emptyCursor, parseCursor, pruneCursor, type PlayCursor } from './cursor.js';
import { mapPlayReview } from './map.js';
import { PlayReviewsPage } from './schema.js';

export const GOOGLE_PLAY_API_BASE_URL = 'https://androidpublisher.googleapis.com';
/** The largest page Play is reported to serve. */
const PAGE_SIZE = 100;
/** 20 pages of 100: 2,000 reviews with activity in the last week, 20 of the 200 reads an hour. */
const DEFAULT_MAX_PAGES = 20;
const HOUR_MS = 3_600_000;

export interface GooglePlaySourceOptions {
  /** API root without a path, e.g. https://androidpublisher.googleapis.com or the sandbox URL. */
  baseUrl: string;
  packageName: string;
  tokens: GoogleTokenProvider;
  fetch?: typeof fetch;
  now: () => number;
  logger: Logger;
  /** Pages of 100 fetched per poll at most. Default 20. */
  maxPages?: number;
}

function authError(packageName: string, error: GoogleApiError): PlatformAuthError {
  return new PlatformAuthError(
    `Google Play refused to list reviews for ${packageName} (${error.describe()}): check GOOGLE_PLAY_SERVICE_ACCOUNT_FILE and that the service account may see this app in Play Console (GOOGLE_PLAY_PACKAGE_NAME)`,
    { cause: error },
  );
}

function fingerprint(item: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(item ?? null))
    .digest('hex')
    .slice(0, 24);
}

/**
 * Google Play reviews (GET /androidpublisher/v3/applications/{packageName}/reviews). Play lists only reviews
 * created or modified in the last 7 days, most recent activity first, and has no "since" parameter, so
 * every poll reads the whole window and the cursor remembers each review's last revision: new reviews and
 * edits are emitted once each, unchanged ones not at all. See ./readme.md.
 */
export function createGooglePlaySource(options: GooglePlaySourceOptions): Source {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const listUrl = `${options.baseUrl.replace(/\/+$/, '')}/androidpublisher/v3/applications/${encodeURIComponent(options.packageName)}/reviews`;

  async function fetchPage(token: string | undefined, signal: AbortSignal): Promise<unknown> {
    const url = new URL(listUrl);
    url.searchParams.set('maxResults', String(PAGE_SIZE));
    if (token !== undefined) {
      url.searchParams.set('token', token);
    }
    return googleApiRequest({
      tokens: options.tokens,
      method: 'GET',
      url: url.toString(),
      signal,
      now: options.now,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  const source: Source = {
    id: 'google-play',
    /** Play lists only the last 7 days: history is one full read of that window, back to `since`. */
    async *backfill(since, signal) {
      const page = await source.poll(undefined, signal);
      yield {
        ...page,
        mentions: page.mentions.filter(
          (mention) => Date.parse(mention.createdAt) >= since.getTime(),
        ),
      };
    },
    async poll(cursor, signal): Promise<PollResult> {
      const now = options.now();
      const stored = parseCursor(cursor);
      if (cursor !== undefined && stored === undefined) {
        options.logger.warn(
          { source: 'google-play' },
          'Unreadable Google Play cursor; reading the whole 7-day window again',
        );
      }
      const previous = stored ?? emptyCursor();

      const items: unknown[] = [];
      let token: string | undefined;
      let pages = 0;
      let complete = false;
      let deferUntil: number | undefined;
      while (pages < maxPages && !signal.aborted) {
        let body: unknown;
        try {
          body = await fetchPage(token, signal);
        } catch (error) {
          if (error instanceof GoogleApiError && error.status === 429) {
            // Reads are counted per rolling hour: an hour from now every earlier read has left the window.
            deferUntil = now + (error.retryAfterMs ?? HOUR_MS);
            break;
          }
          if (error instanceof GoogleApiError && [401, 403, 404].includes(error.status)) {
            throw authError(options.packageName, error);
          }
          if (error instanceof GoogleApiError && error.status >= 500) {
            throw new TransientNetworkError(`Google Play answered ${error.describe()}`, {
              cause: error,
            });
          }
          if (error instanceof GoogleApiError) {
            throw new Error(`Google Play rejected the reviews request (${error.describe()})`, {
              cause: error,
            });
          }
          throw error;
        }
        pages += 1;
        const page = PlayReviewsPage.parse(body ?? {});
        items.push(...(page.reviews ?? []));
        token = page.tokenPagination?.nextPageToken;
        if (token === undefined) {
          complete = true;
          break;
        }
      }
      if (!complete && token !== undefined && pages >= maxPages) {
        options.logger.warn(
          { source: 'google-play', pages },
          'Poll stopped at the page cap; reviews with older activity in the window are not read',
        );
        complete = true;
      }

      const next: PlayCursor = pruneCursor(previous, now);
      const emitted: Mention[] = [];
      const handled = new Set<string>();
      const skipped: SkippedItem[] = [];
      for (const item of items) {
        const entry = previous.seen[(item as { reviewId?: string } | null)?.reviewId ?? ''];
        const mapped = mapPlayReview(item, entry?.[0]);
        if (!mapped.ok) {
          const key = fingerprint(item);
          if (previous.skipped[key] === undefined) {
            skipped.push(mapped.skipped);
          }
          next.skipped[key] = previous.skipped[key] ?? Math.floor(now / 1000);
          continue;
        }
        const { mention, revision } = mapped;
        // The list is newest activity first, so a review listed twice in one poll (shifted between pages by
        // an edit) is taken from its first listing.
        if (handled.has(mention.id)) {
          continue;
        }
        handled.add(mention.id);
        if (entry?.[1] !== revision) {
          emitted.push(mention);
        }
        next.seen[mention.id] = [entry?.[0] ?? revision, revision];
      }

      options.logger.debug(
        { source: 'google-play', pages, listed: items.length, emitted: emitted.length, complete },
        'Polled Google Play reviews',
      );
      return {
        mentions: emitted,
        skipped,
        nextCursor: complete ? JSON.stringify(next) : undefined,
        ...(deferUntil !== undefined ? { deferUntil } : {}),
      };
    },
  };
  return source;
}
