import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import {
  BodyTooLargeError,
  readBody,
  send,
  type SandboxHttpRequest,
  type SandboxHttpResponse,
} from '../x/http.js';
import { ADMIN_PREFIX, handleAdmin } from './admin.js';
import { authenticate, handleToken } from './auth.js';
import { googleError, internalError, notFound, quotaExceeded } from './errors.js';
import { createPlayQuota, type PlayQuota } from './quota.js';
import { getReview, listReviews, replyToReview, type ReviewsContext } from './reviews.js';
import { createState, resetState, type PlayState } from './state.js';
import type { GooglePlaySandbox, GooglePlaySandboxOptions, PlayRequestLog } from './types.js';

const API_PREFIX = '/androidpublisher/v3/applications/';
const LIST_PATH = /^\/androidpublisher\/v3\/applications\/([^/]+)\/reviews$/;
const GET_PATH = /^\/androidpublisher\/v3\/applications\/([^/]+)\/reviews\/([^/]+)$/;
const REPLY_PATH = /^\/androidpublisher\/v3\/applications\/([^/]+)\/reviews\/([^/]+?):reply$/;

interface Sandbox {
  state: PlayState;
  quota: PlayQuota;
  log: PlayRequestLog[];
  now: () => number;
}

type Operation =
  | { kind: 'list'; packageName: string }
  | { kind: 'get'; packageName: string; reviewId: string }
  | { kind: 'reply'; packageName: string; reviewId: string };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function findOperation(method: string, path: string): Operation | undefined {
  const reply = REPLY_PATH.exec(path);
  if (method === 'POST' && reply?.[1] !== undefined && reply[2] !== undefined) {
    return { kind: 'reply', packageName: decode(reply[1]), reviewId: decode(reply[2]) };
  }
  const list = LIST_PATH.exec(path);
  if (method === 'GET' && list?.[1] !== undefined) {
    return { kind: 'list', packageName: decode(list[1]) };
  }
  const get = GET_PATH.exec(path);
  if (method === 'GET' && get?.[1] !== undefined && get[2] !== undefined) {
    return { kind: 'get', packageName: decode(get[1]), reviewId: decode(get[2]) };
  }
  return undefined;
}

/** Route → auth → package → quota → the operation, the order Google's front end applies them. */
function handlePlayApi(sandbox: Sandbox, request: SandboxHttpRequest): SandboxHttpResponse {
  const operation = findOperation(request.method, request.url.pathname);
  if (operation === undefined) {
    return notFound('Method not found.');
  }
  const now = sandbox.now();
  const auth = authenticate(sandbox.state, request.headers.authorization, now);
  if (!auth.ok) {
    return auth.response;
  }
  if (operation.packageName !== sandbox.state.packageName) {
    return notFound(`Package not found: ${operation.packageName}.`);
  }
  const isRead = operation.kind !== 'reply';
  const decision = isRead ? sandbox.quota.takeRead(now) : sandbox.quota.takeReply(now);
  if (!decision.allowed) {
    return isRead
      ? quotaExceeded(
          'Reply to Reviews GET requests',
          'Reply to Reviews GET requests per hour per app',
        )
      : quotaExceeded(
          'Reply to Reviews POST requests',
          'Reply to Reviews POST requests per day per app',
        );
  }
  const context: ReviewsContext = {
    state: sandbox.state,
    now,
    windowDays: sandbox.quota.limits().windowDays,
  };
  switch (operation.kind) {
    case 'list':
      return listReviews(context, request.url);
    case 'get':
      return getReview(context, operation.reviewId, request.url);
    case 'reply':
      return replyToReview(context, operation.reviewId, request);
  }
}

function requestUrl(incoming: IncomingMessage, origin: string): URL {
  const base = incoming.headers.host ? `http://${incoming.headers.host}` : origin;
  try {
    return new URL(incoming.url ?? '/', base);
  } catch {
    return new URL(incoming.url ?? '/', origin);
  }
}

function queryRecord(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    query[key] = value;
  }
  return query;
}

function failure(error: unknown): SandboxHttpResponse {
  if (error instanceof BodyTooLargeError) {
    return googleError('INVALID_ARGUMENT', error.message, { reason: 'badRequest' });
  }
  return internalError(error instanceof Error ? error.message : String(error));
}

async function respond(
  sandbox: Sandbox,
  options: GooglePlaySandboxOptions,
  origin: string,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const method = (incoming.method ?? 'GET').toUpperCase();
  let url = new URL('/', origin);
  let reply: SandboxHttpResponse;
  try {
    url = requestUrl(incoming, origin);
    const body = await readBody(incoming);
    const request: SandboxHttpRequest = { method, url, headers: incoming.headers, body };
    if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      send(outgoing, await handleAdmin({ ...sandbox }, request));
      return;
    }
    if (url.pathname === '/token' && method === 'POST') {
      const audiences = [`${origin}/token`, `${url.origin}/token`];
      reply = await handleToken(sandbox.state, request, audiences, sandbox.now());
    } else if (url.pathname.startsWith(API_PREFIX)) {
      reply = handlePlayApi(sandbox, request);
    } else {
      reply = notFound(`The requested URL ${url.pathname} was not found on this server.`);
    }
  } catch (error) {
    options.logger?.error(
      { err: error, method, path: url.pathname },
      'Google Play sandbox request failed',
    );
    reply = failure(error);
  }
  sandbox.log.push({
    method,
    path: url.pathname,
    query: queryRecord(url),
    status: reply.status,
    at: sandbox.now(),
  });
  options.logger?.debug(
    { method, path: url.pathname, status: reply.status },
    'Google Play sandbox request',
  );
  send(outgoing, reply);
}

/** Starts the Google Play Developer API sandbox on loopback. See ./readme.md for what it implements. */
export async function startGooglePlaySandbox(
  options: GooglePlaySandboxOptions,
): Promise<GooglePlaySandbox> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const sandbox: Sandbox = {
    state: createState(options.packageName),
    quota: createPlayQuota({
      ...(options.readsPerHour !== undefined ? { readsPerHour: options.readsPerHour } : {}),
      ...(options.repliesPerDay !== undefined ? { repliesPerDay: options.repliesPerDay } : {}),
      ...(options.windowDays !== undefined ? { windowDays: options.windowDays } : {}),
    }),
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
    throw new Error('Google Play sandbox did not bind a TCP port');
  }
  const { port } = address;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  options.logger?.info({ url: origin }, 'Google Play sandbox listening');

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
      sandbox.quota.reset();
      sandbox.log.length = 0;
    },
    requests() {
      return sandbox.log.map((entry) => ({ ...entry, query: { ...entry.query } }));
    },
  };
}
