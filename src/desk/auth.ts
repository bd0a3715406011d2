import { fastifyCookie } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Role } from '../app/drafts.js';
import { safeEqual, type UserStore } from '../store/users.js';
import { ApiError, sendError } from './http.js';

/** How the request proved who it is: an API token (Authorization: Bearer) or the desk's session cookie. */
export type AuthMethod = 'token' | 'session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every non-public route; read it with `actorOf`. */
    actor: Actor | null;
    authMethod: AuthMethod | null;
    /** The session's CSRF token (session auth only). */
    csrfToken: string | null;
    /** The raw session id from the cookie (session auth only), so logout can end it. */
    sessionId: string | null;
  }

  interface FastifyContextConfig {
    /** Reachable without credentials (health check, login). Everything else needs them. */
    public?: boolean;
    /** The least role the route needs; viewer when absent. */
    minRole?: Role;
  }
}

export const SESSION_COOKIE = 'earshot_session';
/** Readable by the desk's scripts so they can echo it in the CSRF header after a reload. */
export const CSRF_COOKIE = 'earshot_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ROLE_RANK: Record<Role, number> = { viewer: 0, approver: 1, admin: 2 };

export function hasRole(actor: Actor, least: Role): boolean {
  return ROLE_RANK[actor.role] >= ROLE_RANK[least];
}

export function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message, {
    headers: { 'www-authenticate': 'Bearer realm="earshot"' },
  });
}

export function readCookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (header === undefined || header === '') {
    return null;
  }
  return fastifyCookie.parse(header)[name] ?? null;
}

async function authenticate(request: FastifyRequest, users: UserStore): Promise<ApiError | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    // An Authorization header is taken at its word: a bad one never falls back to the cookie.
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const user = match?.[1] === undefined ? null : await users.resolveApiToken(match[1]);
    if (user === null) {
      return unauthorized('The API token is invalid or revoked');
    }
    request.actor = user;
    request.authMethod = 'token';
    return null;
  }
  const sessionId = readCookie(request, SESSION_COOKIE);
  if (sessionId === null) {
    return unauthorized(
      'Sign in with POST /api/session or send Authorization: Bearer <token> (create one with `earshot users token`)',
    );
  }
  const session = await users.resolveSession(sessionId);
  if (session === null) {
    return unauthorized('The session has expired or ended; sign in again');
  }
  request.actor = { name: session.name, role: session.role };
  request.authMethod = 'session';
  request.csrfToken = session.csrfToken;
  request.sessionId = sessionId;
  return null;
}

function checkCsrf(request: FastifyRequest): ApiError | null {
  if (request.authMethod !== 'session' || SAFE_METHODS.has(request.method)) {
    return null;
  }
  const sent = request.headers[CSRF_HEADER];
  if (
    typeof sent !== 'string' ||
    request.csrfToken === null ||
    !safeEqual(sent, request.csrfToken)
  ) {
    return new ApiError(
      403,
      'csrf',
      `Requests that change something need the ${CSRF_HEADER} header with the csrfToken returned at sign-in`,
    );
  }
  return null;
}

/**
 * The onRequest hook: credentials, then CSRF, then role, all before the body is read or validated, so an
 * anonymous caller learns nothing about routes, drafts or payload rules.
 */
export function createAuthHook(users: UserStore) {
  return async function authHook(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> {
    if (request.routeOptions.config.public === true) {
      return undefined;
    }
    const refused =
      (await authenticate(request, users)) ??
      checkCsrf(request) ??
      checkRole(request, request.routeOptions.config.minRole ?? 'viewer');
    // Fastify stops the lifecycle when an async hook returns the reply it has sent.
    return refused === null ? undefined : sendError(reply, refused);
  };
}

function checkRole(request: FastifyRequest, least: Role): ApiError | null {
  if (request.actor === null || hasRole(request.actor, least)) {
    return null;
  }
  return new ApiError(
    403,
    'forbidden',
    `${request.actor.name} is a ${request.actor.role}; this needs the ${least} role or higher`,
  );
}

/** The authenticated actor; the auth hook guarantees one on every non-public route. */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === null) {
    throw new ApiError(401, 'unauthorized', 'Not signed in');
  }
  return request.actor;
}
