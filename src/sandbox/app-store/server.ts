import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { importVerificationKey, verifyBearer, type TokenRules } from './auth.js';
import {
  errorResponse,
  methodNotAllowed,
  notAuthorized,
  pathNotFound,
  rateLimitExceeded,
} from './errors.js';
import {
  BodyTooLargeError,
  queryRecord,
  readBody,
  send,
  type SandboxHttpRequest,
  type SandboxHttpResponse,
} from './http.js';
import { createHourlyLimiter, DEFAULT_HOURLY_LIMIT, type HourlyLimiter } from './rate-limit.js';
import { ADMIN_PREFIX, handleAdmin } from './routes/admin.js';
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
import { createState, resetState, type SandboxState } from './state.js';
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

function requestUrl(incoming: IncomingMessage, origin: string): URL {
  const base = incoming.headers.host ? `http://${incoming.headers.host}` : origin;
  try {
    return new URL(incoming.url ?? '/', base);
  } catch {
    return new URL(incoming.url ?? '/', origin);
  }
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

async function respond(
  sandbox: Sandbox,
  options: AppStoreSandboxOptions,
  origin: string,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const method = (incoming.method ?? 'GET').toUpperCase();
  let url = new URL('/', origin);
  let answer: Answer;
  let surface: AppStoreRequestLog['surface'] = 'api';
  try {
    url = requestUrl(incoming, origin);
    const body = await readBody(incoming);
    const request: SandboxHttpRequest = { method, url, headers: incoming.headers, body };
    if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      send(outgoing, handleAdmin(sandbox, request));
      return;
    }
    if (isFeedPath(url.pathname)) {
      surface = 'rss';
      answer = { reply: handleFeed(sandbox.state, url.pathname, url.origin, sandbox.now()) };
    } else {
      answer = await handleApi(sandbox, request, url.origin);
    }
  } catch (error) {
    options.logger?.error(
      { err: error, method, path: url.pathname },
      'App Store sandbox request failed',
    );
    answer = { reply: failure(error) };
  }
  sandbox.log.push({
    surface,
    method,
    path: url.pathname,
    query: queryRecord(url),
    status: answer.reply.status,
    at: sandbox.now(),
    ...(answer.authFailure !== undefined ? { authFailure: answer.authFailure } : {}),
  });
  options.logger?.debug(
    { method, path: url.pathname, status: answer.reply.status, authFailure: answer.authFailure },
    'App Store sandbox request',
  );
  send(outgoing, answer.reply);
}

/**
 * Starts the App Store sandbox on loopback: App Store Connect customer reviews and responses, and the public
 * customer-reviews feed. See ./readme.md for what it implements and enforces.
 */
export async function startAppStoreSandbox(
  options: AppStoreSandboxOptions,
): Promise<AppStoreSandbox> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
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
  let origin = `http://${host}`;
  const server = createServer((incoming, outgoing) => {
    void respond(sandbox, options, origin, incoming, outgoing);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('App Store sandbox did not bind a TCP port');
  }
  const { port } = address;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  options.logger?.info({ url: origin }, 'App Store sandbox listening');

  return {
    url: origin,
    port,
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
    reset() {
      resetState(sandbox.state);
      sandbox.limiter.reset();
      sandbox.log.length = 0;
    },
    requests() {
      return sandbox.log.map((entry) => ({ ...entry, query: { ...entry.query } }));
    },
  };
}
