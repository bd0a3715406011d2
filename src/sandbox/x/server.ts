import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { authenticate } from './auth.js';
import {
  BodyTooLargeError,
  problemResponse,
  readBody,
  send,
  type SandboxHttpRequest,
  type SandboxHttpResponse,
} from './http.js';
import {
  routeNotFound,
  tooManyRequests,
  unauthorized,
  unsupportedAuthentication,
} from './problems.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { ADMIN_PREFIX, handleAdmin } from './routes/admin.js';
import { createPostEndpoint } from './routes/create-post.js';
import type { Endpoint } from './routes/endpoint.js';
import { mentionsEndpoint } from './routes/mentions.js';
import { searchEndpoint } from './routes/search.js';
import { sendDmEndpoint } from './routes/send-dm.js';
import { usersMeEndpoint } from './routes/users-me.js';
import { createState, resetState, type SandboxState } from './state.js';
import type { SandboxRequestLog, XSandbox, XSandboxOptions } from './types.js';

const ENDPOINTS: readonly Endpoint[] = [
  usersMeEndpoint,
  mentionsEndpoint,
  searchEndpoint,
  createPostEndpoint,
  sendDmEndpoint,
];

interface Sandbox {
  state: SandboxState;
  limiter: RateLimiter;
  log: SandboxRequestLog[];
  now: () => number;
}

function findEndpoint(
  method: string,
  path: string,
): { endpoint: Endpoint; params: string[] } | undefined {
  for (const endpoint of ENDPOINTS) {
    const match = endpoint.path.exec(path);
    if (match && endpoint.method === method) {
      return { endpoint, params: match.slice(1) };
    }
  }
  return undefined;
}

/** Auth → auth type → rate limit → the operation, in the order X applies them. */
function handleXApi(sandbox: Sandbox, request: SandboxHttpRequest): SandboxHttpResponse {
  const path = request.url.pathname;
  const found = findEndpoint(request.method, path);
  if (!found) {
    return problemResponse(404, routeNotFound(request.method, path));
  }
  const { endpoint, params } = found;
  const auth = authenticate({
    method: request.method,
    url: request.url,
    authorization: request.headers.authorization,
  });
  if (auth.kind === 'rejected') {
    return problemResponse(401, unauthorized());
  }
  if (auth.kind === 'app' && !endpoint.allowsAppOnly) {
    return problemResponse(403, unsupportedAuthentication());
  }
  const decision = sandbox.limiter.take(endpoint.key, auth.kind, sandbox.state.brand.id);
  const reply = decision.allowed
    ? endpoint.handle({ state: sandbox.state, request, params, now: sandbox.now() })
    : problemResponse(429, tooManyRequests());
  return { ...reply, headers: { ...reply.headers, ...decision.headers } };
}

function queryRecord(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    query[key] = value;
  }
  return query;
}

function requestUrl(incoming: IncomingMessage, origin: string): URL {
  // The Host header is what the client signed with OAuth 1.0a; fall back to our own address.
  const base = incoming.headers.host ? `http://${incoming.headers.host}` : origin;
  try {
    return new URL(incoming.url ?? '/', base);
  } catch {
    return new URL(incoming.url ?? '/', origin);
  }
}

function failure(error: unknown): SandboxHttpResponse {
  if (error instanceof BodyTooLargeError) {
    return problemResponse(413, {
      title: 'Payload Too Large',
      type: 'about:blank',
      status: 413,
      detail: error.message,
    });
  }
  return problemResponse(500, {
    title: 'Internal Server Error',
    type: 'about:blank',
    status: 500,
    detail: error instanceof Error ? error.message : String(error),
  });
}

async function respond(
  sandbox: Sandbox,
  options: XSandboxOptions,
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
      send(outgoing, handleAdmin(sandbox, request));
      return;
    }
    reply = handleXApi(sandbox, request);
  } catch (error) {
    options.logger?.error({ err: error, method, path: url.pathname }, 'X sandbox request failed');
    reply = failure(error);
  }
  sandbox.log.push({
    method,
    path: url.pathname,
    query: queryRecord(url),
    status: reply.status,
    at: sandbox.now(),
  });
  options.logger?.debug({ method, path: url.pathname, status: reply.status }, 'X sandbox request');
  send(outgoing, reply);
}

/** Starts the X API v2 sandbox on loopback. See ./readme.md for what it implements and enforces. */
export async function startXSandbox(options: XSandboxOptions): Promise<XSandbox> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const sandbox: Sandbox = {
    state: createState(options.brand, now),
    limiter: createRateLimiter({ limits: options.limits, windowMs: options.windowMs, now }),
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
    throw new Error('X sandbox did not bind a TCP port');
  }
  const { port } = address;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  options.logger?.info({ url: origin }, 'X sandbox listening');

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
