import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

import type { Problem } from './problems.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

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
  body: unknown;
  contentType: string;
  headers?: Record<string, string>;
}

export function jsonResponse(status: number, body: unknown): SandboxHttpResponse {
  return { status, body, contentType: JSON_CONTENT_TYPE };
}

export function problemResponse(status: number, body: Problem): SandboxHttpResponse {
  return { status, body, contentType: PROBLEM_CONTENT_TYPE };
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
  const payload = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    ...reply.headers,
    'content-type': reply.contentType,
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

/** Whether the request declares a JSON body (twitter-api-v2 sends `application/json;charset=UTF-8`). */
export function isJsonRequest(request: SandboxHttpRequest): boolean {
  const type = request.headers['content-type'] ?? '';
  return /^application\/json\s*(;|$)/i.test(type);
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJsonBody(request: SandboxHttpRequest): JsonBody {
  if (!isJsonRequest(request)) {
    return { ok: false, message: 'The request body must be JSON (content-type: application/json)' };
  }
  try {
    const value: unknown = JSON.parse(request.body);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, message: `The request body is not valid JSON: ${String(error)}` };
  }
}
