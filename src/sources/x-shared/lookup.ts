import type { TwitterApiReadOnly } from 'twitter-api-v2';
import type { Engagement } from '../../core/types.js';
import { toPlatformError } from '../../lib/x-errors.js';
import type { EngagementLookup } from '../types.js';
import { EXPANSIONS, TWEET_FIELDS, USER_FIELDS, mapXPage, type BrandAccount } from './map.js';

/** X serves at most 100 posts per lookup (GET /2/tweets, spec getPostsByIds). */
const X_LOOKUP_MAX_IDS = 100;

const ID = /^\d{1,19}$/;

/**
 * X post lookup (GET /2/tweets?ids=…) for the engagement watch: the same fields and mapping as the pollers, so
 * counts mean the same and carry the time they were read. A 429 throws `PlatformRateLimited`.
 */
export function createXEngagementLookup(deps: {
  client: TwitterApiReadOnly;
  brand: BrandAccount;
  now: () => number;
}): EngagementLookup {
  return {
    maxIds: X_LOOKUP_MAX_IDS,
    async lookup(ids) {
      const wanted = [...new Set(ids)];
      if (wanted.length === 0) {
        return { engagement: new Map(), missing: [] };
      }
      if (wanted.length > X_LOOKUP_MAX_IDS || !wanted.every((id) => ID.test(id))) {
        throw new RangeError(`An X lookup takes 1 to ${X_LOOKUP_MAX_IDS} numeric post ids`);
      }
      let raw: unknown;
      try {
        raw = await deps.client.v2.tweets(wanted, {
          'tweet.fields': [...TWEET_FIELDS],
          'user.fields': [...USER_FIELDS],
          expansions: [...EXPANSIONS],
        });
      } catch (error) {
        throw toPlatformError(error, deps.now());
      }
      // Only engagement is read from the mapped posts, so the source label passed here does not matter.
      const { mentions } = mapXPage(raw, 'x-mentions', deps.brand, deps.now());
      const engagement = new Map<string, Engagement>();
      for (const mention of mentions) {
        if (mention.engagement) {
          engagement.set(mention.id, mention.engagement);
        }
      }
      return { engagement, missing: wanted.filter((id) => !engagement.has(id)) };
    },
  };
}
