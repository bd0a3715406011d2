/**
 * Token buckets for the platforms' write limits. Pure: plain data in, plain data out, time is a parameter.
 * `src/queue/rate-budget.ts` runs the same algorithm as one Lua script so every process shares one bucket;
 * keep the two in step (test/integration/rate-budget.test.ts replays random sequences through both).
 *
 * Refill is stepwise: `refillTokens` land every `refillEveryMs` after `updatedAt`, never more than
 * `capacity` held. Integer arithmetic only, so the JavaScript and the Lua version agree to the millisecond.
 */

/**
 * How one bucket fills. Positive integers.
 *
 * @example
 * { capacity: 5, refillTokens: 1, refillEveryMs: 10_112 } // 'x:post' on X pay-per-use
 */
export interface BucketConfig {
  capacity: number;
  refillTokens: number;
  refillEveryMs: number;
}

/**
 * One bucket's state: what the Redis hash `<prefix>:budget:<name>` holds. A bucket nobody has used is full
 * (see `fullBucket`).
 *
 * @example
 * { tokens: 3, updatedAt: 1795600000000, blockedUntil: 0, capUntil: 1795600600000, capLeft: 40 }
 */
export interface BucketState {
  tokens: number;
  /** The instant (ms) of the last refill step; the next step lands at `updatedAt + refillEveryMs`. */
  updatedAt: number;
  /** No token is granted before this instant (ms): the platform said its window is spent. 0 when not blocked. */
  blockedUntil: number;
  /**
   * Until this instant (ms), the end of the platform's current window, at most `capLeft` more tokens are
   * granted: what the platform said is left of it (others post under the same limit). 0 when there is no cap.
   */
  capUntil: number;
  capLeft: number;
}

/**
 * The outcome of one `take`.
 *
 * @example
 * { granted: false, state, retryAt: 1795600010112 }
 */
export interface TakeResult {
  granted: boolean;
  state: BucketState;
  /** When a token will be there (ms), when none was granted; null when one was. */
  retryAt: number | null;
}

/** How a platform counts: X and Google Play in fixed windows (15 min, the Pacific day), Apple in a rolling hour. */
export type WindowKind = 'fixed' | 'rolling';

/**
 * One published limit: at most `limit` calls in `windowMs`.
 *
 * @example
 * { limit: 100, windowMs: 900_000, kind: 'fixed' } // POST /2/tweets, per user, pay-per-use
 */
export interface RateLimit {
  limit: number;
  windowMs: number;
  kind: WindowKind;
}

/**
 * How `bucketsFromLimits` turns a limit into a bucket.
 *
 * @example
 * { burstShare: 0.05, reserveShare: 0.05, latencyMarginMs: 10_000 }
 */
export interface SizingOptions {
  /** Share of the limit that may go out at once (the capacity); at least 1 token. */
  burstShare: number;
  /** Share of the limit left unused: posts people make outside earshot count against the same per-user limit. */
  reserveShare: number;
  /** The longest a call may take from `take` to reaching the platform (queueing, retries, the HTTP timeout). */
  latencyMarginMs: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const DEFAULT_SIZING: SizingOptions = {
  burstShare: 0.05,
  reserveShare: 0.05,
  latencyMarginMs: 10_000,
};

/**
 * Write limits on X pay-per-use (platform-facts.md §1.10 table B), the App Store Connect API (§4.5) and the
 * Google Play Reply to Reviews API (§5.3). A budget with several limits must keep to all of them.
 */
export const PAY_PER_USE_LIMITS = {
  'x:post': [
    { limit: 100, windowMs: 15 * MINUTE_MS, kind: 'fixed' },
    { limit: 10_000, windowMs: DAY_MS, kind: 'fixed' },
  ],
  'x:dm': [
    { limit: 15, windowMs: 15 * MINUTE_MS, kind: 'fixed' },
    { limit: 1_440, windowMs: DAY_MS, kind: 'fixed' },
  ],
  'app-store:reply': [{ limit: 3_600, windowMs: HOUR_MS, kind: 'rolling' }],
  'google-play:reply': [{ limit: 2_000, windowMs: DAY_MS, kind: 'fixed' }],
} as const satisfies Record<string, readonly RateLimit[]>;

function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/** Throws a RangeError unless every field is a positive integer (the Lua version relies on it). */
export function assertBucketConfig(config: BucketConfig, name = 'bucket'): void {
  for (const field of ['capacity', 'refillTokens', 'refillEveryMs'] as const) {
    if (!isPositiveInteger(config[field])) {
      throw new RangeError(`${name}.${field} must be a positive integer, got ${config[field]}`);
    }
  }
}

/** The state of a bucket nobody has used yet (or whose Redis key expired, which happens only once it is full). */
export function fullBucket(config: BucketConfig, now: number): BucketState {
  return { tokens: config.capacity, updatedAt: now, blockedUntil: 0, capUntil: 0, capLeft: 0 };
}

/**
 * Adds the refill steps that landed up to `now`, keeping the step phase (a clock behind `updatedAt` adds none),
 * and drops a cap whose window has ended.
 */
export function refill(state: BucketState, config: BucketConfig, now: number): BucketState {
  const steps =
    now > state.updatedAt ? Math.floor((now - state.updatedAt) / config.refillEveryMs) : 0;
  const capped = now < state.capUntil;
  return {
    tokens: Math.min(config.capacity, state.tokens + steps * config.refillTokens),
    updatedAt: state.updatedAt + steps * config.refillEveryMs,
    blockedUntil: state.blockedUntil,
    capUntil: capped ? state.capUntil : 0,
    capLeft: capped ? state.capLeft : 0,
  };
}

/** When the bucket (already refilled) next holds a whole token, ignoring `blockedUntil`. */
function nextTokenAt(state: BucketState, config: BucketConfig, now: number): number {
  if (state.tokens >= 1) {
    return now;
  }
  const steps = Math.ceil((1 - state.tokens) / config.refillTokens);
  return state.updatedAt + steps * config.refillEveryMs;
}

/** Takes one token at `now`, or says when to come back. */
export function take(state: BucketState, config: BucketConfig, now: number): TakeResult {
  const current = refill(state, config, now);
  const capSpent = current.capUntil > 0 && current.capLeft < 1;
  if (now < current.blockedUntil || current.tokens < 1 || capSpent) {
    return {
      granted: false,
      state: current,
      retryAt: Math.max(
        current.blockedUntil,
        nextTokenAt(current, config, now),
        capSpent ? current.capUntil : 0,
      ),
    };
  }
  return {
    granted: true,
    state: {
      ...current,
      tokens: current.tokens - 1,
      capLeft: current.capUntil > 0 ? current.capLeft - 1 : 0,
    },
    retryAt: null,
  };
}

/**
 * Aligns the bucket with what the platform reported after a call: `remaining` calls until its window resets
 * at `resetAt` (ms; X sends `x-rate-limit-reset` in seconds).
 *
 * - `remaining` 0 (or a 429): nothing is granted before `resetAt`.
 * - Otherwise at most `remaining` more tokens are granted before `resetAt` (people posting from the X app share
 *   the per-user limit): the bucket keeps at most that many and caps its grants until the reset, while its
 *   refills go on at their own pace.
 * - Reports about the same window only lower the cap (answers can arrive out of order); one about a later
 *   window replaces it; one about an earlier or already reset window changes nothing. Tokens are never raised.
 */
export function observe(
  state: BucketState,
  config: BucketConfig,
  remaining: number,
  resetAt: number,
  now: number,
): BucketState {
  const current = refill(state, config, now);
  if (resetAt <= now || resetAt < current.capUntil) {
    return current;
  }
  const allowed = Math.max(0, Math.floor(remaining));
  return {
    tokens: Math.min(current.tokens, allowed),
    updatedAt: current.updatedAt,
    blockedUntil: allowed === 0 ? Math.max(current.blockedUntil, resetAt) : current.blockedUntil,
    capUntil: resetAt,
    capLeft: resetAt === current.capUntil ? Math.min(current.capLeft, allowed) : allowed,
  };
}

/**
 * The most tokens a bucket can grant within any span of `spanMs`: a full bucket plus every refill step that
 * can land inside the span.
 */
export function worstCaseInSpan(config: BucketConfig, spanMs: number): number {
  return config.capacity + config.refillTokens * Math.ceil(spanMs / config.refillEveryMs);
}

/**
 * A bucket that keeps to every limit in `limits`.
 *
 * X counts in fixed 15-minute windows, not as a leaky bucket: a bucket of capacity C refilling R per window can
 * spend C at the end of one X window and C + R in the next, so sizing the refill alone to the limit draws 429s.
 * We size so that ANY span of `windowMs + latencyMarginMs` holds at most `limit − reserve` grants:
 *
 *   capacity + ⌈(windowMs + latencyMarginMs) / refillEveryMs⌉ ≤ limit − reserve   (refillTokens = 1)
 *
 * Any span covers every fixed window whatever its phase (we never know where X's window starts), a rolling
 * window is such a span, and the latency margin covers calls that reach the platform later than they took
 * their token. For several limits the smallest capacity and the slowest refill keep to all of them.
 */
export function bucketFor(
  limits: readonly RateLimit[],
  sizing: SizingOptions = DEFAULT_SIZING,
): BucketConfig {
  let capacity = Number.POSITIVE_INFINITY;
  let refillEveryMs = 0;
  for (const { limit, windowMs } of limits) {
    const burst = Math.max(1, Math.floor(limit * sizing.burstShare));
    const reserve = Math.ceil(limit * sizing.reserveShare);
    const steps = limit - reserve - burst;
    if (steps < 1) {
      throw new RangeError(
        `A limit of ${limit} per ${windowMs} ms leaves no refill after a burst of ${burst} and a reserve of ${reserve}`,
      );
    }
    capacity = Math.min(capacity, burst);
    refillEveryMs = Math.max(refillEveryMs, Math.ceil((windowMs + sizing.latencyMarginMs) / steps));
  }
  if (!Number.isFinite(capacity)) {
    throw new RangeError('A budget needs at least one limit');
  }
  return { capacity, refillTokens: 1, refillEveryMs };
}

/** One bucket per budget name, from a tier's limit table (default: `PAY_PER_USE_LIMITS`). */
export function bucketsFromLimits<Name extends string>(
  limits: Readonly<Record<Name, readonly RateLimit[]>>,
  sizing: SizingOptions = DEFAULT_SIZING,
): Record<Name, BucketConfig> {
  const configs = {} as Record<Name, BucketConfig>;
  for (const name of Object.keys(limits) as Name[]) {
    configs[name] = bucketFor(limits[name], sizing);
  }
  return configs;
}
