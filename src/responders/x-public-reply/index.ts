import type { TweetV2PostTweetResult, TwitterApiReadWrite } from 'twitter-api-v2';
import { CLOCK_MARGIN_MS } from '../../core/unknown-outcome.js';
import { rateLimitReport, toPlatformError } from '../../lib/x-errors.js';
import type { PublicReplyResponder } from '../types.js';

/** Recent search reaches back 7 days (GET /2/tweets/search/recent). */
const SEARCH_WINDOW_MS = 7 * 24 * 3_600_000;
/** Pages of 100 of the brand's replies read while looking for one; a brand posting more has to check by hand. */
const FIND_MAX_PAGES = 5;

/** X wants RFC 3339 times to the second. */
function toXTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Public reply on X: POST /2/tweets with reply.in_reply_to_tweet_id. The only holder of the write client.
 * `findReply` searches the brand's recent replies (GET /2/tweets/search/recent, `from:<brand id> is:reply`).
 */
export function createXPublicReply(deps: {
  client: TwitterApiReadWrite;
  brandId: string;
  now: () => number;
}): PublicReplyResponder {
  return {
    platform: 'x',
    replyReplaces: false,
    async reply({ inReplyToId, text }) {
      try {
        // The full response carries the x-rate-limit-* headers, so the send budget follows X after every post.
        const response = await deps.client.v2.post<TweetV2PostTweetResult>(
          'tweets',
          { text, reply: { in_reply_to_tweet_id: inReplyToId } },
          { fullResponse: true },
        );
        return { platformId: response.data.data.id, ...rateLimitReport(response.rateLimit) };
      } catch (error) {
        throw toPlatformError(error, deps.now());
      }
    },
    async findReply({ inReplyToId, since }) {
      const now = deps.now();
      const start = Math.max(
        since.getTime() - CLOCK_MARGIN_MS,
        now - SEARCH_WINDOW_MS + CLOCK_MARGIN_MS,
      );
      try {
        let page = await deps.client.v2.search(`from:${deps.brandId} is:reply`, {
          start_time: toXTime(start),
          max_results: 100,
          'tweet.fields': ['referenced_tweets', 'created_at'],
        });
        for (let pages = 1; ; pages += 1) {
          // Newest first, so the first match is the brand's latest reply to the post.
          const found = page.tweets.find((tweet) =>
            (tweet.referenced_tweets ?? []).some(
              (reference) => reference.type === 'replied_to' && reference.id === inReplyToId,
            ),
          );
          if (found !== undefined) {
            return {
              platformId: found.id,
              text: found.text,
              at: found.created_at === undefined ? null : new Date(found.created_at),
            };
          }
          if (page.done || pages >= FIND_MAX_PAGES) {
            return null;
          }
          page = await page.next();
        }
      } catch (error) {
        throw toPlatformError(error, deps.now());
      }
    },
  };
}
