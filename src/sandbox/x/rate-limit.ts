import type { XEndpointKey, XEndpointLimits, XRateLimits } from './types.js';

export const DAY_MS = 86_400_000;
export const DEFAULT_WINDOW_MS = 900_000;

/** Pay-per-use limits (platform-facts §1.10 B, x-api/fundamentals/rate-limits.mdx @ 2026-08). */
export const DEFAULT_X_RATE_LIMITS: XRateLimits = {
  'GET /2/users/me': { perUser15m: 75 },
  'GET /2/users/:id/mentions': { perUser15m: 300, perApp15m: 450 },
  'GET /2/tweets/search/recent': { perUser15m: 300, perApp15m: 450 },
  // Post lookup by ids: the pay-per-use table (§1.10 B) has no row for it, so this is the GET /2/tweets/:id row
  // (§1.10 A, Pro, the column table B matches for the endpoints it lists).
  'GET /2/tweets': { perUser15m: 900, perApp15m: 450 },
  'POST /2/tweets': { perUser15m: 100, perApp24h: 10_000 },
  'POST /2/dm_conversations/with/:participant_id/messages': {
    perUser15m: 15,
    perUser24h: 1_440,
    perApp24h: 1_440,
  },
  // In neither table of platform-facts §1.10: the DM send's 15 per user per 15 minutes stands in until X's own
  // figure is known (earshot reads a conversation only to settle a DM whose outcome is unknown).
  'GET /2/dm_conversations/with/:participant_id/dm_events': { perUser15m: 15 },
};

export const X_ENDPOINT_KEYS = [
  'GET /2/users/me',
  'GET /2/users/:id/mentions',
  'GET /2/tweets/search/recent',
  'GET /2/tweets',
  'POST /2/tweets',
  'POST /2/dm_conversations/with/:participant_id/messages',
  'GET /2/dm_conversations/with/:participant_id/dm_events',
] as const satisfies readonly XEndpointKey[];

/** Merges overrides into limits: a number sets, `null` removes, an absent key keeps. */
export function mergeLimits(base: XRateLimits, overrides: Partial<XRateLimits> = {}): XRateLimits {
  const merged = { ...base };
  for (const key of X_ENDPOINT_KEYS) {
    const override = overrides[key];
    if (override) {
      merged[key] = { ...base[key], ...override };
    }
  }
  return merged;
}

/** A fixed window that opens at its first request. */
export interface WindowCounter {
  startedAt: number;
  count: number;
}

/** The counter as it stands at `now`: a new window when none exists or the old one has ended. */
export function currentWindow(
  counter: WindowCounter | undefined,
  lengthMs: number,
  now: number,
): WindowCounter {
  if (!counter || now >= counter.startedAt + lengthMs) {
    return { startedAt: now, count: 0 };
  }
  return counter;
}

/** Epoch seconds at which the window ends, rounded up so a client sleeping until then is past it. */
export function resetSeconds(counter: WindowCounter, lengthMs: number): number {
  return Math.ceil((counter.startedAt + lengthMs) / 1000);
}

export type AuthKind = 'user' | 'app';

export interface RateDecision {
  allowed: boolean;
  /** x-rate-limit-* plus 24-hour headers; empty when no limit applies. */
  headers: Record<string, string>;
}

export interface RateLimiter {
  /** Counts one request when every applicable window has room; otherwise counts nothing. */
  take(endpoint: XEndpointKey, auth: AuthKind, userId: string): RateDecision;
  limits(): XRateLimits;
  setLimits(overrides: Partial<XRateLimits>): void;
  /** Forgets every window; limits stay. */
  reset(): void;
}

interface Bucket {
  key: string;
  limit: number;
  lengthMs: number;
}

interface OpenWindow {
  bucket: Bucket;
  counter: WindowCounter;
}

function limitHeaders(prefix: string, window: OpenWindow | undefined): Record<string, string> {
  if (!window) {
    return {};
  }
  const { bucket, counter } = window;
  return {
    [`${prefix}-limit`]: String(bucket.limit),
    [`${prefix}-remaining`]: String(Math.max(0, bucket.limit - counter.count)),
    [`${prefix}-reset`]: String(resetSeconds(counter, bucket.lengthMs)),
  };
}

interface ApplicableBuckets {
  window15?: Bucket;
  user24?: Bucket;
  app24?: Bucket;
}

function applicableBuckets(
  endpoint: XEndpointKey,
  limits: XEndpointLimits,
  auth: AuthKind,
  userId: string,
  windowMs: number,
): ApplicableBuckets {
  const buckets: ApplicableBuckets = {};
  const fifteen = auth === 'user' ? limits.perUser15m : limits.perApp15m;
  if (typeof fifteen === 'number') {
    const owner = auth === 'user' ? `user:${userId}` : 'app';
    buckets.window15 = { key: `${endpoint}|${owner}|15m`, limit: fifteen, lengthMs: windowMs };
  }
  if (auth === 'user' && typeof limits.perUser24h === 'number') {
    buckets.user24 = {
      key: `${endpoint}|user:${userId}|24h`,
      limit: limits.perUser24h,
      lengthMs: DAY_MS,
    };
  }
  if (typeof limits.perApp24h === 'number') {
    buckets.app24 = { key: `${endpoint}|app|24h`, limit: limits.perApp24h, lengthMs: DAY_MS };
  }
  return buckets;
}

export function createRateLimiter(options: {
  limits?: Partial<XRateLimits>;
  windowMs?: number;
  now: () => number;
}): RateLimiter {
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  let limits = mergeLimits(DEFAULT_X_RATE_LIMITS, options.limits);
  const counters = new Map<string, WindowCounter>();

  function open(bucket: Bucket | undefined, now: number): OpenWindow | undefined {
    if (!bucket) {
      return undefined;
    }
    const counter = currentWindow(counters.get(bucket.key), bucket.lengthMs, now);
    counters.set(bucket.key, counter);
    return { bucket, counter };
  }

  return {
    take(endpoint, auth, userId) {
      const now = options.now();
      const buckets = applicableBuckets(endpoint, limits[endpoint], auth, userId, windowMs);
      const window15 = open(buckets.window15, now);
      const user24 = open(buckets.user24, now);
      const app24 = open(buckets.app24, now);
      const windows = [window15, user24, app24].filter(
        (window): window is OpenWindow => window !== undefined,
      );
      const allowed = windows.every(({ bucket, counter }) => counter.count < bucket.limit);
      if (allowed) {
        for (const { counter } of windows) {
          counter.count += 1;
        }
      }

      // X always sends x-rate-limit-*; when an endpoint only has daily limits, they mirror the daily window.
      const headers: Record<string, string> = {
        ...limitHeaders('x-rate-limit', window15 ?? user24 ?? app24),
        ...limitHeaders('x-user-limit-24hour', user24),
        ...limitHeaders('x-app-limit-24hour', app24),
      };
      return { allowed, headers };
    },
    limits() {
      return structuredClone(limits);
    },
    setLimits(overrides) {
      limits = mergeLimits(limits, overrides);
    },
    reset() {
      counters.clear();
    },
  };
}
