import { paginate } from '../paging.js';
import { createQueryReader } from '../params.js';
import { invalidParameter } from '../problems.js';
import { matchesSearchQuery, queryNamesAuthor, type SearchablePost } from '../search-match.js';
import { parseSearchQuery, SearchQueryError, type SearchNode } from '../search-query.js';
import { newestFirst, type SandboxPost, type SandboxState } from '../state.js';
import type { Endpoint } from './endpoint.js';
import {
  badRequest,
  pageResponse,
  POST_FIELD_PARAMS,
  readPageToken,
  readRenderOptions,
} from './timeline.js';

const SEVEN_DAYS_MS = 7 * 86_400_000;
/** X refuses an end_time closer than 10 seconds to the request time. */
const END_TIME_LAG_MS = 10_000;

const PARAMS = [
  'query',
  'start_time',
  'end_time',
  'since_id',
  'until_id',
  'max_results',
  'next_token',
  'pagination_token',
  'sort_order',
  ...POST_FIELD_PARAMS,
];

function searchable(state: SandboxState, post: SandboxPost): SearchablePost {
  const author = state.users.get(post.authorId);
  const parent = post.inReplyToUserId === null ? undefined : state.users.get(post.inReplyToUserId);
  return {
    text: post.text,
    authorId: post.authorId,
    authorUsername: author?.username ?? '',
    authorVerified: author?.verified ?? false,
    inReplyToUserId: post.inReplyToUserId,
    inReplyToUsername: parent?.username ?? null,
    lang: post.lang,
    isReply: post.inReplyToTweetId !== null,
    isQuote: post.quotedTweetId !== null,
    isRetweet: /^RT @/.test(post.text),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** GET /2/tweets/search/recent (searchPostsRecent). */
export const searchEndpoint: Endpoint = {
  key: 'GET /2/tweets/search/recent',
  method: 'GET',
  path: /^\/2\/tweets\/search\/recent$/,
  allowsAppOnly: true,
  handle({ state, request, now }) {
    const reader = createQueryReader(request.url.searchParams, PARAMS);
    const query = reader.string('query');
    let tree: SearchNode | undefined;
    if (query === undefined || query === '') {
      reader.errors.push({
        parameters: { query: [] },
        message: 'The `query` query parameter can not be empty',
      });
    } else {
      try {
        tree = parseSearchQuery(query);
      } catch (error) {
        if (!(error instanceof SearchQueryError)) {
          throw error;
        }
        reader.errors.push(
          invalidParameter(
            'query',
            query,
            `There were errors processing your request: ${error.message}`,
          ),
        );
      }
    }
    const sinceId = reader.id('since_id');
    const untilId = reader.id('until_id');
    const startTime = reader.dateTime('start_time');
    const endTime = reader.dateTime('end_time');
    const maxResults = reader.int('max_results', 10, 100) ?? 10;
    const sortOrder = reader.string('sort_order');
    if (sortOrder !== undefined && sortOrder !== 'recency' && sortOrder !== 'relevancy') {
      reader.errors.push(
        invalidParameter(
          'sort_order',
          sortOrder,
          `The \`sort_order\` query parameter value [${sortOrder}] is not one of [recency,relevancy]`,
        ),
      );
    }
    const token = readPageToken(reader, ['next_token', 'pagination_token']);
    const options = readRenderOptions(reader);

    const oldestAllowed = now - SEVEN_DAYS_MS;
    if (startTime !== undefined && startTime < oldestAllowed) {
      reader.errors.push(
        invalidParameter(
          'start_time',
          iso(startTime),
          `Invalid 'start_time':'${iso(startTime)}'. 'start_time' must be on or after ${iso(oldestAllowed)}`,
        ),
      );
    }
    if (endTime !== undefined && endTime > now - END_TIME_LAG_MS) {
      reader.errors.push(
        invalidParameter(
          'end_time',
          iso(endTime),
          `Invalid 'end_time':'${iso(endTime)}'. 'end_time' must be a minimum of 10 seconds prior to the request time.`,
        ),
      );
    }
    if (startTime !== undefined && endTime !== undefined && startTime >= endTime) {
      reader.errors.push(
        invalidParameter(
          'start_time',
          iso(startTime),
          `Invalid 'start_time':'${iso(startTime)}'. 'start_time' must be before 'end_time':'${iso(endTime)}'`,
        ),
      );
    }
    if (reader.errors.length > 0 || !tree) {
      return badRequest(reader.errors);
    }

    const parsedQuery = tree;
    const includeBrand = queryNamesAuthor(
      parsedQuery,
      state.brand.username.toLowerCase(),
      state.brand.id,
    );
    const from = Math.max(startTime ?? oldestAllowed, oldestAllowed);
    const candidates = newestFirst(state.posts.values()).filter((post) => {
      if (post.kind === 'raw' || (post.kind === 'brand' && !includeBrand)) {
        return false;
      }
      if (post.createdAt < from || (endTime !== undefined && post.createdAt >= endTime)) {
        return false;
      }
      if (sinceId !== undefined && post.sortKey <= BigInt(sinceId)) {
        return false;
      }
      if (untilId !== undefined && post.sortKey >= BigInt(untilId)) {
        return false;
      }
      return matchesSearchQuery(parsedQuery, searchable(state, post));
    });
    return pageResponse(state, paginate(candidates, maxResults, token), options, false);
  },
};
