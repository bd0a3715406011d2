import { fastifyCookie } from '@fastify/cookie';
import {
  fastify,
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { DraftService } from '../app/drafts.js';
import { REDACT_PATHS, type Logger } from '../lib/logger.js';
import type { UserStore } from '../store/users.js';
import { createAuthHook } from './auth.js';
import { ApiError, handleError, sendError } from './http.js';
import { registerDraftRoutes } from './routes/drafts.js';
import { registerSessionRoutes, type SecureCookies } from './routes/session.js';

export interface DeskServerDeps {
  drafts: DraftService;
  users: UserStore;
  logger: Logger;
  /**
   * Honour X-Forwarded-For/-Proto (client address for login throttling, https for Secure cookies). `true`
   * trusts every hop, so a client could pick its own address; behind one proxy pass its address.
   */
  trustProxy?: boolean | string | string[];
  /** Secure cookies: 'auto' (default) sets them when the request came over https. */
  secureCookies?: SecureCookies;
  /** Largest accepted request body in bytes; edits are at most 10 000 characters. */
  bodyLimit?: number;
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whatever logger the caller passes, the desk never prints credentials or bodies: redaction is set again on
 * the child, because a child's paths replace its parent's.
 */
const DESK_REDACT_PATHS = [
  ...REDACT_PATHS,
  'req.headers.cookie',
  'headers.cookie',
  '*.headers.cookie',
  'req.headers["x-csrf-token"]',
  'body',
  'req.body',
  '*.csrfToken',
];

/**
 * The desk's HTTP server: the JSON API under /api/ (drafts, session) and /healthz. Not listening yet; the
 * caller does `await server.listen({ port, host })` and `await server.close()` on shutdown.
 *
 * @example
 * const server = createDeskServer({ drafts: createDraftService(ctx), users, logger });
 * await server.listen({ port: 3000, host: '127.0.0.1' });
 */
export function createDeskServer(deps: DeskServerDeps): FastifyInstance {
  const logger: FastifyBaseLogger = deps.logger.child(
    { component: 'desk' },
    { redact: { paths: DESK_REDACT_PATHS, censor: '[redacted]' } },
  );
  const server = fastify({
    loggerInstance: logger,
    // Our own onResponse line replaces fastify's, which would log every request twice at info.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: deps.bodyLimit ?? 64 * 1024,
  });

  // Cookies are parsed by the auth hook itself, so they are read before anything else whatever the
  // plugin's load order; the plugin only serialises Set-Cookie.
  server.register(fastifyCookie, { hook: false });
  server.decorateRequest('actor', null);
  server.decorateRequest('authMethod', null);
  server.decorateRequest('csrfToken', null);
  server.decorateRequest('sessionId', null);

  // JSON only: anything else is a 415 (and a cross-site form cannot send JSON without a CORS preflight).
  server.removeAllContentTypeParsers();
  const parseJson = server.getDefaultJsonParser('error', 'error');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });

  server.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  server.addHook('onRequest', createAuthHook(deps.users));
  server.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const entry = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      user: request.actor?.name,
    };
    if (SAFE_METHODS.has(request.method) && reply.statusCode < 400) {
      request.log.debug(entry, 'API request');
      return;
    }
    request.log.info(entry, 'API request');
  });
  server.setErrorHandler(handleError);
  server.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new ApiError(404, 'not-found', `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );

  server.get('/healthz', { config: { public: true } }, async () => ({ ok: true }));
  registerSessionRoutes(server, { users: deps.users, secureCookies: deps.secureCookies ?? 'auto' });
  registerDraftRoutes(server, deps.drafts);
  return server;
}
