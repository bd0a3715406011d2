import {
  BodyTooLargeError,
  type SandboxHttpRequest,
  type SandboxHttpResponse,
} from '../shared/http.js';
import { startSandboxServer, type SandboxRoutes } from '../shared/server.js';
import { ADMIN_PREFIX, handleAdmin, resetSandbox } from './admin.js';
import { authenticate, handleToken } from './auth.js';
import { googleError, internalError, notFound, quotaExceeded } from './errors.js';
import { createPlayQuota, type PlayQuota } from './quota.js';
import { getReview, listReviews, replyToReview, type ReviewsContext } from './reviews.js';
import { createState, type PlayState } from './state.js';
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

function failure(error: unknown): SandboxHttpResponse {
  if (error instanceof BodyTooLargeError) {
    return googleError('INVALID_ARGUMENT', error.message, { reason: 'badRequest' });
  }
  return internalError(error instanceof Error ? error.message : String(error));
}

/** The token endpoint, the Play API and Google's 404 for anything else. */
function playRoutes(sandbox: Sandbox, origin: string): SandboxRoutes {
  return {
    adminPrefix: ADMIN_PREFIX,
    admin: (request) => handleAdmin(sandbox, request),
    async api(request) {
      const { pathname } = request.url;
      if (pathname === '/token' && request.method === 'POST') {
        const audiences = [`${origin}/token`, `${request.url.origin}/token`];
        return handleToken(sandbox.state, request, audiences, sandbox.now());
      }
      if (pathname.startsWith(API_PREFIX)) {
        return handlePlayApi(sandbox, request);
      }
      return notFound(`The requested URL ${pathname} was not found on this server.`);
    },
    failure,
    record(entry) {
      sandbox.log.push(entry);
    },
  };
}

/** Starts the Google Play Developer API sandbox on loopback. See ./readme.md for what it implements. */
export async function startGooglePlaySandbox(
  options: GooglePlaySandboxOptions,
): Promise<GooglePlaySandbox> {
  const now = options.now ?? Date.now;
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
  return startSandboxServer({
    name: 'Google Play',
    host: options.host,
    port: options.port,
    now,
    logger: options.logger,
    routes: (origin) => playRoutes(sandbox, origin),
    log: sandbox.log,
    reset: () => resetSandbox(sandbox),
  });
}
