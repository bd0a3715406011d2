import twitterText from 'twitter-text';

import { isXId } from '../ids.js';
import { jsonResponse, parseJsonBody, problemResponse, type SandboxHttpResponse } from '../http.js';
import { duplicateContent, forbidden, type InvalidParameter } from '../problems.js';
import { addPost, isSummoned, newPostId, type SandboxState } from '../state.js';
import type { Endpoint } from './endpoint.js';
import { badRequest } from './timeline.js';

const MAX_WEIGHTED_LENGTH = 280;

/** TweetCreateRequest keys the sandbox implements. */
const SUPPORTED_KEYS = new Set([
  'text',
  'reply',
  'quote_tweet_id',
  'reply_settings',
  'for_super_followers_only',
  'nullcast',
]);
/** TweetCreateRequest keys that exist in the spec but need media, polls, places or cards the sandbox lacks. */
const UNSUPPORTED_SPEC_KEYS = new Set([
  'media',
  'poll',
  'geo',
  'card_uri',
  'community_id',
  'direct_message_deep_link',
  'edit_options',
  'paid_partnership',
]);
const REPLY_KEYS = new Set([
  'in_reply_to_tweet_id',
  'exclude_reply_user_ids',
  'auto_populate_reply_metadata',
]);
const REPLY_SETTINGS = ['following', 'mentionedUsers', 'subscribers', 'verified'];

function error(message: string, parameters: Record<string, string[]> = {}): InvalidParameter {
  return { parameters, message };
}

function typeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  return typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface CreateRequest {
  text: string;
  replyTo?: string;
  quoteOf?: string;
}

/** Validates the body like X's JSON-schema check: every problem reported, JSON-path style messages. */
function readCreateRequest(body: unknown): { request?: CreateRequest; errors: InvalidParameter[] } {
  if (!isRecord(body)) {
    return { errors: [error(`$: ${typeName(body)} found, object expected`)] };
  }
  const errors: InvalidParameter[] = [];
  for (const key of Object.keys(body)) {
    if (UNSUPPORTED_SPEC_KEYS.has(key)) {
      errors.push(error(`$.${key}: is not supported by the sandbox`));
    } else if (!SUPPORTED_KEYS.has(key)) {
      errors.push(
        error(
          `$.${key}: is not defined in the schema and the schema does not allow additional properties`,
        ),
      );
    }
  }
  const { text, reply, quote_tweet_id: quoteOf } = body;
  if (typeof text !== 'string') {
    errors.push(error(`$.text: ${typeName(text)} found, string expected`));
  }
  let replyTo: string | undefined;
  if (reply !== undefined) {
    if (!isRecord(reply)) {
      errors.push(error(`$.reply: ${typeName(reply)} found, object expected`));
    } else {
      for (const key of Object.keys(reply)) {
        if (!REPLY_KEYS.has(key)) {
          errors.push(
            error(
              `$.reply.${key}: is not defined in the schema and the schema does not allow additional properties`,
            ),
          );
        }
      }
      if (typeof reply.in_reply_to_tweet_id !== 'string' || !isXId(reply.in_reply_to_tweet_id)) {
        errors.push(error('$.reply.in_reply_to_tweet_id: must be a string matching ^[0-9]{1,19}$'));
      } else {
        replyTo = reply.in_reply_to_tweet_id;
      }
    }
  }
  if (quoteOf !== undefined && (typeof quoteOf !== 'string' || !isXId(quoteOf))) {
    errors.push(error('$.quote_tweet_id: must be a string matching ^[0-9]{1,19}$'));
  }
  if (body.reply_settings !== undefined && !REPLY_SETTINGS.includes(String(body.reply_settings))) {
    errors.push(
      error(
        `$.reply_settings: does not have a value in the enumeration [${REPLY_SETTINGS.join(', ')}]`,
      ),
    );
  }
  for (const flag of ['for_super_followers_only', 'nullcast']) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean') {
      errors.push(error(`$.${flag}: ${typeName(body[flag])} found, boolean expected`));
    }
  }
  if (errors.length > 0 || typeof text !== 'string') {
    return { errors };
  }
  const request: CreateRequest = { text };
  if (replyTo !== undefined) {
    request.replyTo = replyTo;
  }
  if (typeof quoteOf === 'string') {
    request.quoteOf = quoteOf;
  }
  return { request, errors };
}

function lengthErrors(text: string): InvalidParameter[] {
  if (text === '') {
    return [error('Your Tweet text is empty.', { text: ['Your Tweet text is empty.'] })];
  }
  const parsed = twitterText.parseTweet(text);
  if (parsed.weightedLength > MAX_WEIGHTED_LENGTH) {
    return [
      error('Your Tweet text is too long.', {
        text: [
          `Your Tweet text is ${parsed.weightedLength} characters, however the limit is ${MAX_WEIGHTED_LENGTH}.`,
        ],
      }),
    ];
  }
  if (!parsed.valid) {
    return [error('Your Tweet text contains invalid characters.', { text: [text] })];
  }
  return [];
}

function create(state: SandboxState, request: CreateRequest): SandboxHttpResponse {
  const brand = state.brand;
  const parent = request.replyTo === undefined ? undefined : state.posts.get(request.replyTo);
  if (request.replyTo !== undefined && !parent) {
    return problemResponse(
      403,
      forbidden('You attempted to reply to a Tweet that is deleted or not visible to you.'),
    );
  }
  // Self-serve tiers since 2026-02-23: a reply must be "summoned" (x-api/posts/manage-tweets/integrate.mdx).
  if (parent && !isSummoned(state, parent)) {
    return problemResponse(
      403,
      forbidden(
        `Reply to post ${parent.id} was rejected: its author did not @mention @${brand.username} or quote one of its posts, and self-serve apps may only reply to posts that summon them.`,
      ),
    );
  }
  if (request.quoteOf !== undefined && !state.posts.has(request.quoteOf)) {
    return problemResponse(
      403,
      forbidden('You attempted to quote a Tweet that is deleted or not visible to you.'),
    );
  }
  const duplicate = [...state.posts.values()].some(
    (post) => post.kind === 'brand' && !post.seed && post.text === request.text,
  );
  if (duplicate) {
    return jsonResponse(403, duplicateContent());
  }

  const { id, sortKey } = newPostId(state);
  addPost(state, {
    id,
    sortKey,
    kind: 'brand',
    text: request.text,
    authorId: brand.id,
    createdAt: state.now(),
    lang: null,
    conversationId: parent?.conversationId ?? id,
    inReplyToTweetId: parent?.id ?? null,
    inReplyToUserId: parent?.authorId ?? null,
    quotedTweetId: request.quoteOf ?? null,
    seed: false,
  });
  return jsonResponse(201, { data: { id, text: request.text, edit_history_tweet_ids: [id] } });
}

/** POST /2/tweets (createPosts). */
export const createPostEndpoint: Endpoint = {
  key: 'POST /2/tweets',
  method: 'POST',
  path: /^\/2\/tweets$/,
  allowsAppOnly: false,
  handle({ state, request }) {
    const body = parseJsonBody(request);
    if (!body.ok) {
      return badRequest([error(body.message)]);
    }
    const { request: parsed, errors } = readCreateRequest(body.value);
    if (!parsed) {
      return badRequest(errors);
    }
    const tooLong = lengthErrors(parsed.text);
    if (tooLong.length > 0) {
      return badRequest(tooLong);
    }
    return create(state, parsed);
  },
};
