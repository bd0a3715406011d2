import { TransientNetworkError } from '../../errors.js';
import {
  appStoreError,
  createAppStoreConnectHttp,
  type AppleTokens,
  type FetchLike,
} from '../../sources/app-store/client.js';
import {
  AscReviewResponseDocument,
  type AscResponseState,
} from '../../sources/app-store/schema.js';
import type { PublicReplyResponder } from '../types.js';

/** Where a review's response stands: Apple publishes responses some time after they are sent. */
export interface AppStoreResponseState {
  /** The customerReviewResponses id. */
  id: string;
  state: AscResponseState | null;
  responseBody: string | null;
  /** ISO 8601, normalised to UTC. */
  lastModifiedDate: string | null;
}

/**
 * The public reply on the App Store, plus a read of a review's response so the state
 * PENDING_PUBLISH → PUBLISHED can be tracked.
 *
 * @example
 * const { platformId } = await appStore.reply({ inReplyToId: '00000028-b08c-0014-729e-fbd500000000', text: 'Thanks, Sam…' });
 * await appStore.getResponseState('00000028-b08c-0014-729e-fbd500000000'); // { id: platformId, state: 'PENDING_PUBLISH', … }
 */
export interface AppStoreResponder extends PublicReplyResponder {
  /** The review's current response, or null when it has none. */
  getResponseState(reviewId: string): Promise<AppStoreResponseState | null>;
}

function stateOf(body: unknown, what: string): AppStoreResponseState {
  const parsed = AscReviewResponseDocument.safeParse(body);
  if (!parsed.success) {
    throw new TransientNetworkError(`App Store Connect sent an unreadable response to ${what}`);
  }
  const { data } = parsed.data;
  const modified = data.attributes?.lastModifiedDate;
  return {
    id: data.id,
    state: data.attributes?.state ?? null,
    responseBody: data.attributes?.responseBody ?? null,
    lastModifiedDate: modified === undefined ? null : new Date(modified).toISOString(),
  };
}

/**
 * Answers a customer review: POST /v1/customerReviewResponses. A review has at most one response and a new one
 * replaces it, so a retried send replaces rather than duplicates; `findReply` reads the review's response.
 * Errors: 401/403 → PlatformAuthError, 429 → PlatformRateLimited, 404/409/422 → PolicyBlocked with Apple's
 * detail, 5xx or network → TransientNetworkError.
 */
export function createAppStoreResponder(deps: {
  /** Default https://api.appstoreconnect.apple.com. */
  baseUrl?: string;
  tokens: AppleTokens;
  fetch?: FetchLike;
  now: () => number;
}): AppStoreResponder {
  const http = createAppStoreConnectHttp({
    ...(deps.baseUrl !== undefined ? { baseUrl: deps.baseUrl } : {}),
    tokens: deps.tokens,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const getResponseState = async (reviewId: string): Promise<AppStoreResponseState | null> => {
    const result = await http.request(
      'GET',
      `/v1/customerReviews/${encodeURIComponent(reviewId)}/response`,
    );
    if (result.status === 404) {
      return null;
    }
    if (result.status !== 200) {
      throw appStoreError(result, deps.now(), `read the response to review ${reviewId}`);
    }
    return stateOf(result.body, `review ${reviewId}`);
  };
  return {
    platform: 'app-store',
    replyReplaces: true,
    async reply({ inReplyToId, text }) {
      const result = await http.request('POST', '/v1/customerReviewResponses', {
        body: {
          data: {
            type: 'customerReviewResponses',
            attributes: { responseBody: text },
            relationships: { review: { data: { type: 'customerReviews', id: inReplyToId } } },
          },
        },
      });
      if (result.status !== 201 && result.status !== 200) {
        throw appStoreError(result, deps.now(), `respond to review ${inReplyToId}`);
      }
      return { platformId: stateOf(result.body, 'a new review response').id };
    },
    getResponseState,
    async findReply({ inReplyToId }) {
      const response = await getResponseState(inReplyToId);
      return response === null
        ? null
        : {
            platformId: response.id,
            text: response.responseBody ?? '',
            at: response.lastModifiedDate === null ? null : new Date(response.lastModifiedDate),
          };
    },
  };
}
