import type { TwitterApiReadOnly } from 'twitter-api-v2';
import type { Logger } from '../../lib/logger.js';
import type { Source } from '../types.js';
import { PlatformRateLimited } from '../../errors.js';
import { toPlatformError } from '../../lib/x-errors.js';
import {
  EXPANSIONS,
  TWEET_FIELDS,
  USER_FIELDS,
  mapXPage,
  type BrandAccount,
} from '../x-shared/map.js';
import { collectPages } from '../x-shared/paginate.js';

/** X allows up to 800 mentions through pagination: 8 pages of 100. */
const MAX_PAGES = 8;

/** The brand's @mention timeline (GET /2/users/:id/mentions), polled with a since_id cursor. */
export function createXMentionsSource(deps: {
  client: TwitterApiReadOnly;
  brand: BrandAccount;
  logger: Logger;
  now: () => number;
}): Source {
  const params = {
    expansions: [...EXPANSIONS],
    'tweet.fields': [...TWEET_FIELDS],
    'user.fields': [...USER_FIELDS],
  };
  return {
    id: 'x-mentions',
    async *backfill(since, signal) {
      // X reaches back 800 mentions at most (platform-facts §1.2): 8 pages of 100.
      let paginator;
      try {
        paginator = await deps.client.v2.userMentionTimeline(deps.brand.id, {
          max_results: 100,
          start_time: since.toISOString(),
          ...params,
        });
      } catch (error) {
        const mapped = toPlatformError(error, deps.now());
        if (mapped instanceof PlatformRateLimited) {
          yield { mentions: [], skipped: [], nextCursor: undefined, deferUntil: mapped.resetAt };
          return;
        }
        throw mapped;
      }
      let page = paginator;
      for (let pages = 1; ; pages += 1) {
        const mapped = mapXPage(page.data, 'x-mentions', deps.brand, deps.now());
        yield { mentions: mapped.mentions, skipped: mapped.skipped, nextCursor: undefined };
        if (page.done || pages >= MAX_PAGES || signal.aborted) {
          return;
        }
        try {
          page = await page.next();
        } catch (error) {
          const limited = toPlatformError(error, deps.now());
          if (limited instanceof PlatformRateLimited) {
            yield { mentions: [], skipped: [], nextCursor: undefined, deferUntil: limited.resetAt };
            return;
          }
          throw limited;
        }
      }
    },
    async poll(cursor, signal) {
      return collectPages({
        source: 'x-mentions',
        brand: deps.brand,
        cursor,
        maxPages: MAX_PAGES,
        signal,
        now: deps.now,
        logger: deps.logger,
        firstPage: () =>
          deps.client.v2.userMentionTimeline(deps.brand.id, {
            max_results: 100,
            ...(cursor !== undefined ? { since_id: cursor } : {}),
            ...params,
          }),
      });
    },
  };
}
