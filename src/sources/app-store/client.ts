import {
  PlatformAuthError,
  PlatformRateLimited,
  PolicyBlocked,
  TransientNetworkError,
} from '../../errors.js';
import { AscErrorResponse, type AscError } from './schema.js';

/**
 * The slice of App Store Connect HTTP both the review poller and the response responder use: a bearer token on
 * every call, the `X-Rate-Limit` header read, and Apple's ErrorResponse mapped onto our retry-encoding errors.
 */

export interface AppleTokens {
  token(): Promise<string>;
}

/** `X-Rate-Limit: user-hour-lim:3600;user-hour-rem:120;` (platform-facts §4.5). */
export interface AppStoreRateLimit {
  limit: number;
  remaining: number;
}

export function parseRateLimit(header: string | null): AppStoreRateLimit | undefined {
  if (header === null) {
    return undefined;
  }
  const limit = /user-hour-lim:(\d+)/.exec(header)?.[1];
  const remaining = /user-hour-rem:(\d+)/.exec(header)?.[1];
  if (limit === undefined || remaining === undefined) {
    return undefined;
  }
  return { limit: Number(limit), remaining: Number(remaining) };
}

/** How long to wait when the hourly budget is spent: the window rolls, and Apple does not say when a slot frees. */
export const HOURLY_BUDGET_WAIT_MS = 3_600_000;
/** 429s also come while budget remains (short burst limits, developer forums thread 731014). */
export const BURST_WAIT_MS = 60_000;

/** When to call again after a 429 or a spent budget. */
export function rateLimitResetAt(now: number, rateLimit: AppStoreRateLimit | undefined): number {
  if (rateLimit !== undefined && rateLimit.remaining > 0) {
    return now + BURST_WAIT_MS;
  }
  return now + HOURLY_BUDGET_WAIT_MS;
}

export interface AppStoreHttpResult {
  status: number;
  body: unknown;
  rateLimit: AppStoreRateLimit | undefined;
}

export type FetchLike = typeof fetch;

export interface AppStoreConnectHttp {
  /** `pathOrUrl` is a path under the base URL or an absolute URL from `links.next`. */
  request(
    method: 'GET' | 'POST' | 'DELETE',
    pathOrUrl: string,
    options?: { body?: unknown; signal?: AbortSignal },
  ): Promise<AppStoreHttpResult>;
  /** Whether a URL Apple handed us (links.next) points at the API we were configured with. */
  isSameOrigin(url: string): boolean;
}

export const APP_STORE_CONNECT_BASE_URL = 'https://api.appstoreconnect.apple.com';

export function createAppStoreConnectHttp(options: {
  baseUrl?: string;
  tokens: AppleTokens;
  fetch?: FetchLike;
}): AppStoreConnectHttp {
  const baseUrl = (options.baseUrl ?? APP_STORE_CONNECT_BASE_URL).replace(/\/+$/, '');
  const origin = new URL(baseUrl).origin;
  const fetchImpl = options.fetch ?? fetch;

  return {
    isSameOrigin(url) {
      try {
        return new URL(url).origin === origin;
      } catch {
        return false;
      }
    },
    async request(method, pathOrUrl, { body, signal } = {}) {
      const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${baseUrl}${pathOrUrl}`;
      const token = await options.tokens.token();
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
      };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
      }
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (signal?.aborted) {
          throw error;
        }
        throw new TransientNetworkError(
          `App Store Connect request failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      const text = await response.text();
      let parsed: unknown = text;
      if (text !== '') {
        try {
          parsed = JSON.parse(text) as unknown;
        } catch {
          parsed = text;
        }
      }
      return {
        status: response.status,
        body: parsed,
        rateLimit: parseRateLimit(response.headers.get('x-rate-limit')),
      };
    },
  };
}

/** The first error of an ErrorResponse body, when the body is one. */
export function firstError(body: unknown): AscError | undefined {
  const parsed = AscErrorResponse.safeParse(body);
  return parsed.success ? parsed.data.errors[0] : undefined;
}

function describe(result: AppStoreHttpResult): string {
  const error = firstError(result.body);
  if (!error) {
    return `HTTP ${result.status}`;
  }
  const code = error.code ?? `HTTP ${result.status}`;
  const text = error.detail ?? error.title;
  return text === undefined ? code : `${code}: ${text}`;
}

/**
 * Maps a failed App Store Connect answer onto our errors: 401 and 403 → PlatformAuthError with what to check,
 * 429 → PlatformRateLimited, other 4xx → PolicyBlocked (a retry would fail the same way), 5xx and odd statuses →
 * TransientNetworkError.
 */
export function appStoreError(result: AppStoreHttpResult, now: number, action: string): Error {
  const what = describe(result);
  if (result.status === 401) {
    return new PlatformAuthError(
      `App Store Connect rejected the token while trying to ${action} (401 ${what}): check APP_STORE_KEY_ID, APP_STORE_ISSUER_ID and APP_STORE_PRIVATE_KEY_PATH, and that this machine's clock is right`,
    );
  }
  if (result.status === 403) {
    return new PlatformAuthError(
      `App Store Connect refused to ${action} (403 ${what}): the API key needs the Admin, App Manager or Customer Support role`,
    );
  }
  if (result.status === 429) {
    const resetAt = rateLimitResetAt(now, result.rateLimit);
    return new PlatformRateLimited(
      `App Store Connect rate limit reached (${what}); retry after ${new Date(resetAt).toISOString()}`,
      resetAt,
    );
  }
  if (result.status >= 400 && result.status < 500) {
    const reason = result.status === 404 ? 'platform-not-found' : 'platform-rejected';
    return new PolicyBlocked(
      reason,
      `App Store Connect would not ${action} (${result.status} ${what})`,
    );
  }
  return new TransientNetworkError(`App Store Connect answered ${result.status} (${what})`);
}
