import { ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import type { RateLimitReport } from '../responders/types.js';
import {
  DuplicateContent,
  PlatformAuthError,
  PlatformRateLimited,
  PolicyBlocked,
  TransientNetworkError,
} from '../errors.js';

const DUPLICATE_DETAIL = /duplicate content/i;

function problemOf(error: ApiResponseError): { type?: string; detail?: string; title?: string } {
  const data = error.data as unknown;
  return typeof data === 'object' && data !== null
    ? (data as { type?: string; detail?: string })
    : {};
}

/**
 * Maps a twitter-api-v2 error onto our retry-encoding errors. We compare the problem body ourselves:
 * the library's EApiV2ErrorCode URIs do not match the `type` values X really sends (platform-facts §1.8).
 */
export function toPlatformError(error: unknown, now: number): unknown {
  if (error instanceof ApiResponseError) {
    const problem = problemOf(error);
    if (error.rateLimitError || error.code === 429) {
      const resetSeconds = error.rateLimit?.reset;
      const resetAt = resetSeconds ? resetSeconds * 1000 : now + 15 * 60_000;
      return new PlatformRateLimited(
        `X rate limit reached; resets at ${new Date(resetAt).toISOString()}`,
        resetAt,
        {
          cause: error,
        },
      );
    }
    if (error.code === 401) {
      return new PlatformAuthError(
        'X rejected the credentials (401): check X_API_KEY/X_API_SECRET/X_ACCESS_TOKEN/X_ACCESS_SECRET or X_OAUTH2_USER_TOKEN',
        { cause: error },
      );
    }
    if (error.code === 403 && DUPLICATE_DETAIL.test(problem.detail ?? '')) {
      return new DuplicateContent('X rejected the post as duplicate content (403)', {
        cause: error,
      });
    }
    if (error.code === 403) {
      return new PolicyBlocked(
        'platform-forbidden',
        `X refused the request (403): ${problem.detail ?? problem.title ?? 'forbidden'}`,
      );
    }
    if (error.code >= 400 && error.code < 500) {
      return new PolicyBlocked(
        'platform-rejected',
        `X rejected the request (${error.code}): ${problem.detail ?? problem.title ?? error.message}`,
      );
    }
    return new TransientNetworkError(`X answered ${error.code}`, { cause: error });
  }
  if (error instanceof ApiRequestError) {
    const cause = networkErrorOf(error);
    return new TransientNetworkError(`X request failed: ${cause?.message ?? error.message}`, {
      cause: cause ?? error,
    });
  }
  return error;
}

/**
 * The network error (ECONNREFUSED, ECONNRESET, a timeout …) under a request that got no answer. twitter-api-v2
 * 1.29 stores it as `_options.error` while its `requestError` getter reads `_options.requestError`, so the
 * getter is always undefined (the detail-less "Request failed." of plhery/node-twitter-api-v2#353); both are
 * read, so the cause survives whichever the library fixes.
 */
function networkErrorOf(error: ApiRequestError): Error | null {
  const documented: unknown = error.requestError;
  if (documented instanceof Error) {
    return documented;
  }
  const options: unknown = Reflect.get(error, '_options');
  const stored =
    typeof options === 'object' && options !== null
      ? (options as { error?: unknown }).error
      : undefined;
  return stored instanceof Error ? stored : null;
}

/**
 * The 15-minute window twitter-api-v2 parsed from a successful answer's x-rate-limit-* headers, as a spread-in
 * `{ rateLimit }`; nothing when X sent none.
 */
export function rateLimitReport(rateLimit: { remaining: number; reset: number } | undefined): {
  rateLimit?: RateLimitReport;
} {
  if (rateLimit === undefined || !Number.isFinite(rateLimit.remaining) || !rateLimit.reset) {
    return {};
  }
  return { rateLimit: { remaining: rateLimit.remaining, resetAt: rateLimit.reset * 1000 } };
}
