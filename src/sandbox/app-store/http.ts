import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json';

/** A request as the route handlers see it: already read, nothing left to stream. */
export interface SandboxHttpRequest {
  method: string;
  /** The URL as the client addressed it, e.g. http://127.0.0.1:PORT/v1/apps/1/customerReviews?limit=5. */
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SandboxHttpResponse {
  status: number;
  /** undefined sends no body (204). */
  body: unknown;
  contentType: string;
  headers?: Record<string, string>;
}

export function jsonResponse(status: number, body: unknown): SandboxHttpResponse {
  return { status, body, contentType: JSON_CONTENT_TYPE };
}

export function noContent(): SandboxHttpResponse {
  return { status: 204, body: undefined, contentType: JSON_CONTENT_TYPE };
}

const MAX_BODY_BYTES = 1_000_000;

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

export function parseJsonBody(request: SandboxHttpRequest): JsonBody {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/(vnd\.api\+)?json\s*(;|$)/i.test(type)) {
    return { ok: false, message: 'The request body must be JSON (content-type: application/json)' };
  }
  try {
    const value: unknown = JSON.parse(request.body);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, message: `The request body is not valid JSON: ${String(error)}` };
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
