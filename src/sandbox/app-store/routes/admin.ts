import { createAdminJson } from '../../shared/admin.js';
import {
  AdminLimits,
  AdminRawFeedEntry,
  AdminRawReview,
  AdminReview,
  AdminReviewEdit,
} from '../admin-schema.js';
import { appleDate } from '../dates.js';
import {
  jsonResponse,
  parseJsonBody,
  type SandboxHttpRequest,
  type SandboxHttpResponse,
} from '../http.js';
import type { HourlyLimiter } from '../rate-limit.js';
import {
  isRecord,
  newFeedId,
  newResourceId,
  nextSeq,
  parseDate,
  resetState,
  responseState,
  type SandboxState,
} from '../state.js';
import type { AppStoreRequestLog } from '../types.js';

export const ADMIN_PREFIX = '/__sandbox/appstore';

export interface AdminContext {
  state: SandboxState;
  limiter: HourlyLimiter;
  log: AppStoreRequestLog[];
}

const admin = createAdminJson({ jsonResponse, parseJsonBody });

function storeReview(state: SandboxState, body: AdminReview): SandboxHttpResponse {
  const now = state.now();
  const createdDate = body.createdDate === undefined ? now : Date.parse(body.createdDate);
  const id = newResourceId('0000002a');
  const feedId = newFeedId(state);
  state.reviews.set(id, {
    kind: 'review',
    id,
    feedId,
    seq: nextSeq(state),
    rating: body.rating,
    title: body.title,
    body: body.body,
    reviewerNickname: body.reviewerNickname,
    territory: body.territory,
    appVersion: body.appVersion ?? '1.0',
    createdDate,
    lastModified: createdDate,
  });
  return jsonResponse(201, { id, feedId });
}

function storeRaw(state: SandboxState, body: AdminRawReview): SandboxHttpResponse {
  const id = typeof body.raw.id === 'string' ? body.raw.id : null;
  const attributes = isRecord(body.raw.attributes) ? body.raw.attributes : {};
  state.rawApi.push({
    kind: 'raw-api',
    id,
    seq: nextSeq(state),
    resource: body.raw,
    sortDate: parseDate(attributes.createdDate) ?? state.now(),
  });
  return jsonResponse(201, { id });
}

function storeRawFeedEntry(state: SandboxState, body: AdminRawFeedEntry): SandboxHttpResponse {
  const updated = isRecord(body.rawFeedEntry.updated) ? body.rawFeedEntry.updated.label : undefined;
  const idLabel = isRecord(body.rawFeedEntry.id) ? body.rawFeedEntry.id.label : undefined;
  state.rawFeed.push({
    kind: 'raw-feed',
    seq: nextSeq(state),
    territory: body.territory,
    entry: body.rawFeedEntry,
    sortDate: parseDate(updated) ?? state.now(),
  });
  return jsonResponse(201, { id: typeof idLabel === 'string' ? idLabel : null });
}

function postReview(state: SandboxState, request: SandboxHttpRequest): SandboxHttpResponse {
  const body = parseJsonBody(request);
  if (!body.ok) {
    return admin.error(400, [body.message]);
  }
  if (isRecord(body.value) && 'raw' in body.value) {
    const raw = admin.check(body.value, AdminRawReview);
    return raw.ok ? storeRaw(state, raw.value) : raw.response;
  }
  if (isRecord(body.value) && 'rawFeedEntry' in body.value) {
    const raw = admin.check(body.value, AdminRawFeedEntry);
    return raw.ok ? storeRawFeedEntry(state, raw.value) : raw.response;
  }
  const review = admin.check(body.value, AdminReview);
  return review.ok ? storeReview(state, review.value) : review.response;
}

/** Edits keep the id and createdDate (as on the App Store) and move the feed's `updated`. */
function patchReview(
  state: SandboxState,
  id: string,
  request: SandboxHttpRequest,
): SandboxHttpResponse {
  const review = state.reviews.get(id);
  if (!review) {
    return admin.error(404, [`no review with id ${id}`]);
  }
  const edit = admin.parse(request, AdminReviewEdit);
  if (!edit.ok) {
    return edit.response;
  }
  const { lastModifiedDate, ...changes } = edit.value;
  Object.assign(review, changes, {
    lastModified: lastModifiedDate === undefined ? state.now() : Date.parse(lastModifiedDate),
  });
  return jsonResponse(200, { id, feedId: review.feedId });
}

function listReviews(state: SandboxState): SandboxHttpResponse {
  const reviews = [...state.reviews.values()]
    .sort((a, b) => b.createdDate - a.createdDate || b.seq - a.seq)
    .map((review) => ({
      id: review.id,
      feedId: review.feedId,
      rating: review.rating,
      title: review.title,
      body: review.body,
      reviewerNickname: review.reviewerNickname,
      territory: review.territory,
      appVersion: review.appVersion,
      createdDate: appleDate(review.createdDate),
      lastModifiedDate: appleDate(review.lastModified),
    }));
  return jsonResponse(200, { data: reviews });
}

function listResponses(state: SandboxState): SandboxHttpResponse {
  const now = state.now();
  const responses = [...state.responses.values()]
    .sort((a, b) => a.lastModifiedDate - b.lastModifiedDate)
    .map((response) => ({
      id: response.id,
      reviewId: response.reviewId,
      responseBody: response.responseBody,
      state: responseState(response, now),
      lastModifiedDate: appleDate(response.lastModifiedDate),
    }));
  return jsonResponse(200, { data: responses });
}

function limits(context: AdminContext): SandboxHttpResponse {
  return jsonResponse(200, {
    data: {
      hourlyLimit: context.limiter.limit(),
      remaining: context.limiter.remaining(),
      publishDelayMs: context.state.publishDelayMs,
    },
  });
}

/** Clears reviews, responses, rate-limit counters and the request log; limits stay as configured. */
export function resetSandbox(context: AdminContext): void {
  resetState(context.state);
  context.limiter.reset();
  context.log.length = 0;
}

/** Answers a request under {@link ADMIN_PREFIX}; no auth, JSON in and out. */
export function handleAdmin(
  context: AdminContext,
  request: SandboxHttpRequest,
): SandboxHttpResponse {
  const { state, limiter } = context;
  const path = request.url.pathname.slice(ADMIN_PREFIX.length);
  const edit = /^\/reviews\/([^/]+)$/.exec(path);
  if (request.method === 'PATCH' && edit?.[1]) {
    return patchReview(state, decodeURIComponent(edit[1]), request);
  }
  const route = `${request.method} ${path}`;
  switch (route) {
    case 'POST /reviews':
      return postReview(state, request);
    case 'GET /reviews':
      return listReviews(state);
    case 'GET /responses':
      return listResponses(state);
    case 'GET /limits':
      return limits(context);
    case 'POST /limits': {
      const parsed = admin.parse(request, AdminLimits);
      if (!parsed.ok) {
        return parsed.response;
      }
      if (parsed.value.hourlyLimit !== undefined) {
        limiter.setLimit(parsed.value.hourlyLimit);
      }
      if (parsed.value.publishDelayMs !== undefined) {
        state.publishDelayMs = parsed.value.publishDelayMs;
      }
      return limits(context);
    }
    case 'POST /reset':
      resetSandbox(context);
      return jsonResponse(200, { ok: true });
    case 'GET /requests':
      return jsonResponse(200, { data: context.log });
    default:
      return admin.error(404, [`No sandbox admin route ${route}`]);
  }
}
