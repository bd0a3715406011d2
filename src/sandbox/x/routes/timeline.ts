import {
  MEDIA_FIELDS,
  PLACE_FIELDS,
  POLL_FIELDS,
  TWEET_EXPANSIONS,
  TWEET_FIELDS,
  USER_FIELDS,
} from '../fields.js';
import { jsonResponse, problemResponse, type SandboxHttpResponse } from '../http.js';
import { decodePageToken, type Page, type PageToken } from '../paging.js';
import type { QueryReader } from '../params.js';
import { invalidParameter, invalidRequest, type InvalidParameter } from '../problems.js';
import { renderPosts, type RenderOptions } from '../render.js';
import type { SandboxState } from '../state.js';

/** Field and expansion parameters shared by every post-returning operation; post.fields is the 2.167 name. */
export const POST_FIELD_PARAMS = [
  'tweet.fields',
  'post.fields',
  'expansions',
  'media.fields',
  'poll.fields',
  'user.fields',
  'place.fields',
] as const;

export function readRenderOptions(reader: QueryReader): RenderOptions {
  reader.list(['media.fields'], MEDIA_FIELDS);
  reader.list(['poll.fields'], POLL_FIELDS);
  reader.list(['place.fields'], PLACE_FIELDS);
  return {
    tweetFields: reader.list(['tweet.fields', 'post.fields'], TWEET_FIELDS),
    userFields: reader.list(['user.fields'], USER_FIELDS),
    expansions: reader.list(['expansions'], TWEET_EXPANSIONS),
  };
}

export function readPageToken(
  reader: QueryReader,
  names: readonly string[],
): PageToken | undefined {
  for (const name of names) {
    const value = reader.string(name);
    if (value === undefined) {
      continue;
    }
    const token = decodePageToken(value);
    if (!token) {
      reader.errors.push(
        invalidParameter(
          name,
          value,
          `The \`${name}\` query parameter value [${value}] is not valid`,
        ),
      );
    }
    return token;
  }
  return undefined;
}

export function badRequest(errors: InvalidParameter[]): SandboxHttpResponse {
  return problemResponse(400, invalidRequest(errors));
}

/** A timeline or search page. `meta` is always present: twitter-api-v2 reads it unguarded (§0.3). */
export function pageResponse(
  state: SandboxState,
  page: Page,
  options: RenderOptions,
  withPreviousToken: boolean,
): SandboxHttpResponse {
  const rendered = renderPosts(state, page.posts, options);
  const first = page.posts[0];
  const last = page.posts[page.posts.length - 1];
  const meta: Record<string, unknown> = { result_count: page.posts.length };
  if (first && last) {
    meta.newest_id = first.id;
    meta.oldest_id = last.id;
  }
  if (page.nextToken) {
    meta.next_token = page.nextToken;
  }
  if (withPreviousToken && page.previousToken) {
    meta.previous_token = page.previousToken;
  }
  return jsonResponse(200, { ...rendered, meta });
}
