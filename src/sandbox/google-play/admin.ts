import { importSPKI, type CryptoKey } from 'jose';

import { createAdminJson, hasKey } from '../shared/admin.js';
import {
  jsonResponse,
  parseJsonBody,
  type SandboxHttpRequest,
  type SandboxHttpResponse,
} from '../shared/http.js';
import {
  AdminLimits,
  AdminRawReview,
  AdminReview,
  AdminReviewEdit,
  AdminServiceAccount,
} from './admin-schema.js';
import type { PlayQuota } from './quota.js';
import { renderReview } from './render.js';
import {
  after,
  msToNanos,
  newestFirst,
  newReviewId,
  rawLastModified,
  resetState,
  timestamp,
  type PlayState,
  type UserCommentFields,
} from './state.js';
import type { PlayRequestLog } from './types.js';

export const ADMIN_PREFIX = '/__sandbox/play';

export interface AdminContext {
  state: PlayState;
  quota: PlayQuota;
  log: PlayRequestLog[];
  now: () => number;
}

const admin = createAdminJson({ jsonResponse, parseJsonBody });

function storeReview(context: AdminContext, body: AdminReview): SandboxHttpResponse {
  const now = context.now();
  if (body.lastModified !== undefined && Date.parse(body.lastModified) > now) {
    return admin.error(400, ['lastModified: must not be later than the sandbox clock']);
  }
  const reviewId = newReviewId(context.state);
  const comment: UserCommentFields = {
    body: body.text,
    starRating: body.starRating,
    reviewerLanguage: body.reviewerLanguage ?? 'en',
    thumbsUpCount: body.thumbsUpCount ?? 0,
    thumbsDownCount: body.thumbsDownCount ?? 0,
  };
  const optional = {
    title: body.title,
    appVersionName: body.appVersionName,
    appVersionCode: body.appVersionCode,
    device: body.device,
    androidOsVersion: body.androidOsVersion,
    deviceMetadata: body.deviceMetadata,
  };
  Object.assign(comment, withoutUndefined(optional));
  context.state.reviews.set(reviewId, {
    kind: 'review',
    reviewId,
    authorName: body.authorName,
    comment,
    lastModifiedNs: msToNanos(
      body.lastModified === undefined ? now : Date.parse(body.lastModified),
    ),
  });
  return jsonResponse(201, { id: reviewId });
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) {
      out[key as keyof T] = field as T[keyof T];
    }
  }
  return out;
}

function storeRaw(context: AdminContext, body: AdminRawReview): SandboxHttpResponse {
  const given = body.raw.reviewId;
  const reviewId = typeof given === 'string' && given !== '' ? given : newReviewId(context.state);
  context.state.reviews.set(reviewId, {
    kind: 'raw',
    reviewId,
    raw: body.raw,
    lastModifiedNs: rawLastModified(body.raw) ?? msToNanos(context.now()),
  });
  return jsonResponse(201, { id: reviewId });
}

/** A new text, title or star rating is an edit by the reviewer: lastModified moves to the sandbox clock. */
function editReview(
  context: AdminContext,
  reviewId: string,
  edit: AdminReviewEdit,
): SandboxHttpResponse {
  const review = context.state.reviews.get(reviewId);
  if (review === undefined) {
    return admin.error(404, [`No review with id ${reviewId}`]);
  }
  if (review.kind === 'raw') {
    return admin.error(400, [`Review ${reviewId} was injected raw and cannot be edited`]);
  }
  const { authorName, text, ...rest } = edit;
  if (authorName !== undefined) {
    review.authorName = authorName;
  }
  if (text !== undefined) {
    review.comment.body = text;
  }
  Object.assign(review.comment, withoutUndefined(rest));
  if (text !== undefined || edit.title !== undefined || edit.starRating !== undefined) {
    review.lastModifiedNs = after(review.lastModifiedNs, msToNanos(context.now()));
  }
  return jsonResponse(200, { id: reviewId, lastModified: timestamp(review.lastModifiedNs) });
}

function listReplies(state: PlayState): SandboxHttpResponse {
  const replies = [...state.replies.values()]
    .sort((a, b) => {
      if (a.lastEditedNs === b.lastEditedNs) {
        return 0;
      }
      return a.lastEditedNs < b.lastEditedNs ? -1 : 1;
    })
    .map((reply) => ({
      reviewId: reply.reviewId,
      replyText: reply.text,
      lastEdited: timestamp(reply.lastEditedNs),
    }));
  return jsonResponse(200, { data: replies });
}

async function registerAccount(
  state: PlayState,
  body: AdminServiceAccount,
): Promise<SandboxHttpResponse> {
  let publicKey: CryptoKey;
  try {
    publicKey = await importSPKI(body.public_key, 'RS256');
  } catch (error) {
    return admin.error(400, [`public_key: not an RSA public key (${(error as Error).message})`]);
  }
  state.accounts.set(body.private_key_id, {
    clientEmail: body.client_email,
    privateKeyId: body.private_key_id,
    publicKey,
  });
  return jsonResponse(201, {
    client_email: body.client_email,
    private_key_id: body.private_key_id,
  });
}

const REVIEW_PATH = /^\/reviews\/([^/]+)$/;

/** Clears reviews, replies, quota counters and the request log; service accounts, tokens and limits stay. */
export function resetSandbox(context: AdminContext): void {
  resetState(context.state);
  context.quota.reset();
  context.log.length = 0;
}

/** Answers a request under {@link ADMIN_PREFIX}; no auth, JSON in and out. */
export async function handleAdmin(
  context: AdminContext,
  request: SandboxHttpRequest,
): Promise<SandboxHttpResponse> {
  const { state, quota } = context;
  const path = request.url.pathname.slice(ADMIN_PREFIX.length);
  const reviewPath = REVIEW_PATH.exec(path);
  if (reviewPath?.[1] !== undefined && request.method === 'PATCH') {
    const edit = admin.parse(request, AdminReviewEdit);
    return edit.ok
      ? editReview(context, decodeURIComponent(reviewPath[1]), edit.value)
      : edit.response;
  }
  const route = `${request.method} ${path}`;
  switch (route) {
    case 'POST /reviews': {
      if (hasKey(parseJsonBody(request), 'raw')) {
        const raw = admin.parse(request, AdminRawReview);
        return raw.ok ? storeRaw(context, raw.value) : raw.response;
      }
      const review = admin.parse(request, AdminReview);
      return review.ok ? storeReview(context, review.value) : review.response;
    }
    case 'GET /reviews':
      return jsonResponse(200, {
        data: newestFirst(state.reviews.values()).map((review) =>
          renderReview(review, state.replies.get(review.reviewId)),
        ),
      });
    case 'GET /replies':
      return listReplies(state);
    case 'GET /limits':
      return jsonResponse(200, { data: quota.limits() });
    case 'POST /limits': {
      const limits = admin.parse(request, AdminLimits);
      if (!limits.ok) {
        return limits.response;
      }
      quota.setLimits(withoutUndefined(limits.value));
      return jsonResponse(200, { data: quota.limits() });
    }
    case 'POST /service-accounts': {
      const account = admin.parse(request, AdminServiceAccount);
      return account.ok ? registerAccount(state, account.value) : account.response;
    }
    case 'POST /tokens/revoke': {
      const revoked = state.tokens.size;
      state.tokens.clear();
      return jsonResponse(200, { ok: true, revoked });
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
