import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CaseStateError, type CaseStateErrorCode } from '../app/case-state.js';
import { DraftActionError, type DraftErrorCode } from '../app/drafts.js';

/** Sent with every response, the desk's pages and event streams included. */
export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

/** The machine-readable `error` field of every error response. */
export type ApiErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'csrf'
  | 'invalid-request'
  | 'not-found'
  | 'not-pending'
  | 'invalid-transition'
  | 'invalid-text'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'rate-limited'
  | 'internal';

export interface ApiIssue {
  path: string;
  message: string;
}

/**
 * Every error the API answers with: `{ error, message }`, plus `issues` for invalid requests.
 *
 * @example
 * { error: 'invalid-request', message: 'note: Too small: expected string to have >=1 characters',
 *   issues: [{ path: 'note', message: 'Too small: expected string to have >=1 characters' }] }
 */
export interface ApiErrorBody {
  error: ApiErrorCode;
  message: string;
  issues?: ApiIssue[];
}

/** Thrown by routes and hooks; the error handler turns it into the status and body. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: ApiErrorCode;
  readonly issues: ApiIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    code: ApiErrorCode,
    message: string,
    extra: { issues?: ApiIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.issues = extra.issues;
    this.headers = extra.headers ?? {};
  }

  get body(): ApiErrorBody {
    return this.issues === undefined
      ? { error: this.code, message: this.message }
      : { error: this.code, message: this.message, issues: this.issues };
  }
}

export type RequestPart = 'body' | 'query' | 'params';

/** Parses one part of the request or throws a 400 that names each offending field. */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  value: unknown,
  part: RequestPart,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : part,
    message: issue.message,
  }));
  const message = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new ApiError(400, 'invalid-request', `Invalid ${part}: ${message}`, { issues });
}

const DRAFT_ERROR_STATUS: Record<DraftErrorCode, number> = {
  'not-found': 404,
  'not-pending': 409,
  forbidden: 403,
  'invalid-text': 422,
};

const CASE_STATE_ERROR_STATUS: Record<CaseStateErrorCode, number> = {
  'not-found': 404,
  'invalid-transition': 409,
};

function fromFastifyError(error: FastifyError): ApiError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported-media-type', 'Send request bodies as application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload-too-large', 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(
        400,
        'invalid-request',
        'The content-length header does not match the body',
      );
    default:
      break;
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new ApiError(400, 'invalid-request', 'The request body is not valid JSON');
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return new ApiError(400, 'invalid-request', error.message);
  }
  return null;
}

/** Maps everything thrown below the routes onto the API's error shape; logs only the unexpected. */
export function handleError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  let known: ApiError | null = null;
  if (error instanceof ApiError) {
    known = error;
  } else if (error instanceof DraftActionError) {
    known = new ApiError(DRAFT_ERROR_STATUS[error.code], error.code, error.message);
  } else if (error instanceof CaseStateError) {
    known = new ApiError(CASE_STATE_ERROR_STATUS[error.code], error.code, error.message);
  } else if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    known = fromFastifyError(error as FastifyError);
  }
  if (known === null) {
    // Name, message and stack only: client errors (ioredis) carry the command's arguments, which can
    // hold session data.
    const err =
      error instanceof Error
        ? { type: error.name, message: error.message, stack: error.stack }
        : { message: String(error) };
    request.log.error({ err, method: request.method, url: request.url }, 'API request failed');
    return reply
      .code(500)
      .send({ error: 'internal', message: 'Something went wrong; the server log has the details' });
  }
  return reply.code(known.statusCode).headers(known.headers).send(known.body);
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.statusCode).headers(error.headers).send(error.body);
}
