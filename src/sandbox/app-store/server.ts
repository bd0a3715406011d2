import { BodyTooLargeError } from '../shared/http.js';
import { startSandboxServer, type SandboxRoutes } from '../shared/server.js';
import { importVerificationKey, verifyBearer, type TokenRules } from './auth.js';
import {
  errorResponse,
  methodNotAllowed,
  notAuthorized,
  pathNotFound,
  rateLimitExceeded,
} from './errors.js';
import type { SandboxHttpRequest, SandboxHttpResponse } from './http.js';
import { createHourlyLimiter, DEFAULT_HOURLY_LIMIT, type HourlyLimiter } from './rate-limit.js';
import { ADMIN_PREFIX, handleAdmin, resetSandbox } from './routes/admin.js';
import type { Endpoint } from './routes/endpoint.js';
import {
  createResponseEndpoint,
  deleteResponseEndpoint,
  readResponseEndpoint,
} from './routes/responses.js';
import {
  listReviewsEndpoint,
  readReviewEndpoint,
  reviewResponseEndpoint,
} from './routes/reviews.js';
import { handleFeed, isFeedPath } from './routes/rss.js';
import { createState, type SandboxState } from './state.js';
import type { AppStoreRequestLog, AppStoreSandbox, AppStoreSandboxOptions } from './types.js';

const ENDPOINTS: readonly Endpoint[] = [
  listReviewsEndpoint,
  readReviewEndpoint,
  reviewResponseEndpoint,
  createResponseEndpoint,
  readResponseEndpoint,
  deleteResponseEndpoint,
];

/** The default time a response stays PENDING_PUBLISH. Apple gives no figure; it is not instant. */
export const DEFAULT_PUBLISH_DELAY_MS = 300_000;

interface Sandbox {
  state: SandboxState;
  limiter: HourlyLimiter;
  rules: TokenRules;
  log: AppStoreRequestLog[];
  now: () => number;
}

interface Answer {
  reply: SandboxHttpResponse;
  authFailure?: string;
}

function route(method: string, path: string): SandboxHttpResponse | Endpoint {
  let pathKnown = false;
  for (const endpoint of ENDPOINTS) {
    if (endpoint.path.test(path)) {
      if (endpoint.method === method) {
        return endpoint;
      }
      pathKnown = true;
    }
  }
  return pathKnown ? methodNotAllowed(method) : pathNotFound();
}

/** Token → rolling-hour budget → the operation; every answer after auth carries X-Rate-Limit. */
async function handleApi(
  sandbox: Sandbox,
  request: SandboxHttpRequest,
  origin: string,
): Promise<Answer> {
  const now = sandbox.now();
  const verdict = await verifyBearer(request.headers.authorization, sandbox.rules, now);
  if (!verdict.ok) {
    return { reply: notAuthorized(), authFailure: verdict.reason };
  }
  const decision = sandbox.limiter.take();
  if (!decision.allowed) {
    return { reply: { ...rateLimitExceeded(), headers: decision.headers } };
  }
  const found = route(request.method, request.url.pathname);
  const reply =
    'handle' in found
      ? found.handle({
          state: sandbox.state,
          request,
          params: found.path.exec(request.url.pathname)?.slice(1) ?? [],
          now,
          origin,
        })
      : found;
  return { reply: { ...reply, headers: { ...reply.headers, ...decision.headers } } };
}

function failure(error: unknown): SandboxHttpResponse {
  if (error instanceof BodyTooLargeError) {
    return errorResponse(413, {
      code: 'ENTITY_TOO_LARGE',
      title: 'The request entity is too large.',
      detail: error.message,
    });
  }
  return errorResponse(500, {
    code: 'UNEXPECTED_ERROR',
    title: 'An unexpected error occurred.',
    detail: error instanceof Error ? error.message : String(error),
  });
}

/** The public feed, App Store Connect and unknown routes (answered as App Store Connect answers them). */
function appStoreRoutes(sandbox: Sandbox): SandboxRoutes {
  // Filled in while answering, for this request's log entry.
  let surface: AppStoreRequestLog['surface'] = 'api';
  let authFailure: string | undefined;
  return {
    adminPrefix: ADMIN_PREFIX,
    admin: (request) => handleAdmin(sandbox, request),
    async api(request) {
      const { url } = request;
      if (isFeedPath(url.pathname)) {
        surface = 'rss';
        return handleFeed(sandbox.state, url.pathname, url.origin, sandbox.now());
      }
      const answer = await handleApi(sandbox, request, url.origin);
      authFailure = answer.authFailure;
      return answer.reply;
    },
    failure,
    record(entry) {
      sandbox.log.push({
        surface,
        ...entry,
        ...(authFailure !== undefined ? { authFailure } : {}),
      });
    },
    debugFields: () => ({ authFailure }),
  };
}

/**
 * Starts the App Store sandbox on loopback: App Store Connect customer reviews and responses, and the public
 * customer-reviews feed. See ./readme.md for what it implements and enforces.
 */
export async function startAppStoreSandbox(
  options: AppStoreSandboxOptions,
): Promise<AppStoreSandbox> {
  const now = options.now ?? Date.now;
  const sandbox: Sandbox = {
    state: createState({
      appId: options.appId,
      publishDelayMs: options.publishDelayMs ?? DEFAULT_PUBLISH_DELAY_MS,
      rssMetadataEntry: options.rssMetadataEntry ?? false,
      now,
    }),
    limiter: createHourlyLimiter({ limit: options.hourlyLimit ?? DEFAULT_HOURLY_LIMIT, now }),
    rules: {
      key: await importVerificationKey(options.publicKey),
      issuerId: options.issuerId,
      keyId: options.keyId,
    },
    log: [],
    now,
  };
  return startSandboxServer({
    name: 'App Store',
    host: options.host,
    port: options.port,
    now,
    logger: options.logger,
    routes: () => appStoreRoutes(sandbox),
    log: sandbox.log,
    reset: () => resetSandbox(sandbox),
  });
}
