import { BodyTooLargeError } from '../shared/http.js';
import { startSandboxServer, type SandboxRoutes } from '../shared/server.js';
import { authenticate } from './auth.js';
import { problemResponse, type SandboxHttpRequest, type SandboxHttpResponse } from './http.js';
import {
  routeNotFound,
  tooManyRequests,
  unauthorized,
  unsupportedAuthentication,
} from './problems.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { ADMIN_PREFIX, handleAdmin, resetSandbox } from './routes/admin.js';
import { createPostEndpoint } from './routes/create-post.js';
import { dmEventsEndpoint } from './routes/dm-events.js';
import type { Endpoint } from './routes/endpoint.js';
import { lookupEndpoint } from './routes/lookup.js';
import { mentionsEndpoint } from './routes/mentions.js';
import { searchEndpoint } from './routes/search.js';
import { sendDmEndpoint } from './routes/send-dm.js';
import { usersMeEndpoint } from './routes/users-me.js';
import { createState, type SandboxState } from './state.js';
import type { SandboxRequestLog, XSandbox, XSandboxOptions } from './types.js';

const ENDPOINTS: readonly Endpoint[] = [
  usersMeEndpoint,
  mentionsEndpoint,
  searchEndpoint,
  lookupEndpoint,
  createPostEndpoint,
  sendDmEndpoint,
  dmEventsEndpoint,
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

/** Starts the X API v2 sandbox on loopback. See ./readme.md for what it implements and enforces. */
export async function startXSandbox(options: XSandboxOptions): Promise<XSandbox> {
  const now = options.now ?? Date.now;
  const sandbox: Sandbox = {
    state: createState(options.brand, now),
    limiter: createRateLimiter({ limits: options.limits, windowMs: options.windowMs, now }),
    log: [],
    now,
  };
  const routes: SandboxRoutes = {
    adminPrefix: ADMIN_PREFIX,
    admin: (request) => handleAdmin(sandbox, request),
    api: (request) => handleXApi(sandbox, request),
    failure,
    record(entry) {
      sandbox.log.push(entry);
    },
  };
  return startSandboxServer({
    name: 'X',
    host: options.host,
    port: options.port,
    now,
    logger: options.logger,
    routes: () => routes,
    log: sandbox.log,
    reset: () => resetSandbox(sandbox),
  });
}
