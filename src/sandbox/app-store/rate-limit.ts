export const HOUR_MS = 3_600_000;
export const DEFAULT_HOURLY_LIMIT = 3600;

export interface RateDecision {
  allowed: boolean;
  /** `X-Rate-Limit: user-hour-lim:3600;user-hour-rem:N;` (platform-facts §4.5). */
  headers: Record<string, string>;
}

export interface HourlyLimiter {
  /** Counts one request when the rolling hour has room; otherwise counts nothing. */
  take(): RateDecision;
  /** Requests left in the rolling hour, without counting one. */
  remaining(): number;
  limit(): number;
  setLimit(limit: number): void;
  reset(): void;
}

/** A rolling one-hour window per API key, as App Store Connect applies it. */
export function createHourlyLimiter(options: { limit: number; now: () => number }): HourlyLimiter {
  let limit = options.limit;
  const stamps: number[] = [];

  function prune(now: number): void {
    while (stamps.length > 0 && (stamps[0] ?? 0) <= now - HOUR_MS) {
      stamps.shift();
    }
  }

  function header(remaining: number): Record<string, string> {
    return { 'x-rate-limit': `user-hour-lim:${limit};user-hour-rem:${remaining};` };
  }

  return {
    take() {
      const now = options.now();
      prune(now);
      if (stamps.length >= limit) {
        return { allowed: false, headers: header(0) };
      }
      stamps.push(now);
      return { allowed: true, headers: header(limit - stamps.length) };
    },
    remaining() {
      prune(options.now());
      return Math.max(0, limit - stamps.length);
    },
    limit() {
      return limit;
    },
    setLimit(next) {
      limit = next;
    },
    reset() {
      stamps.length = 0;
    },
  };
}
