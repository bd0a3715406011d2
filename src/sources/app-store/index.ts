import { z } from 'zod';

import { ConfigError, TransientNetworkError } from '../../errors.js';
import type { Logger } from '../../lib/logger.js';
import type { Mention } from '../../core/types.js';
import type { PollResult, SkippedItem, Source } from '../types.js';
import {
  appStoreError,
  createAppStoreConnectHttp,
  rateLimitResetAt,
  type AppleTokens,
  type AppStoreHttpResult,
  type FetchLike,
} from './client.js';
import { mapAscReview, MALFORMED_REVISION, responsesByReview } from './map.js';
import { AscReviewsPage } from './schema.js';
import {
  advanceWindow,
  noveltyOf,
  SeenWindowJson,
  windowFromJson,
  windowToJson,
  type Observed,
  type SeenWindow,
} from './window.js';

export { APP_STORE_CONNECT_BASE_URL, type AppleTokens } from './client.js';

/** The most a page may hold (spec: limit ≤ 200). */
export const MAX_PAGE_LIMIT = 200;

const REVIEW_FIELDS = 'rating,title,body,reviewerNickname,createdDate,territory,response';
const RESPONSE_FIELDS = 'responseBody,lastModifiedDate,state,review';

const ApiCursor = z.object({ v: z.literal(1), window: SeenWindowJson });

export interface AppStoreSourceOptions {
  /** Default https://api.appstoreconnect.apple.com; the sandbox's URL in sandbox mode. */
  baseUrl?: string;
  /** The app's App Store Connect id (its numeric Apple ID). */
  appId: string;
  tokens: AppleTokens;
  fetch?: FetchLike;
  now: () => number;
  logger: Logger;
  /** Reviews per page, 1–200. Default 200. */
  pageLimit?: number;
  /** The most pages one poll reads. Default 10. */
  maxPages?: number;
  /**
   * How far behind the newest review each poll looks again, for reviews that show up after newer ones (and
   * edits made meanwhile). Default 30 minutes.
   */
  overlapMs?: number;
}

function parseCursor(cursor: string | undefined, logger: Logger): SeenWindow | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  try {
    const parsed = ApiCursor.safeParse(JSON.parse(cursor));
    if (parsed.success) {
      return windowFromJson(parsed.data.window);
    }
  } catch {
    // Falls through to the warning below.
  }
  logger.warn({ source: 'app-store' }, 'Ignoring an unreadable App Store cursor; starting afresh');
  return undefined;
}

function firstPagePath(appId: string, pageLimit: number): string {
  const query = new URLSearchParams({
    sort: '-createdDate',
    limit: String(pageLimit),
    include: 'response',
    'fields[customerReviews]': REVIEW_FIELDS,
    'fields[customerReviewResponses]': RESPONSE_FIELDS,
  });
  return `/v1/apps/${encodeURIComponent(appId)}/customerReviews?${query.toString()}`;
}

/**
 * Customer reviews from the App Store Connect API (GET /v1/apps/{id}/customerReviews), newest first. A poll
 * follows `links.next` until it reaches reviews older than its window (see ./window.ts), dedupes reviews that
 * page shifts show twice, and returns a cursor only when every page it needed arrived. Without a cursor it
 * reads the first page only. The API keeps a review's createdDate when its author edits it, so edits older
 * than the overlap window are not seen (see ./readme.md).
 */
export function createAppStoreSource(options: AppStoreSourceOptions): Source {
  const pageLimit = options.pageLimit ?? MAX_PAGE_LIMIT;
  if (!Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > MAX_PAGE_LIMIT) {
    throw new ConfigError(`App Store page limit must be 1–${MAX_PAGE_LIMIT}, got ${pageLimit}`);
  }
  const maxPages = options.maxPages ?? 10;
  const overlapMs = options.overlapMs ?? 30 * 60_000;
  const http = createAppStoreConnectHttp({
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    tokens: options.tokens,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { logger, now, appId } = options;

  async function fetchPage(url: string, signal: AbortSignal): Promise<AppStoreHttpResult> {
    const result = await http.request('GET', url, { signal });
    if (result.status === 200 || result.status === 429) {
      return result;
    }
    if (result.status === 404) {
      throw new ConfigError(
        `App Store Connect has no app ${appId} visible to this API key (404): check APP_STORE_APP_ID`,
      );
    }
    throw appStoreError(result, now(), 'list customer reviews');
  }

  const source: Source = {
    id: 'app-store',
    /** History back to `since`: a poll whose window starts there, so it pages until older reviews appear. */
    async *backfill(since, signal) {
      yield await source.poll(
        JSON.stringify({ v: 1, window: { since: since.toISOString(), seen: {} } }),
        signal,
      );
    },
    async poll(cursor, signal): Promise<PollResult> {
      const window = parseCursor(cursor, logger);
      const mentions = new Map<string, Mention>();
      const skipped = new Map<string, SkippedItem>();
      const skippedWithoutId: SkippedItem[] = [];
      const observed: Observed[] = [];
      let url: string | undefined = firstPagePath(appId, pageLimit);
      let pages = 0;
      let complete = false;
      let deferUntil: number | undefined;
      let lastRateLimit: AppStoreHttpResult['rateLimit'];

      while (url !== undefined && !signal.aborted) {
        const result = await fetchPage(url, signal);
        if (result.status === 429) {
          deferUntil = rateLimitResetAt(now(), result.rateLimit);
          break;
        }
        pages += 1;
        lastRateLimit = result.rateLimit;
        const page = AscReviewsPage.safeParse(result.body);
        if (!page.success) {
          throw new TransientNetworkError(
            'App Store Connect sent a customer reviews page without a data array',
          );
        }
        const responses = responsesByReview(page.data.included ?? []);
        let reachedOlder = false;
        for (const candidate of page.data.data) {
          const mapped = mapAscReview(candidate, { appId, responses });
          const id = mapped.ok ? mapped.mention.id : mapped.skipped.id;
          const revision = mapped.ok ? (mapped.mention.revision ?? '') : MALFORMED_REVISION;
          if (id === null || mapped.createdMs === undefined) {
            // Without an id or a date an item cannot be placed against the cursor; it is reported each time.
            if (!mapped.ok) {
              skippedWithoutId.push(mapped.skipped);
            }
            continue;
          }
          const novelty = noveltyOf(window, id, mapped.createdMs, revision);
          if (novelty === 'older') {
            reachedOlder = true;
            continue;
          }
          observed.push({ id, dateMs: mapped.createdMs, revision });
          if (novelty === 'seen' || mentions.has(id) || skipped.has(id)) {
            continue;
          }
          if (mapped.ok) {
            mentions.set(id, mapped.mention);
          } else {
            skipped.set(id, mapped.skipped);
          }
        }

        const next = page.data.links?.next;
        if (window === undefined || reachedOlder || next === undefined) {
          complete = true;
          break;
        }
        if (pages >= maxPages) {
          logger.warn(
            { source: 'app-store', pages },
            'Poll stopped at the page cap; older reviews in this gap are skipped',
          );
          complete = true;
          break;
        }
        if (!http.isSameOrigin(next)) {
          throw new TransientNetworkError(
            `App Store Connect sent a next link to another origin: ${new URL(next).origin}`,
          );
        }
        if (result.rateLimit !== undefined && result.rateLimit.remaining <= 0) {
          break;
        }
        url = next;
      }
      if (deferUntil === undefined && lastRateLimit !== undefined && lastRateLimit.remaining <= 0) {
        deferUntil = rateLimitResetAt(now(), lastRateLimit);
      }

      const nextWindow = complete ? advanceWindow(window, observed, overlapMs) : undefined;
      return {
        mentions: [...mentions.values()],
        skipped: [...skipped.values(), ...skippedWithoutId],
        nextCursor:
          nextWindow === undefined
            ? undefined
            : JSON.stringify({ v: 1, window: windowToJson(nextWindow) }),
        ...(deferUntil !== undefined ? { deferUntil } : {}),
      };
    },
  };
  return source;
}
