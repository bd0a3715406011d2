import type { ApiErrorBody } from '../../http.js';

/** Who is signed in, as `GET /api/session` answers. */
export interface SessionInfo {
  user: { name: string; role: 'viewer' | 'approver' | 'admin' };
  csrfToken: string | null;
}

/** A refused or failed API call, with the API's error body when it sent one. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly body: ApiErrorBody | null;

  constructor(status: number, body: ApiErrorBody | null) {
    super(body?.message ?? `The server answered ${status}`);
    this.name = 'ApiFailure';
    this.status = status;
    this.body = body;
  }
}

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request answers 401: the session ended, so the page goes back to sign-in. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (method !== 'GET' && csrfToken !== null) {
    headers['x-csrf-token'] = csrfToken;
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) {
    return undefined as T;
  }
  const parsed = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/session') {
      onUnauthorized();
    }
    throw new ApiFailure(response.status, parsed as ApiErrorBody | null);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** The query string of the defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
