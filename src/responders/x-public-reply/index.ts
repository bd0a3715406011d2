import type { TwitterApiReadWrite } from 'twitter-api-v2';
import { toPlatformError } from '../../lib/x-errors.js';
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
        const result = await deps.client.v2.reply(text, inReplyToId);
        return { platformId: result.data.id };
      } catch (error) {
        throw toPlatformError(error, deps.now());
      }
    },
  };
}
