import { compareIds, isXId } from '../ids.js';
import { notAnXId } from '../params.js';
import { jsonResponse, parseJsonBody, problemResponse } from '../http.js';
import { forbidden, type InvalidParameter } from '../problems.js';
import type { Endpoint } from './endpoint.js';
import { badRequest } from './timeline.js';

const MAX_DM_LENGTH = 10_000;

function conversationId(a: string, b: string): string {
  return compareIds(a, b) <= 0 ? `${a}-${b}` : `${b}-${a}`;
}

function readText(body: unknown): { text?: string; errors: InvalidParameter[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { errors: [{ parameters: {}, message: '$: object expected' }] };
  }
  const errors: InvalidParameter[] = [];
  for (const key of Object.keys(body)) {
    if (key === 'attachments') {
      errors.push({ parameters: {}, message: '$.attachments: is not supported by the sandbox' });
    } else if (key !== 'text') {
      errors.push({
        parameters: {},
        message: `$.${key}: is not defined in the schema and the schema does not allow additional properties`,
      });
    }
  }
  const text: unknown = 'text' in body ? body.text : undefined;
  if (typeof text !== 'string' || text.length === 0) {
    errors.push({ parameters: {}, message: '$.text: must be a non-empty string' });
    return { errors };
  }
  if (text.length > MAX_DM_LENGTH) {
    errors.push({
      parameters: { text: [`${text.length}`] },
      message: `$.text: must be at most ${MAX_DM_LENGTH} characters`,
    });
  }
  return errors.length > 0 ? { errors } : { text, errors };
}

/** POST /2/dm_conversations/with/:participant_id/messages (createDirectMessagesByParticipantId). */
export const sendDmEndpoint: Endpoint = {
  key: 'POST /2/dm_conversations/with/:participant_id/messages',
  method: 'POST',
  path: /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/,
  allowsAppOnly: false,
  handle({ state, request, params }) {
    const participantId = params[0] ?? '';
    if (!isXId(participantId)) {
      return badRequest([notAnXId('participant_id', participantId, 'path')]);
    }
    const body = parseJsonBody(request);
    if (!body.ok) {
      return badRequest([{ parameters: {}, message: body.message }]);
    }
    const { text, errors } = readText(body.value);
    if (text === undefined) {
      return badRequest(errors);
    }
    if (participantId === state.brand.id) {
      return problemResponse(403, forbidden('You cannot send a Direct Message to yourself.'));
    }
    const participant = state.users.get(participantId);
    if (!participant) {
      return problemResponse(
        403,
        forbidden(
          `You cannot send messages to this user: no user with id [${participantId}] exists.`,
        ),
      );
    }
    if (!participant.acceptsDms) {
      return problemResponse(
        403,
        forbidden(
          'You cannot send messages to this user: they do not accept Direct Messages from you.',
        ),
      );
    }

    const dmEventId = state.postIds.next();
    const dmConversationId = conversationId(state.brand.id, participantId);
    state.dms.push({ dmEventId, dmConversationId, participantId, text, createdAt: state.now() });
    return jsonResponse(201, {
      data: { dm_conversation_id: dmConversationId, dm_event_id: dmEventId },
    });
  },
};
