import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, type UserStore } from '../../store/users.js';
import { actorOf, CSRF_COOKIE, readCookie, SESSION_COOKIE, unauthorized } from '../auth.js';
import { ApiError, parseRequest } from '../http.js';

export const LoginBody = z.strictObject({
  name: z.string().min(1).max(64),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});
export type LoginBody = z.infer<typeof LoginBody>;

/** true: always Secure; false: never (plain-HTTP development); 'auto': when the request came over https. */
export type SecureCookies = boolean | 'auto';

export interface SessionRouteOptions {
  users: UserStore;
  secureCookies: SecureCookies;
}

function cookieOptions(
  request: FastifyRequest,
  secure: SecureCookies,
  httpOnly: boolean,
): CookieSerializeOptions {
  // No Max-Age: the browser forgets the cookie when it closes; Redis enforces the sliding 12-hour expiry.
  return {
    path: '/',
    sameSite: 'strict',
    httpOnly,
    secure: secure === 'auto' ? request.protocol === 'https' : secure,
  };
}

function clearSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  secure: SecureCookies,
): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request, secure, true));
  reply.clearCookie(CSRF_COOKIE, cookieOptions(request, secure, false));
}

/** Sign-in, sign-out and "who am I" for the desk; API-token callers only ever use GET. */
export function registerSessionRoutes(server: FastifyInstance, options: SessionRouteOptions): void {
  const { users, secureCookies } = options;

  server.post('/api/session', { config: { public: true } }, async (request, reply) => {
    const { name, password } = parseRequest(LoginBody, request.body, 'body');
    const blockedForMs = await users.loginBlockedForMs(request.ip, name);
    if (blockedForMs > 0) {
      const seconds = Math.ceil(blockedForMs / 1000);
      throw new ApiError(
        429,
        'rate-limited',
        `Too many failed sign-ins; try again in ${seconds} s`,
        {
          headers: { 'retry-after': String(seconds) },
        },
      );
    }
    const user = await users.verifyPassword(name, password);
    if (user === null) {
      await users.recordLoginFailure(request.ip, name);
      // Neither the name nor the password is logged: people type one into the other's field.
      request.log.warn({ ip: request.ip }, 'Sign-in failed');
      throw unauthorized('Wrong name or password');
    }
    await users.clearLoginFailures(name);
    const previous = readCookie(request, SESSION_COOKIE);
    if (previous !== null) {
      await users.destroySession(previous);
    }
    const session = await users.createSession(user.name);
    reply.setCookie(SESSION_COOKIE, session.id, cookieOptions(request, secureCookies, true));
    reply.setCookie(CSRF_COOKIE, session.csrfToken, cookieOptions(request, secureCookies, false));
    request.log.info({ user: user.name, role: user.role }, 'Signed in');
    return { user, csrfToken: session.csrfToken };
  });

  server.get('/api/session', async (request) => ({
    user: actorOf(request),
    via: request.authMethod,
    csrfToken: request.csrfToken,
  }));

  server.delete('/api/session', async (request, reply) => {
    if (request.sessionId !== null) {
      await users.destroySession(request.sessionId);
      clearSessionCookies(request, reply, secureCookies);
    }
    return reply.code(204).send();
  });
}
