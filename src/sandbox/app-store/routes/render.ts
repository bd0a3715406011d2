import { appleDate } from '../dates.js';
import {
  responseForReview,
  responseState,
  type RawApiReview,
  type SandboxResponse,
  type SandboxReview,
  type SandboxState,
} from '../state.js';

export interface RenderContext {
  state: SandboxState;
  origin: string;
  now: number;
  /** `fields[customerReviews]`; undefined renders every field. */
  reviewFields?: Set<string>;
  /** `fields[customerReviewResponses]`; undefined renders every field. */
  responseFields?: Set<string>;
}

function wants(fields: Set<string> | undefined, name: string): boolean {
  return fields === undefined || fields.has(name);
}

/** A customerReviews resource (spec `CustomerReview`). `linkResponse` adds relationships.response.data. */
export function renderReview(
  review: SandboxReview,
  context: RenderContext,
  linkResponse: boolean,
): Record<string, unknown> {
  const { origin, reviewFields } = context;
  const attributes: Record<string, unknown> = {};
  const values: Record<string, unknown> = {
    rating: review.rating,
    title: review.title,
    body: review.body,
    reviewerNickname: review.reviewerNickname,
    createdDate: appleDate(review.createdDate),
    territory: review.territory,
  };
  for (const [name, value] of Object.entries(values)) {
    if (wants(reviewFields, name)) {
      attributes[name] = value;
    }
  }
  const resource: Record<string, unknown> = { type: 'customerReviews', id: review.id };
  if (Object.keys(attributes).length > 0) {
    resource.attributes = attributes;
  }
  if (wants(reviewFields, 'response')) {
    const response: Record<string, unknown> = {
      links: {
        self: `${origin}/v1/customerReviews/${review.id}/relationships/response`,
        related: `${origin}/v1/customerReviews/${review.id}/response`,
      },
    };
    const existing = linkResponse ? responseForReview(context.state, review.id) : undefined;
    if (existing) {
      response.data = { type: 'customerReviewResponses', id: existing.id };
    }
    resource.relationships = { response };
  }
  resource.links = { self: `${origin}/v1/customerReviews/${review.id}` };
  return resource;
}

/** A raw review is served as stored, with `type` added when absent so it still looks like a resource. */
export function renderRawReview(raw: RawApiReview): Record<string, unknown> {
  return { type: 'customerReviews', ...raw.resource };
}

/** A customerReviewResponses resource (spec `CustomerReviewResponseV1`). */
export function renderResponse(
  response: SandboxResponse,
  context: RenderContext,
): Record<string, unknown> {
  const { origin, now, responseFields } = context;
  const attributes: Record<string, unknown> = {};
  const values: Record<string, unknown> = {
    responseBody: response.responseBody,
    lastModifiedDate: appleDate(response.lastModifiedDate),
    state: responseState(response, now),
  };
  for (const [name, value] of Object.entries(values)) {
    if (wants(responseFields, name)) {
      attributes[name] = value;
    }
  }
  const resource: Record<string, unknown> = { type: 'customerReviewResponses', id: response.id };
  if (Object.keys(attributes).length > 0) {
    resource.attributes = attributes;
  }
  if (wants(responseFields, 'review')) {
    resource.relationships = {
      review: { data: { type: 'customerReviews', id: response.reviewId } },
    };
  }
  resource.links = { self: `${origin}/v1/customerReviewResponses/${response.id}` };
  return resource;
}
