/** What X answers one POST /2/tweets with: the status and the x-rate-limit-remaining / -reset headers. */
export interface XAnswer {
  status: 200 | 429;
  remaining: number;
  /** ms; X sends whole seconds, and its windows here start on whole seconds too. */
  resetAt: number;
}

export interface SimulatedX {
  post(now: number): XAnswer;
  /** Instants of every accepted post, in order. */
  accepted(): number[];
  /** The most posts accepted in one fixed window. */
  maxInWindow(): number;
}

/**
 * X's per-user limit on POST /2/tweets as X enforces it: fixed windows of `windowMs` starting at `windowStart`
 * (a phase we do not know in advance), `limit` calls each, a 429 for every call over it.
 */
export function simulatedX(limit: number, windowMs: number, windowStart: number): SimulatedX {
  const used = new Map<number, number>();
  const times: number[] = [];
  return {
    post(now) {
      const window = Math.floor((now - windowStart) / windowMs);
      const resetAt = windowStart + (window + 1) * windowMs;
      const count = used.get(window) ?? 0;
      if (count >= limit) {
        return { status: 429, remaining: 0, resetAt };
      }
      used.set(window, count + 1);
      times.push(now);
      return { status: 200, remaining: limit - count - 1, resetAt };
    },
    accepted() {
      return [...times];
    },
    maxInWindow() {
      return Math.max(0, ...used.values());
    },
  };
}

/** The most instants of `sorted` inside any half-open span of `spanMs`. */
export function maxInAnySpan(sorted: readonly number[], spanMs: number): number {
  let worst = 0;
  let first = 0;
  for (const [last, instant] of sorted.entries()) {
    while ((sorted[first] ?? instant) <= instant - spanMs) {
      first += 1;
    }
    worst = Math.max(worst, last - first + 1);
  }
  return worst;
}
