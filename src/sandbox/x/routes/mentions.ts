import { isXId } from '../ids.js';
import { paginate } from '../paging.js';
import { createQueryReader, notAnXId } from '../params.js';
import { newestFirst, type SandboxPost } from '../state.js';
import type { Endpoint } from './endpoint.js';
import {
  badRequest,
  pageResponse,
  POST_FIELD_PARAMS,
  readPageToken,
  readRenderOptions,
} from './timeline.js';

/** X serves at most the 800 most recent mentions through pagination. */
export const MENTIONS_REACH = 800;

const PARAMS = [
  'since_id',
  'until_id',
  'max_results',
  'pagination_token',
  'start_time',
  'end_time',
  ...POST_FIELD_PARAMS,
];

function inWindow(
  post: SandboxPost,
  bounds: { sinceId?: string; untilId?: string; startTime?: number; endTime?: number },
): boolean {
  // since_id/until_id take precedence over start_time/end_time (spec getUsersMentions).
  if (bounds.sinceId !== undefined) {
    if (post.sortKey <= BigInt(bounds.sinceId)) {
      return false;
    }
  } else if (bounds.startTime !== undefined && post.createdAt < bounds.startTime) {
    return false;
  }
  if (bounds.untilId !== undefined) {
    return post.sortKey < BigInt(bounds.untilId);
  }
  return bounds.endTime === undefined || post.createdAt <= bounds.endTime;
}

/** GET /2/users/:id/mentions (getUsersMentions). */
export const mentionsEndpoint: Endpoint = {
  key: 'GET /2/users/:id/mentions',
  method: 'GET',
  path: /^\/2\/users\/([^/]+)\/mentions$/,
  allowsAppOnly: true,
  handle({ state, request, params }) {
    const reader = createQueryReader(request.url.searchParams, PARAMS);
    const userId = params[0] ?? '';
    if (!isXId(userId)) {
      reader.errors.push(notAnXId('id', userId, 'path'));
    }
    const bounds = {
      sinceId: reader.id('since_id'),
      untilId: reader.id('until_id'),
      startTime: reader.dateTime('start_time'),
      endTime: reader.dateTime('end_time'),
    };
    const maxResults = reader.int('max_results', 5, 100) ?? 10;
    const token = readPageToken(reader, ['pagination_token']);
    const options = readRenderOptions(reader);
    if (reader.errors.length > 0) {
      return badRequest(reader.errors);
    }

    // Only the brand account receives mentions in the sandbox; any other user has an empty timeline.
    const reachable =
      userId === state.brand.id
        ? newestFirst(state.posts.values())
            .filter((post) => post.kind === 'mention' || post.kind === 'raw')
            .slice(0, MENTIONS_REACH)
        : [];
    const candidates = reachable.filter((post) => inWindow(post, bounds));
    return pageResponse(state, paginate(candidates, maxResults, token), options, true);
  },
};
