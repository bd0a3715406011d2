import { TERRITORY_CODES } from '../../../sources/app-store/territories.js';
import { errorResponse, resourceNotFound } from '../errors.js';
import { jsonResponse, type SandboxHttpResponse } from '../http.js';
import {
  isRecord,
  responseForReview,
  responseState,
  type RawApiReview,
  type SandboxReview,
  type SandboxState,
} from '../state.js';
import { selfLink, type Endpoint, type EndpointInput } from './endpoint.js';
import {
  checkQuery,
  fieldSet,
  listOf,
  oneOrMoreOf,
  RESPONSE_FIELDS,
  REVIEW_FIELDS,
  type ParamCheck,
} from './params.js';
import { renderRawReview, renderResponse, renderReview, type RenderContext } from './render.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

const SORTS = ['createdDate', '-createdDate', 'rating', '-rating'] as const;
type Sort = (typeof SORTS)[number];

const unsupported: ParamCheck = (_value, name) => `${name} is not supported by the sandbox`;

function limitCheck(value: string): string | undefined {
  const limit = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    return `'${value}' is not a valid value for limit: it must be an integer from 1 to ${MAX_PAGE_LIMIT}`;
  }
  return undefined;
}

function isSort(value: string): value is Sort {
  return SORTS.some((sort) => sort === value);
}

function sortCheck(value: string): string | undefined {
  if (listOf(value).length > 1) {
    return 'Only one sort parameter is supported at a time';
  }
  return isSort(value)
    ? undefined
    : `'${value}' is not a valid sort; expected one of ${SORTS.join(', ')}`;
}

function booleanCheck(value: string): string | undefined {
  return value === 'true' || value === 'false' ? undefined : `'${value}' is not a boolean`;
}

/**
 * Page positions travel in an opaque `cursor`, like Apple's (`cursor=AQ.AMt2C-U`). It encodes an offset, so
 * reviews arriving between two page requests shift later pages: clients must dedupe.
 */
export function encodeCursor(offset: number): string {
  return `AQ.${Buffer.from(`o${offset}`).toString('base64url')}`;
}

export function decodeCursor(cursor: string): number | undefined {
  const match = /^AQ\.([A-Za-z0-9_-]+)$/.exec(cursor);
  if (!match?.[1]) {
    return undefined;
  }
  const decoded = /^o(\d{1,9})$/.exec(Buffer.from(match[1], 'base64url').toString('utf8'));
  return decoded?.[1] === undefined ? undefined : Number(decoded[1]);
}

function cursorCheck(value: string): string | undefined {
  return decodeCursor(value) === undefined ? `'${value}' is not a valid cursor` : undefined;
}

const LIST_PARAMS: Record<string, ParamCheck> = {
  'filter[territory]': oneOrMoreOf(TERRITORY_CODES),
  'filter[rating]': oneOrMoreOf(['1', '2', '3', '4', '5']),
  'filter[reviewTerritory]': oneOrMoreOf(TERRITORY_CODES),
  'exists[publishedResponse]': booleanCheck,
  sort: sortCheck,
  'fields[customerReviews]': oneOrMoreOf(REVIEW_FIELDS),
  'fields[customerReviewResponses]': oneOrMoreOf(RESPONSE_FIELDS),
  'fields[territories]': unsupported,
  limit: limitCheck,
  include: oneOrMoreOf(['response']),
  cursor: cursorCheck,
};

type Listed = { kind: 'review'; review: SandboxReview } | { kind: 'raw'; raw: RawApiReview };

interface ListKeys {
  id: string | null;
  date: number;
  rating: number;
  territory: unknown;
  seq: number;
}

function keysOf(item: Listed): ListKeys {
  if (item.kind === 'review') {
    const { review } = item;
    return {
      id: review.id,
      date: review.createdDate,
      rating: review.rating,
      territory: review.territory,
      seq: review.seq,
    };
  }
  const attributes = isRecord(item.raw.resource.attributes) ? item.raw.resource.attributes : {};
  return {
    id: item.raw.id,
    date: item.raw.sortDate,
    rating: typeof attributes.rating === 'number' ? attributes.rating : 0,
    territory: attributes.territory,
    seq: item.raw.seq,
  };
}

function compare(sort: Sort, a: ListKeys, b: ListKeys): number {
  const byDateDesc = b.date - a.date || b.seq - a.seq;
  switch (sort) {
    case 'createdDate':
      return a.date - b.date || a.seq - b.seq;
    case '-createdDate':
      return byDateDesc;
    case 'rating':
      return a.rating - b.rating || byDateDesc;
    case '-rating':
      return b.rating - a.rating || byDateDesc;
  }
}

function matchesFilters(state: SandboxState, url: URL, keys: ListKeys, now: number): boolean {
  const territories = url.searchParams.get('filter[territory]');
  if (territories !== null && !listOf(territories).includes(String(keys.territory))) {
    return false;
  }
  const reviewTerritories = url.searchParams.get('filter[reviewTerritory]');
  if (reviewTerritories !== null && !listOf(reviewTerritories).includes(String(keys.territory))) {
    return false;
  }
  const ratings = url.searchParams.get('filter[rating]');
  if (ratings !== null && !listOf(ratings).includes(String(keys.rating))) {
    return false;
  }
  const published = url.searchParams.get('exists[publishedResponse]');
  if (published !== null) {
    const response = keys.id === null ? undefined : responseForReview(state, keys.id);
    const isPublished = response !== undefined && responseState(response, now) === 'PUBLISHED';
    if (isPublished !== (published === 'true')) {
      return false;
    }
  }
  return true;
}

function nextLink(input: EndpointInput, offset: number): string {
  const next = new URL(`${input.origin}${input.request.url.pathname}`);
  next.searchParams.set('cursor', encodeCursor(offset));
  for (const [name, value] of input.request.url.searchParams) {
    if (name !== 'cursor') {
      next.searchParams.append(name, value);
    }
  }
  return next.toString();
}

function renderContext(input: EndpointInput): RenderContext {
  const url = input.request.url;
  const reviewFields = fieldSet(url, 'fields[customerReviews]');
  const responseFields = fieldSet(url, 'fields[customerReviewResponses]');
  return {
    state: input.state,
    origin: input.origin,
    now: input.now,
    ...(reviewFields ? { reviewFields } : {}),
    ...(responseFields ? { responseFields } : {}),
  };
}

function includesResponse(url: URL): boolean {
  return listOf(url.searchParams.get('include') ?? '').includes('response');
}

/** GET /v1/apps/{id}/customerReviews */
export const listReviewsEndpoint: Endpoint = {
  method: 'GET',
  path: /^\/v1\/apps\/([^/]+)\/customerReviews$/,
  handle(input) {
    const { state, request, now } = input;
    const url = request.url;
    const invalid = checkQuery(url, LIST_PARAMS);
    if (invalid) {
      return invalid;
    }
    const appId = input.params[0] ?? '';
    if (appId !== state.appId) {
      return resourceNotFound('apps', appId);
    }
    const requested = url.searchParams.get('sort') ?? '-createdDate';
    const sort: Sort = isSort(requested) ? requested : '-createdDate';
    const limit = Number(url.searchParams.get('limit') ?? DEFAULT_PAGE_LIMIT);
    const offset = decodeCursor(url.searchParams.get('cursor') ?? 'AQ.bzA') ?? 0;

    const items: Listed[] = [
      ...[...state.reviews.values()].map((review) => ({ kind: 'review' as const, review })),
      ...state.rawApi.map((raw) => ({ kind: 'raw' as const, raw })),
    ];
    const listed = items
      .map((item) => ({ item, keys: keysOf(item) }))
      .filter(({ keys }) => matchesFilters(state, url, keys, now))
      .sort((a, b) => compare(sort, a.keys, b.keys));
    const page = listed.slice(offset, offset + limit);

    const context = renderContext(input);
    const withResponses = includesResponse(url);
    const data = page.map(({ item }) => renderListed(item, context, withResponses));
    const included: Record<string, unknown>[] = [];
    if (withResponses) {
      for (const { keys } of page) {
        const response = keys.id === null ? undefined : responseForReview(state, keys.id);
        if (response) {
          included.push(renderResponse(response, context));
        }
      }
    }
    const links: Record<string, string> = { self: selfLink(input) };
    if (offset + limit < listed.length) {
      links.next = nextLink(input, offset + limit);
    }
    return jsonResponse(200, {
      data,
      ...(included.length > 0 ? { included } : {}),
      links,
      meta: { paging: { total: listed.length, limit } },
    });
  },
};

const ONE_REVIEW_PARAMS: Record<string, ParamCheck> = {
  'fields[customerReviews]': oneOrMoreOf(REVIEW_FIELDS),
  'fields[customerReviewResponses]': oneOrMoreOf(RESPONSE_FIELDS),
  include: oneOrMoreOf(['response']),
};

function findReview(state: SandboxState, id: string): Listed | undefined {
  const review = state.reviews.get(id);
  if (review) {
    return { kind: 'review', review };
  }
  const raw = state.rawApi.find((candidate) => candidate.id === id);
  return raw ? { kind: 'raw', raw } : undefined;
}

function renderListed(
  item: Listed,
  context: RenderContext,
  linkResponse: boolean,
): Record<string, unknown> {
  return item.kind === 'review'
    ? renderReview(item.review, context, linkResponse)
    : renderRawReview(item.raw);
}

/** GET /v1/customerReviews/{id} */
export const readReviewEndpoint: Endpoint = {
  method: 'GET',
  path: /^\/v1\/customerReviews\/([^/]+)$/,
  handle(input) {
    const invalid = checkQuery(input.request.url, ONE_REVIEW_PARAMS);
    if (invalid) {
      return invalid;
    }
    const id = decodeURIComponent(input.params[0] ?? '');
    const found = findReview(input.state, id);
    if (!found) {
      return resourceNotFound('customerReviews', id);
    }
    const context = renderContext(input);
    const withResponse = includesResponse(input.request.url);
    const data = renderListed(found, context, withResponse);
    const response = withResponse ? responseForReview(input.state, id) : undefined;
    return jsonResponse(200, {
      data,
      ...(response ? { included: [renderResponse(response, context)] } : {}),
      links: { self: selfLink(input) },
    });
  },
};

const REVIEW_RESPONSE_PARAMS: Record<string, ParamCheck> = {
  'fields[customerReviewResponses]': oneOrMoreOf(RESPONSE_FIELDS),
  'fields[customerReviews]': oneOrMoreOf(REVIEW_FIELDS),
  include: oneOrMoreOf(['review']),
};

/** GET /v1/customerReviews/{id}/response: 404 while the review has no response. */
export const reviewResponseEndpoint: Endpoint = {
  method: 'GET',
  path: /^\/v1\/customerReviews\/([^/]+)\/response$/,
  handle(input): SandboxHttpResponse {
    const invalid = checkQuery(input.request.url, REVIEW_RESPONSE_PARAMS);
    if (invalid) {
      return invalid;
    }
    const id = decodeURIComponent(input.params[0] ?? '');
    const found = findReview(input.state, id);
    if (!found) {
      return resourceNotFound('customerReviews', id);
    }
    const response = responseForReview(input.state, id);
    if (!response) {
      return errorResponse(404, {
        code: 'NOT_FOUND',
        title: 'The specified resource does not exist',
        detail: `There is no resource of type 'customerReviewResponses' related to the customerReviews with id '${id}'`,
      });
    }
    const context = renderContext(input);
    const withReview = listOf(input.request.url.searchParams.get('include') ?? '').includes(
      'review',
    );
    let included: Record<string, unknown>[] | undefined;
    if (withReview) {
      included = [renderListed(found, context, true)];
    }
    return jsonResponse(200, {
      data: renderResponse(response, context),
      ...(included ? { included } : {}),
      links: { self: selfLink(input) },
    });
  },
};
