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
    return new TransientNetworkError(`X request failed: ${error.requestError.message}`, {
      cause: error,
    });
  }
  return error;
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
