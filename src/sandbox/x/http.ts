import type { SandboxHttpResponse } from '../shared/http.js';
import type { Problem } from './problems.js';

export {
  jsonResponse,
  parseJsonBody,
  type SandboxHttpRequest,
  type SandboxHttpResponse,
} from '../shared/http.js';

/** X's RFC 7807 problem bodies. */
const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemResponse(status: number, body: Problem): SandboxHttpResponse {
  return { status, body, contentType: PROBLEM_CONTENT_TYPE };
}
