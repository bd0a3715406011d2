import type { Logger } from '../../lib/logger.js';
import { PlatformRateLimited } from '../../errors.js';
import type { Mention, SourceId } from '../../core/types.js';
import type { PollResult, SkippedItem } from '../types.js';
import { mapXPage, maxId, type BrandAccount } from './map.js';
import { toPlatformError } from '../../lib/x-errors.js';

/** The slice of a twitter-api-v2 v2 paginator we use. */
export interface XPaginator {
  readonly data: unknown;
  readonly done: boolean;
  readonly rateLimit: { remaining: number; reset: number } | undefined;
  fetchNext(): Promise<unknown>;
}

/**
 * Fetches the first page and follows next_token up to `maxPages`, stopping early (without losing what
 * was fetched) when X says the rate limit is spent. The cursor only advances when every page arrived,
 * so nothing between the old cursor and the new one is ever skipped.
 */
export async function collectPages(options: {
  source: SourceId;
  brand: BrandAccount;
  cursor: string | undefined;
  maxPages: number;
  firstPage: () => Promise<XPaginator>;
  signal: AbortSignal;
  now: () => number;
  logger: Logger;
}): Promise<PollResult> {
  const { source, brand, cursor, maxPages, signal, now } = options;
  let paginator: XPaginator;
  try {
    paginator = await options.firstPage();
  } catch (error) {
    const mapped = toPlatformError(error, now());
    if (mapped instanceof PlatformRateLimited) {
      return { mentions: [], skipped: [], nextCursor: undefined, deferUntil: mapped.resetAt };
    }
    throw mapped;
  }

  let pages = 1;
  let complete = paginator.done || cursor === undefined;
  let deferUntil: number | undefined;
  while (!paginator.done && cursor !== undefined && pages < maxPages && !signal.aborted) {
    if (paginator.rateLimit && paginator.rateLimit.remaining <= 0) {
      deferUntil = paginator.rateLimit.reset * 1000;
      break;
    }
    try {
      await paginator.fetchNext();
      pages += 1;
      complete = paginator.done;
    } catch (error) {
      const mapped = toPlatformError(error, now());
      if (mapped instanceof PlatformRateLimited) {
        deferUntil = mapped.resetAt;
        break;
      }
      throw mapped;
    }
  }
  if (!paginator.done && pages >= maxPages && cursor !== undefined) {
    options.logger.warn(
      { source, pages },
      'Poll stopped at the page cap; older mentions in this gap are skipped',
    );
    complete = true;
  }
  if (paginator.rateLimit && paginator.rateLimit.remaining <= 0) {
    deferUntil = Math.max(deferUntil ?? 0, paginator.rateLimit.reset * 1000);
  }

  const mapped: { mentions: Mention[]; skipped: SkippedItem[]; newestId: string | undefined } =
    mapXPage(paginator.data, source, brand, now());
  return {
    mentions: mapped.mentions,
    skipped: mapped.skipped,
    nextCursor: complete ? maxId(cursor, mapped.newestId) : undefined,
    ...(deferUntil !== undefined ? { deferUntil } : {}),
  };
}
