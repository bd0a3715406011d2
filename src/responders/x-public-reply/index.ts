import type { TweetV2PostTweetResult, TwitterApiReadWrite } from 'twitter-api-v2';
import { rateLimitReport, toPlatformError } from '../../lib/x-errors.js';
import type { PublicReplyResponder } from '../types.js';

/** Public reply on X: POST /2/tweets with reply.in_reply_to_tweet_id. The only holder of the write client. */
export function createXPublicReply(deps: {
  client: TwitterApiReadWrite;
  now: () => number;
}): PublicReplyResponder {
  return {
    platform: 'x',
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
  };
}
