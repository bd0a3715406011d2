import type { TwitterApiReadWrite } from 'twitter-api-v2';
import { toPlatformError } from '../../lib/x-errors.js';
import type { DmResponder } from '../types.js';

/** X direct message: POST /2/dm_conversations/with/:participant_id/messages. */
export function createXDm(deps: { client: TwitterApiReadWrite; now: () => number }): DmResponder {
  return {
    platform: 'x',
    async sendDm({ recipientId, text }) {
      try {
        const result = (await deps.client.v2.sendDmToParticipant(recipientId, { text })) as unknown;
        // twitter-api-v2 types this without the `data` wrapper the API really returns (platform-facts §0.8).
        const body = result as { data?: { dm_event_id?: string }; dm_event_id?: string };
        const id = body.data?.dm_event_id ?? body.dm_event_id;
        if (id === undefined) {
          throw new Error('X accepted the DM but returned no dm_event_id');
        }
        return { platformId: id };
      } catch (error) {
        throw toPlatformError(error, deps.now());
      }
    },
  };
}
