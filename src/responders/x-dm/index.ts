import type { TwitterApiReadWrite } from 'twitter-api-v2';
import { rateLimitReport, toPlatformError } from '../../lib/x-errors.js';
import type { DmResponder } from '../types.js';

/** X direct message: POST /2/dm_conversations/with/:participant_id/messages. */
export function createXDm(deps: { client: TwitterApiReadWrite; now: () => number }): DmResponder {
  return {
    platform: 'x',
    async sendDm({ recipientId, text }) {
      try {
        // sendDmToParticipant's request, with the full response for the x-rate-limit-* headers.
        const response = await deps.client.v2.post<unknown>(
          'dm_conversations/with/:participant_id/messages',
          { text },
          { params: { participant_id: recipientId }, fullResponse: true },
        );
        // twitter-api-v2 types this without the `data` wrapper the API really returns (platform-facts §0.8).
        const body = response.data as { data?: { dm_event_id?: string }; dm_event_id?: string };
        const id = body.data?.dm_event_id ?? body.dm_event_id;
        if (id === undefined) {
          throw new Error('X accepted the DM but returned no dm_event_id');
        }
        return { platformId: id, ...rateLimitReport(response.rateLimit) };
      } catch (error) {
        throw toPlatformError(error, deps.now());
      }
    },
  };
}
