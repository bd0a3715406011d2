import type { TwitterApiReadOnly } from 'twitter-api-v2';
import type { Logger } from '../../lib/logger.js';
import type { Source } from '../types.js';
import { EXPANSIONS, TWEET_FIELDS, USER_FIELDS, type BrandAccount } from '../x-shared/map.js';
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
  return {
    id: 'x-mentions',
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
            expansions: [...EXPANSIONS],
            'tweet.fields': [...TWEET_FIELDS],
            'user.fields': [...USER_FIELDS],
          }),
      });
    },
  };
}
