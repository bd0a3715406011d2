import type { z } from 'zod';

import type { JsonBody, SandboxHttpRequest, SandboxHttpResponse } from './http.js';

/** "rating: must be ..." lines, one per issue, naming the field. */
function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
}

/** A checked admin body, or the 400 to answer with. */
export type AdminBody<T> = { ok: true; value: T } | { ok: false; response: SandboxHttpResponse };

/** Error answers and body checks for a sandbox's own admin endpoints (not part of any platform). */
export interface AdminJson {
  /** `{ error: 'not-found' | 'invalid-request', message, issues }`; `not-found` for a 404. */
  error(status: number, messages: string[]): SandboxHttpResponse;
  /** The request's JSON body checked against `schema`; a 400 names each offending field. */
  parse<T>(request: SandboxHttpRequest, schema: z.ZodType<T>): AdminBody<T>;
  /** An already parsed JSON value checked against `schema`. */
  check<T>(value: unknown, schema: z.ZodType<T>): AdminBody<T>;
}

/**
 * Admin answers in the platform's JSON conventions: its content type and the request content types it accepts.
 *
 * @example
 * const admin = createAdminJson({ jsonResponse, parseJsonBody });
 * const limits = admin.parse(request, AdminLimits);
 * if (!limits.ok) {
 *   return limits.response; // 400 { error: 'invalid-request', message: 'readsPerHour: ...', issues: [...] }
 * }
 */
export function createAdminJson(platform: {
  jsonResponse(status: number, body: unknown): SandboxHttpResponse;
  parseJsonBody(request: SandboxHttpRequest): JsonBody;
}): AdminJson {
  function error(status: number, messages: string[]): SandboxHttpResponse {
    return platform.jsonResponse(status, {
      error: status === 404 ? 'not-found' : 'invalid-request',
      message: messages.join('; '),
      issues: messages,
    });
  }
  function check<T>(value: unknown, schema: z.ZodType<T>): AdminBody<T> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      return { ok: false, response: error(400, describeIssues(parsed.error)) };
    }
    return { ok: true, value: parsed.data };
  }
  return {
    error,
    check,
    parse(request, schema) {
      const body = platform.parseJsonBody(request);
      return body.ok
        ? check(body.value, schema)
        : { ok: false, response: error(400, [body.message]) };
    },
  };
}

/** Whether the body is a JSON object with `key`, e.g. `raw` for an item injected verbatim. */
export function hasKey(body: JsonBody, key: string): boolean {
  return body.ok && typeof body.value === 'object' && body.value !== null && key in body.value;
}
