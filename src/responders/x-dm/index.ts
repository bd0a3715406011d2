import type { TwitterApiReadWrite } from 'twitter-api-v2';
import { CLOCK_MARGIN_MS } from '../../core/unknown-outcome.js';
import { rateLimitReport, toPlatformError } from '../../lib/x-errors.js';
import type { DmResponder } from '../types.js';

/** Pages of 100 events read back while looking for a message; a busier conversation has to be checked by hand. */
const FIND_MAX_PAGES = 3;

/**
 * X direct message: POST /2/dm_conversations/with/:participant_id/messages. `findDm` reads the one-to-one
 * conversation back (GET /2/dm_conversations/with/:participant_id/dm_events, newest first).
 */
export function createXDm(deps: {
  client: TwitterApiReadWrite;
  brandId: string;
  now: () => number;
}): DmResponder {
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
    async findDm({ recipientId, since }) {
      const from = since.getTime() - CLOCK_MARGIN_MS;
      try {
        let page = await deps.client.v2.listDmEventsWithParticipant(recipientId, {
          event_types: ['MessageCreate'],
          'dm_event.fields': ['id', 'text', 'sender_id', 'created_at'],
          max_results: 100,
        });
        for (let pages = 1; ; pages += 1) {
          const events = page.events;
          const found = events.find((event) => event.sender_id === deps.brandId);
          if (found !== undefined) {
            const at = found.created_at === undefined ? null : new Date(found.created_at);
            return at !== null && at.getTime() < from
              ? null
              : { platformId: found.id, text: 'text' in found ? (found.text ?? '') : '', at };
          }
          // Newest first: once the page reaches back before the attempt, nothing older can be its message.
          const oldest = events.at(-1)?.created_at;
          if (
            page.done ||
            pages >= FIND_MAX_PAGES ||
            (oldest !== undefined && Date.parse(oldest) < from)
          ) {
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
