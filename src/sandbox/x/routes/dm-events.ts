import { compareIds, isXId } from '../ids.js';
import { jsonResponse } from '../http.js';
import { createQueryReader, notAnXId } from '../params.js';
import { invalidParameter } from '../problems.js';
import type { SandboxDm, SandboxState } from '../state.js';
import type { Endpoint } from './endpoint.js';
import { badRequest } from './timeline.js';

const PARAMS = ['max_results', 'pagination_token', 'event_types', 'dm_event.fields'];
const EVENT_TYPES = ['MessageCreate', 'ParticipantsJoin', 'ParticipantsLeave'];
const DM_EVENT_FIELDS = [
  'attachments',
  'created_at',
  'dm_conversation_id',
  'entities',
  'event_type',
  'id',
  'participant_ids',
  'referenced_tweets',
  'sender_id',
  'text',
];
/** X's tokens here are base32 (spec PaginationToken32, at least 16 characters). */
const TOKEN = /^[0-9a-v]{16,}$/;

function encodeToken(dmEventId: string): string {
  return BigInt(dmEventId).toString(32).padStart(16, '0');
}

function decodeToken(token: string): string | undefined {
  if (!TOKEN.test(token)) {
    return undefined;
  }
  let value = 0n;
  for (const char of token) {
    value = value * 32n + BigInt(parseInt(char, 32));
  }
  return value.toString();
}

function render(state: SandboxState, dm: SandboxDm, fields: Set<string>): Record<string, unknown> {
  // id, event_type and text come always, as X's default fields for a DmEvent.
  return {
    id: dm.dmEventId,
    event_type: 'MessageCreate',
    text: dm.text,
    ...(fields.has('created_at') ? { created_at: new Date(dm.createdAt).toISOString() } : {}),
    ...(fields.has('sender_id') ? { sender_id: state.brand.id } : {}),
    ...(fields.has('dm_conversation_id') ? { dm_conversation_id: dm.dmConversationId } : {}),
  };
}

/**
 * GET /2/dm_conversations/with/:participant_id/dm_events (getDirectMessagesEventsByParticipantId): the one-to-one
 * conversation's events, newest first. The sandbox holds only the brand's own messages (MessageCreate).
 */
export const dmEventsEndpoint: Endpoint = {
  key: 'GET /2/dm_conversations/with/:participant_id/dm_events',
  method: 'GET',
  path: /^\/2\/dm_conversations\/with\/([^/]+)\/dm_events$/,
  allowsAppOnly: false,
  handle({ state, request, params }) {
    const participantId = params[0] ?? '';
    const reader = createQueryReader(request.url.searchParams, PARAMS);
    if (!isXId(participantId)) {
      reader.errors.push(notAnXId('participant_id', participantId, 'path'));
    }
    const maxResults = reader.int('max_results', 1, 100) ?? 100;
    const types = reader.list(['event_types'], EVENT_TYPES);
    const fields = reader.list(['dm_event.fields'], DM_EVENT_FIELDS);
    const rawToken = reader.string('pagination_token');
    const before = rawToken === undefined ? undefined : decodeToken(rawToken);
    if (rawToken !== undefined && before === undefined) {
      reader.errors.push(
        invalidParameter(
          'pagination_token',
          rawToken,
          `The \`pagination_token\` query parameter value [${rawToken}] is not valid`,
        ),
      );
    }
    if (reader.errors.length > 0) {
      return badRequest(reader.errors);
    }

    const events =
      types.size > 0 && !types.has('MessageCreate')
        ? []
        : state.dms
            .filter((dm) => dm.participantId === participantId)
            .filter((dm) => before === undefined || compareIds(dm.dmEventId, before) < 0)
            .sort((a, b) => compareIds(b.dmEventId, a.dmEventId));
    const page = events.slice(0, maxResults);
    const last = page[page.length - 1];
    const more = last !== undefined && events.length > page.length;
    return jsonResponse(200, {
      ...(page.length > 0 ? { data: page.map((dm) => render(state, dm, fields)) } : {}),
      meta: {
        result_count: page.length,
        ...(more ? { next_token: encodeToken(last.dmEventId) } : {}),
      },
    });
  },
};
