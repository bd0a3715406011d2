import { fastifyCookie } from '@fastify/cookie';
import {
  fastify,
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { join } from 'node:path';
import type { App } from '../app.js';
import type { DraftService } from '../app/drafts.js';
import { packageRoot } from '../lib/package-root.js';
import { REDACT_PATHS, type Logger } from '../lib/logger.js';
import type { UserStore } from '../store/users.js';
import { createAuthHook } from './auth.js';
import { createEventHub } from './events.js';
import { ApiError, handleError, SECURITY_HEADERS, sendError } from './http.js';
import { registerBullBoard, registerPrometheus, registerReadiness } from './ops.js';
import { createPrometheus } from './prometheus.js';
import { deskQueues } from './queues.js';
import { registerCaseRoutes } from './routes/cases.js';
import { registerControlRoutes } from './routes/control.js';
import { registerDraftRoutes } from './routes/drafts.js';
import { registerEventRoutes } from './routes/events.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerPeopleRoutes } from './routes/people.js';
import { registerSessionRoutes, type SecureCookies } from './routes/session.js';
import { categoryLookup, registerSettingsRoutes } from './routes/settings.js';
import { defaultPublicDir, registerUi } from './static.js';

export interface DeskServerDeps {
  /**
   * The bot (from `createApp`): drafts, cases, people, control, metrics, events, /readyz, /metrics and Bull
   * Board all need it. Without it only the session and drafts API exist, over `drafts`.
   */
  app?: App;
  /** Defaults to `app.drafts`; required without `app`. */
  drafts?: DraftService;
  users: UserStore;
  logger: Logger;
  /** rules/ for the settings page and relabel checks; defaults to the package's rules/. */
  rulesDir?: string;
  /**
   * The category ids a relabel may use: the rules' and those of the trained model in use. Defaults to the
   * categories of `rulesDir`, read again every minute.
   */
  categories?: readonly string[];
  /** templates/ for the settings page; defaults to the package's templates/. */
  templatesDir?: string;
  /** Bull Board at /admin/queues for admins (default true). */
  bullBoard?: boolean;
  /** When set, GET /metrics needs `Authorization: Bearer <metricsToken>`; otherwise it is public. */
  metricsToken?: string | null;
  /** The built UI (app.js, app.css, index.html); defaults to dist/desk/public in the package. */
  publicDir?: string;
  /** How often the shared event poller reads the pending drafts while a browser listens (default 1000). */
  eventsPollMs?: number;
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
 * The desk's HTTP server: the web UI, the JSON API under /api/, server-sent events, /healthz, /readyz,
 * Prometheus /metrics and Bull Board. Not listening yet; the caller does `await server.listen({ port, host })`
 * and `await server.close()` on shutdown (before stopping the app: the desk reads through its connections).
 *
 * @example
 * const server = createDeskServer({ app, users, logger, rulesDir, templatesDir });
 * await server.listen({ port: 3000, host: '127.0.0.1' });
 */
export function createDeskServer(deps: DeskServerDeps): FastifyInstance {
  const drafts = deps.drafts ?? deps.app?.drafts;
  if (drafts === undefined) {
    throw new Error('createDeskServer needs the app (or at least a DraftService)');
  }
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
  // plugin's load order; the plugin is here to serialise Set-Cookie. It needs a hook for that: with
  // `hook: false`, @fastify/cookie before 11.1.5 adds no onSend handler, and sign-in sets no cookie.
  server.register(fastifyCookie, { hook: 'onRequest' });
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
  registerDraftRoutes(server, drafts);
  registerUi(server, deps.publicDir ?? defaultPublicDir());
  if (deps.app !== undefined) {
    registerAppRoutes(server, deps.app, deps);
  }
  return server;
}

function registerAppRoutes(server: FastifyInstance, app: App, deps: DeskServerDeps): void {
  const logger = deps.logger.child({ component: 'desk' });
  const root = packageRoot();
  const rulesDir = deps.rulesDir ?? join(root, 'rules');
  const templatesDir = deps.templatesDir ?? join(root, 'templates');
  const queues = deskQueues(app);
  server.addHook('onClose', async () => queues.close());

  const known = deps.categories;
  registerCaseRoutes(server, {
    app,
    categories: known === undefined ? categoryLookup(rulesDir) : () => known,
  });
  registerPeopleRoutes(server, app);
  registerSettingsRoutes(server, app, { rulesDir, templatesDir });
  registerControlRoutes(server, app);
  registerMetricsRoutes(server, app);
  registerEventRoutes(server, {
    hub: createEventHub(app, { pollMs: deps.eventsPollMs ?? 1000, logger }),
    heartbeatMs: 15_000,
  });
  registerReadiness(server, queues);
  registerPrometheus(server, createPrometheus({ app, queues }), deps.metricsToken ?? null);
  if (deps.bullBoard ?? true) {
    registerBullBoard(server, queues);
  }
}
