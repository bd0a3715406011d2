import {
  attributeInvalid,
  attributeRequired,
  attributeUnknown,
  entityTypeInvalid,
  entityUnprocessable,
  relationshipInvalid,
  relationshipRequired,
  resourceNotFound,
} from '../errors.js';
import { jsonResponse, noContent, parseJsonBody, type SandboxHttpResponse } from '../http.js';
import {
  isRecord,
  newResourceId,
  responseForReview,
  reviewExists,
  type SandboxResponse,
} from '../state.js';
import { selfLink, type Endpoint, type EndpointInput } from './endpoint.js';
import { checkQuery, fieldSet, oneOrMoreOf, RESPONSE_FIELDS } from './params.js';
import { renderResponse } from './render.js';

const RESOURCE = 'customerReviewResponses';

interface CreateRequest {
  reviewId: string;
  responseBody: string;
}

/** Validates a CustomerReviewResponseV1CreateRequest, answering the first problem the way Apple would. */
function parseCreateRequest(
  input: EndpointInput,
): { ok: true; value: CreateRequest } | { ok: false; response: SandboxHttpResponse } {
  const body = parseJsonBody(input.request);
  if (!body.ok) {
    return { ok: false, response: entityUnprocessable(body.message) };
  }
  const data = isRecord(body.value) ? body.value.data : undefined;
  if (!isRecord(data)) {
    return { ok: false, response: entityUnprocessable('The request has no data object', '/data') };
  }
  if (data.type !== RESOURCE) {
    return { ok: false, response: entityTypeInvalid(RESOURCE, '/data/type') };
  }
  const attributes = isRecord(data.attributes) ? data.attributes : {};
  for (const name of Object.keys(attributes)) {
    if (name !== 'responseBody') {
      return { ok: false, response: attributeUnknown(RESOURCE, name) };
    }
  }
  const responseBody = attributes.responseBody;
  if (responseBody === undefined || responseBody === null) {
    return { ok: false, response: attributeRequired('responseBody') };
  }
  if (typeof responseBody !== 'string') {
    return {
      ok: false,
      response: attributeInvalid('responseBody', 'responseBody must be a string'),
    };
  }
  if (responseBody.trim() === '') {
    return {
      ok: false,
      response: attributeInvalid('responseBody', 'responseBody must not be empty'),
    };
  }
  const relationships = isRecord(data.relationships) ? data.relationships : {};
  const review = isRecord(relationships.review) ? relationships.review : undefined;
  const linkage = review && isRecord(review.data) ? review.data : undefined;
  if (!linkage) {
    return { ok: false, response: relationshipRequired('review') };
  }
  if (linkage.type !== 'customerReviews' || typeof linkage.id !== 'string') {
    return {
      ok: false,
      response: relationshipInvalid(
        'review',
        "The review relationship must be { type: 'customerReviews', id }",
      ),
    };
  }
  if (!reviewExists(input.state, linkage.id)) {
    return {
      ok: false,
      response: relationshipInvalid(
        'review',
        `customerReviews with id '${linkage.id}' cannot be found`,
      ),
    };
  }
  return { ok: true, value: { reviewId: linkage.id, responseBody } };
}

/**
 * POST /v1/customerReviewResponses: creates the review's response, or replaces the one it has (a review has at
 * most one). A new response is PENDING_PUBLISH until the sandbox's publish delay has passed.
 */
export const createResponseEndpoint: Endpoint = {
  method: 'POST',
  path: /^\/v1\/customerReviewResponses$/,
  handle(input) {
    const invalid = checkQuery(input.request.url, {});
    if (invalid) {
      return invalid;
    }
    const parsed = parseCreateRequest(input);
    if (!parsed.ok) {
      return parsed.response;
    }
    const { state, now } = input;
    const previous = responseForReview(state, parsed.value.reviewId);
    if (previous) {
      state.responses.delete(previous.id);
    }
    const response: SandboxResponse = {
      id: newResourceId('0000003c'),
      reviewId: parsed.value.reviewId,
      responseBody: parsed.value.responseBody,
      lastModifiedDate: now,
      publishAt: now + state.publishDelayMs,
    };
    state.responses.set(response.id, response);
    const self = `${input.origin}/v1/customerReviewResponses/${response.id}`;
    return {
      ...jsonResponse(201, {
        data: renderResponse(response, { state, origin: input.origin, now }),
        links: { self },
      }),
      headers: { location: self },
    };
  },
};

// `include=review` is not supported here (it is on GET /v1/customerReviews/{id}/response).
const READ_PARAMS = {
  'fields[customerReviewResponses]': oneOrMoreOf(RESPONSE_FIELDS),
};

/** GET /v1/customerReviewResponses/{id} */
export const readResponseEndpoint: Endpoint = {
  method: 'GET',
  path: /^\/v1\/customerReviewResponses\/([^/]+)$/,
  handle(input) {
    const invalid = checkQuery(input.request.url, READ_PARAMS);
    if (invalid) {
      return invalid;
    }
    const id = decodeURIComponent(input.params[0] ?? '');
    const response = input.state.responses.get(id);
    if (!response) {
      return resourceNotFound(RESOURCE, id);
    }
    const responseFields = fieldSet(input.request.url, 'fields[customerReviewResponses]');
    return jsonResponse(200, {
      data: renderResponse(response, {
        state: input.state,
        origin: input.origin,
        now: input.now,
        ...(responseFields ? { responseFields } : {}),
      }),
      links: { self: selfLink(input) },
    });
  },
};

/** DELETE /v1/customerReviewResponses/{id}: 204, the review has no response afterwards. */
export const deleteResponseEndpoint: Endpoint = {
  method: 'DELETE',
  path: /^\/v1\/customerReviewResponses\/([^/]+)$/,
  handle(input) {
    const invalid = checkQuery(input.request.url, {});
    if (invalid) {
      return invalid;
    }
    const id = decodeURIComponent(input.params[0] ?? '');
    if (!input.state.responses.delete(id)) {
      return resourceNotFound(RESOURCE, id);
    }
    return noContent();
  },
};
