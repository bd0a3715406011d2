import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/**
 * HTTP plumbing every sandbox uses the same way. What a platform answers (error shapes, content types, headers)
 * stays in that platform's folder.
 */

/** A request as the route handlers see it: already read, nothing left to stream. */
export interface SandboxHttpRequest {
  method: string;
  /** The URL as the client addressed it, e.g. http://127.0.0.1:PORT/2/tweets?x=1. */
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SandboxHttpResponse {
  status: number;
  /** A string is sent as it is, anything else as JSON; undefined sends no body (204). */
  body: unknown;
  contentType: string;
  headers?: Record<string, string>;
}

/** The JSON content type X and Google send. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function jsonResponse(status: number, body: unknown): SandboxHttpResponse {
  return { status, body, contentType: JSON_CONTENT_TYPE };
}

const MAX_BODY_BYTES = 1_000_000;

/** Thrown by {@link readBody}; each platform answers it in its own error shape. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new BodyTooLargeError(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function send(response: ServerResponse, reply: SandboxHttpResponse): void {
  if (reply.body === undefined) {
    response.writeHead(reply.status, { ...reply.headers });
    response.end();
    return;
  }
  const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    ...reply.headers,
    'content-type': reply.contentType,
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; message: string };

/** `application/json` with any parameters; twitter-api-v2 sends `application/json;charset=UTF-8`. */
const JSON_REQUEST_TYPE = /^application\/json\s*(;|$)/i;

/**
 * The request body as JSON, if its content type matches `accepts` and it parses.
 *
 * @example
 * parseJsonBody(request) // { ok: true, value: { text: 'hi' } }
 */
export function parseJsonBody(request: SandboxHttpRequest, accepts = JSON_REQUEST_TYPE): JsonBody {
  const type = request.headers['content-type'] ?? '';
  if (!accepts.test(type)) {
    return { ok: false, message: 'The request body must be JSON (content-type: application/json)' };
  }
  try {
    const value: unknown = JSON.parse(request.body);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, message: `The request body is not valid JSON: ${String(error)}` };
  }
}

/**
 * The URL the client addressed. The Host header comes first (X's OAuth 1.0a signatures cover it); a Host that
 * does not parse falls back to our own address. A request target that does not parse either throws.
 */
export function requestUrl(incoming: IncomingMessage, origin: string): URL {
  const base = incoming.headers.host ? `http://${incoming.headers.host}` : origin;
  try {
    return new URL(incoming.url ?? '/', base);
  } catch {
    return new URL(incoming.url ?? '/', origin);
  }
}

/** Decoded query parameters; the last value wins when a key repeats. */
export function queryRecord(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    query[key] = value;
  }
  return query;
}
