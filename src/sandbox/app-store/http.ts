import {
  parseJsonBody as parseJson,
  type JsonBody,
  type SandboxHttpRequest,
  type SandboxHttpResponse,
} from '../shared/http.js';

export type { SandboxHttpRequest, SandboxHttpResponse } from '../shared/http.js';

/** Apple sends bare `application/json`, without a charset. */
export const JSON_CONTENT_TYPE = 'application/json';

export function jsonResponse(status: number, body: unknown): SandboxHttpResponse {
  return { status, body, contentType: JSON_CONTENT_TYPE };
}

export function noContent(): SandboxHttpResponse {
  return { status: 204, body: undefined, contentType: JSON_CONTENT_TYPE };
}

/** JSON:API bodies may also come as `application/vnd.api+json`. */
const JSON_REQUEST_TYPE = /^application\/(vnd\.api\+)?json\s*(;|$)/i;

export function parseJsonBody(request: SandboxHttpRequest): JsonBody {
  return parseJson(request, JSON_REQUEST_TYPE);
}
