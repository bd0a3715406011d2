import { jsonResponse, type SandboxHttpRequest, type SandboxHttpResponse } from '../shared/http.js';
import { invalidArgument, notFound } from './errors.js';
import { DAY_MS } from './quota.js';
import { renderReview } from './render.js';
import {
  after,
  msToNanos,
  newestFirst,
  timestamp,
  type PlayState,
  type SandboxReview,
} from './state.js';

/** "Replies of more than approximately 350 characters will be rejected." (ReviewsReplyRequest.replyText) */
export const MAX_REPLY_CHARACTERS = 350;
export const MAX_PAGE_SIZE = 100;
/** Google documents no default page size; 10 is the sandbox's choice. */
export const DEFAULT_PAGE_SIZE = 10;

/** Standard Google API query parameters: accepted on every method and otherwise ignored. */
const SYSTEM_PARAMS = [
  '$.xgafv',
  'alt',
  'callback',
  'fields',
  'key',
  'prettyPrint',
  'quotaUser',
  'upload_protocol',
  'uploadType',
];

export interface ReviewsContext {
  state: PlayState;
  now: number;
  windowDays: number;
}

function unknownParameter(url: URL, allowed: readonly string[]): SandboxHttpResponse | undefined {
  for (const name of url.searchParams.keys()) {
    if (!allowed.includes(name) && !SYSTEM_PARAMS.includes(name)) {
      return invalidArgument(
        `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
      );
    }
  }
  return undefined;
}

function uint32(
  url: URL,
  name: string,
  field: string,
): { ok: true; value: number | undefined } | { ok: false; response: SandboxHttpResponse } {
  const raw = url.searchParams.get(name);
  if (raw === null) {
    return { ok: true, value: undefined };
  }
  if (!/^\d{1,10}$/.test(raw) || Number(raw) > 4_294_967_295) {
    return {
      ok: false,
      response: invalidArgument(`Invalid value at '${field}' (TYPE_UINT32), "${raw}"`),
    };
  }
  return { ok: true, value: Number(raw) };
}

function inWindow(review: SandboxReview, context: ReviewsContext): boolean {
  return review.lastModifiedNs >= msToNanos(context.now - context.windowDays * DAY_MS);
}

function encodePageToken(offset: number): string {
  return Buffer.from(`reviews:${offset}`, 'utf8').toString('base64url');
}

function decodePageToken(token: string): number | undefined {
  const match = /^reviews:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The non-zero fields of PageInfo, as proto3 JSON renders it. */
function pageInfo(total: number, size: number, start: number): Record<string, number> {
  const info: Record<string, number> = {};
  if (total > 0) {
    info.totalResults = total;
  }
  if (size > 0) {
    info.resultPerPage = size;
  }
  if (start > 0) {
    info.startIndex = start;
  }
  return info;
}

/** GET /androidpublisher/v3/applications/{packageName}/reviews (androidpublisher.reviews.list). */
export function listReviews(context: ReviewsContext, url: URL): SandboxHttpResponse {
  const unknown = unknownParameter(url, [
    'token',
    'startIndex',
    'maxResults',
    'translationLanguage',
  ]);
  if (unknown) {
    return unknown;
  }
  const maxResults = uint32(url, 'maxResults', 'max_results');
  if (!maxResults.ok) {
    return maxResults.response;
  }
  const startIndex = uint32(url, 'startIndex', 'start_index');
  if (!startIndex.ok) {
    return startIndex.response;
  }
  if (maxResults.value !== undefined && maxResults.value > MAX_PAGE_SIZE) {
    return invalidArgument(`maxResults must be at most ${MAX_PAGE_SIZE}, got ${maxResults.value}.`);
  }
  // proto3 cannot tell 0 from unset, so maxResults=0 means the default.
  const size = maxResults.value || DEFAULT_PAGE_SIZE;
  let start = startIndex.value ?? 0;
  const token = url.searchParams.get('token');
  if (token !== null) {
    const offset = decodePageToken(token);
    if (offset === undefined) {
      return invalidArgument('Invalid pagination token.');
    }
    start = offset;
  }

  const listed = newestFirst(context.state.reviews.values()).filter((review) =>
    inWindow(review, context),
  );
  const translationLanguage = url.searchParams.get('translationLanguage') ?? undefined;
  const page = listed.slice(start, start + size);
  const body: Record<string, unknown> = {};
  if (page.length > 0) {
    body.reviews = page.map((review) =>
      renderReview(review, context.state.replies.get(review.reviewId), translationLanguage),
    );
  }
  if (start + size < listed.length) {
    body.tokenPagination = { nextPageToken: encodePageToken(start + size) };
  }
  body.pageInfo = pageInfo(listed.length, size, start);
  return jsonResponse(200, body);
}

function reviewNotFound(reviewId: string): SandboxHttpResponse {
  return notFound(`Review not found: ${reviewId}.`);
}

/** GET /androidpublisher/v3/applications/{packageName}/reviews/{reviewId} (androidpublisher.reviews.get). */
export function getReview(
  context: ReviewsContext,
  reviewId: string,
  url: URL,
): SandboxHttpResponse {
  const unknown = unknownParameter(url, ['translationLanguage']);
  if (unknown) {
    return unknown;
  }
  const review = context.state.reviews.get(reviewId);
  // Play serves only reviews created or modified within the last week, one at a time as well as in lists.
  if (review === undefined || !inWindow(review, context)) {
    return reviewNotFound(reviewId);
  }
  const translationLanguage = url.searchParams.get('translationLanguage') ?? undefined;
  return jsonResponse(
    200,
    renderReview(review, context.state.replies.get(reviewId), translationLanguage),
  );
}

function readReplyText(request: SandboxHttpRequest): { text: string } | SandboxHttpResponse {
  let body: unknown;
  try {
    body = request.body.trim() === '' ? {} : JSON.parse(request.body);
  } catch (error) {
    return invalidArgument(`Invalid JSON payload received. ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalidArgument('Invalid JSON payload received. Expected an object.');
  }
  for (const name of Object.keys(body)) {
    if (name !== 'replyText') {
      return invalidArgument(
        `Invalid JSON payload received. Unknown name "${name}": Cannot find field.`,
      );
    }
  }
  const replyText = (body as { replyText?: unknown }).replyText;
  if (replyText !== undefined && typeof replyText !== 'string') {
    return invalidArgument(
      `Invalid value at 'reply_text' (TYPE_STRING), ${JSON.stringify(replyText)}`,
    );
  }
  return { text: replyText ?? '' };
}

/** HTML tags are stripped from replies (ReviewsReplyRequest.replyText). */
export function stripHtml(text: string): string {
  return text.replace(/<[^>]*>/g, '');
}

/**
 * POST /androidpublisher/v3/applications/{packageName}/reviews/{reviewId}:reply (androidpublisher.reviews.reply).
 * Replaces an existing reply. Any stored review may be answered, also one outside the listing window.
 */
export function replyToReview(
  context: ReviewsContext,
  reviewId: string,
  request: SandboxHttpRequest,
): SandboxHttpResponse {
  const unknown = unknownParameter(request.url, []);
  if (unknown) {
    return unknown;
  }
  const read = readReplyText(request);
  if (!('text' in read)) {
    return read;
  }
  const text = stripHtml(read.text);
  if (text.trim() === '') {
    return invalidArgument('The reply text must not be empty.');
  }
  const length = [...text].length;
  if (length > MAX_REPLY_CHARACTERS) {
    return invalidArgument(
      `The reply text is too long: ${length} characters; replies may have at most ${MAX_REPLY_CHARACTERS}.`,
    );
  }
  if (!context.state.reviews.has(reviewId)) {
    return reviewNotFound(reviewId);
  }
  const previous = context.state.replies.get(reviewId);
  const lastEditedNs = after(previous?.lastEditedNs ?? 0n, msToNanos(context.now));
  context.state.replies.set(reviewId, { reviewId, text, lastEditedNs });
  return jsonResponse(200, { result: { replyText: text, lastEdited: timestamp(lastEditedNs) } });
}
