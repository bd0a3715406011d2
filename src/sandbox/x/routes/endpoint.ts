import type { SandboxHttpRequest, SandboxHttpResponse } from '../http.js';
import type { SandboxState } from '../state.js';
import type { XEndpointKey } from '../types.js';

export interface EndpointInput {
  state: SandboxState;
  request: SandboxHttpRequest;
  /** Path captures, in order (e.g. the `:id` of /2/users/:id/mentions). */
  params: string[];
  now: number;
}

/** One X API v2 operation the sandbox serves. */
export interface Endpoint {
  key: XEndpointKey;
  method: 'GET' | 'POST';
  path: RegExp;
  /** Whether the spec's security lists BearerToken (app-only) for this operation. */
  allowsAppOnly: boolean;
  handle(input: EndpointInput): SandboxHttpResponse;
}
