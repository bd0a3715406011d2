import type { SandboxHttpRequest, SandboxHttpResponse } from '../http.js';
import type { SandboxState } from '../state.js';

export interface EndpointInput {
  state: SandboxState;
  request: SandboxHttpRequest;
  /** Path captures, in order (e.g. the `{id}` of /v1/apps/{id}/customerReviews). */
  params: string[];
  now: number;
  /** Scheme, host and port as the client addressed us; every link the sandbox returns starts with it. */
  origin: string;
}

/** One App Store Connect operation the sandbox serves. */
export interface Endpoint {
  method: 'GET' | 'POST' | 'DELETE';
  path: RegExp;
  handle(input: EndpointInput): SandboxHttpResponse;
}

/** The request's own URL, its query form-encoded as Apple's links are (`fields%5BcustomerReviews%5D=...`). */
export function selfLink(input: EndpointInput): string {
  const query = new URLSearchParams(input.request.url.searchParams).toString();
  return `${input.origin}${input.request.url.pathname}${query === '' ? '' : `?${query}`}`;
}
