import { describe, expect, it } from 'vitest';
import {
  assertBucketConfig,
  bucketFor,
  bucketsFromLimits,
  DEFAULT_SIZING,
  fullBucket,
  observe,
  PAY_PER_USE_LIMITS,
  refill,
  take,
  worstCaseInSpan,
  type BucketConfig,
  type BucketState,
  type RateLimit,
} from '../../src/core/token-bucket.js';

const T0 = 1_795_600_000_000;
const TEN: BucketConfig = { capacity: 10, refillTokens: 2, refillEveryMs: 1_000 };

function state(
  tokens: number,
  updatedAt = T0,
  blockedUntil = 0,
  cap: { until: number; left: number } = { until: 0, left: 0 },
): BucketState {
  return { tokens, updatedAt, blockedUntil, capUntil: cap.until, capLeft: cap.left };
}

describe('refill', () => {
  it.each`
    case                               | tokens | updatedAt   | now            | expectedTokens | expectedUpdatedAt
    ${'nothing before the first step'} | ${3}   | ${T0}       | ${T0 + 999}    | ${3}           | ${T0}
    ${'one step'}                      | ${3}   | ${T0}       | ${T0 + 1_000}  | ${5}           | ${T0 + 1_000}
    ${'keeps the step phase'}          | ${3}   | ${T0}       | ${T0 + 2_500}  | ${7}           | ${T0 + 2_000}
    ${'never above capacity'}          | ${3}   | ${T0}       | ${T0 + 60_000} | ${10}          | ${T0 + 60_000}
    ${'a clock behind adds nothing'}   | ${3}   | ${T0}       | ${T0 - 5_000}  | ${3}           | ${T0}
    ${'a postponed step waits'}        | ${0}   | ${T0 + 500} | ${T0 + 1_499}  | ${0}           | ${T0 + 500}
    ${'clamps a lowered capacity'}     | ${15}  | ${T0}       | ${T0}          | ${10}          | ${T0}
  `('$case', ({ tokens, updatedAt, now, expectedTokens, expectedUpdatedAt }) => {
    const result = refill(state(tokens as number, updatedAt as number), TEN, now as number);

    expect(result).toEqual(state(expectedTokens as number, expectedUpdatedAt as number));
  });
});

describe('take', () => {
  it.each`
    case                                     | tokens | blockedUntil  | now           | granted  | tokensAfter | retryAt
    ${'grants from a full bucket'}           | ${10}  | ${0}          | ${T0}         | ${true}  | ${9}        | ${null}
    ${'grants the last token'}               | ${1}   | ${0}          | ${T0}         | ${true}  | ${0}        | ${null}
    ${'empty: retry at the next step'}       | ${0}   | ${0}          | ${T0 + 400}   | ${false} | ${0}        | ${T0 + 1_000}
    ${'empty, refilled by now'}              | ${0}   | ${0}          | ${T0 + 1_000} | ${true}  | ${1}        | ${null}
    ${'blocked with tokens: retry at block'} | ${5}   | ${T0 + 9_000} | ${T0}         | ${false} | ${5}        | ${T0 + 9_000}
    ${'blocked, tokens by then'}             | ${0}   | ${T0 + 9_000} | ${T0}         | ${false} | ${0}        | ${T0 + 9_000}
    ${'block ends: grants'}                  | ${0}   | ${T0 + 9_000} | ${T0 + 9_000} | ${true}  | ${9}        | ${null}
  `('$case', ({ tokens, blockedUntil, now, granted, tokensAfter, retryAt }) => {
    const result = take(state(tokens as number, T0, blockedUntil as number), TEN, now as number);

    expect(result.granted).toBe(granted);
    expect(result.state.tokens).toBe(tokensAfter);
    expect(result.retryAt).toBe(retryAt);
  });

  it('a block ending before the next step waits for the step', () => {
    const config: BucketConfig = { capacity: 1, refillTokens: 1, refillEveryMs: 10_000 };

    const result = take(state(0, T0, T0 + 2_000), config, T0 + 1_000);

    expect(result).toEqual({
      granted: false,
      state: state(0, T0, T0 + 2_000),
      retryAt: T0 + 10_000,
    });
  });

  it('grants capacity at once, then one refill step at a time', () => {
    const config: BucketConfig = { capacity: 3, refillTokens: 1, refillEveryMs: 1_000 };
    let bucket = fullBucket(config, T0);
    const grants: number[] = [];

    for (let now = T0; now < T0 + 5_000; now += 100) {
      const result = take(bucket, config, now);
      bucket = result.state;
      if (result.granted) {
        grants.push(now - T0);
      }
    }

    expect(grants).toEqual([0, 100, 200, 1_000, 2_000, 3_000, 4_000]);
  });
});

describe('observe', () => {
  it.each`
    case                                                | tokens | cap                                 | remaining | resetAt        | now            | expected
    ${'plenty left at X: a cap of what X allows'}       | ${4}   | ${undefined}                        | ${90}     | ${T0 + 10_000} | ${T0}          | ${state(4, T0, 0, { until: T0 + 10_000, left: 90 })}
    ${'X has fewer than we hold: lowered and capped'}   | ${8}   | ${undefined}                        | ${3}      | ${T0 + 10_000} | ${T0}          | ${state(3, T0, 0, { until: T0 + 10_000, left: 3 })}
    ${'remaining 0: blocked until the reset'}           | ${8}   | ${undefined}                        | ${0}      | ${T0 + 10_000} | ${T0}          | ${state(0, T0, T0 + 10_000, { until: T0 + 10_000, left: 0 })}
    ${'a stale report changes nothing'}                 | ${8}   | ${undefined}                        | ${0}      | ${T0 + 10_000} | ${T0 + 10_000} | ${state(10, T0 + 10_000)}
    ${'never raised above what we hold'}                | ${2}   | ${undefined}                        | ${50}     | ${T0 + 500}    | ${T0}          | ${state(2, T0, 0, { until: T0 + 500, left: 50 })}
    ${'fractional remaining rounds down'}               | ${6}   | ${undefined}                        | ${2.9}    | ${T0 + 800}    | ${T0}          | ${state(2, T0, 0, { until: T0 + 800, left: 2 })}
    ${'same window: a higher report keeps the lower'}   | ${6}   | ${{ until: T0 + 10_000, left: 3 }}  | ${5}      | ${T0 + 10_000} | ${T0}          | ${state(5, T0, 0, { until: T0 + 10_000, left: 3 })}
    ${'same window: a lower report lowers'}             | ${6}   | ${{ until: T0 + 10_000, left: 3 }}  | ${1}      | ${T0 + 10_000} | ${T0}          | ${state(1, T0, 0, { until: T0 + 10_000, left: 1 })}
    ${'a later window replaces the cap'}                | ${6}   | ${{ until: T0 + 10_000, left: 0 }}  | ${40}     | ${T0 + 20_000} | ${T0}          | ${state(6, T0, 0, { until: T0 + 20_000, left: 40 })}
    ${'an earlier window than the cap changes nothing'} | ${6}   | ${{ until: T0 + 20_000, left: 40 }} | ${0}      | ${T0 + 10_000} | ${T0}          | ${state(6, T0, 0, { until: T0 + 20_000, left: 40 })}
  `('$case', ({ tokens, cap, remaining, resetAt, now, expected }) => {
    const result = observe(
      state(tokens as number, T0, 0, cap as { until: number; left: number } | undefined),
      TEN,
      remaining as number,
      resetAt as number,
      now as number,
    );

    expect(result).toEqual(expected);
  });

  it('grants nothing before X resets, then resumes', () => {
    const blocked = observe(state(5), TEN, 0, T0 + 30_000, T0);

    const before = take(blocked, TEN, T0 + 29_999);
    const at = take(blocked, TEN, T0 + 30_000);

    expect(before).toMatchObject({ granted: false, retryAt: T0 + 30_000 });
    expect(at.granted).toBe(true);
  });

  it('after X reports fewer remaining, spends at most that many before the reset', () => {
    const config: BucketConfig = { capacity: 5, refillTokens: 1, refillEveryMs: 1_000 };
    let bucket = observe(fullBucket(config, T0), config, 3, T0 + 60_000, T0);
    let grantedBeforeReset = 0;

    for (let now = T0; now < T0 + 60_000; now += 250) {
      const result = take(bucket, config, now);
      bucket = result.state;
      grantedBeforeReset += result.granted ? 1 : 0;
    }

    expect(grantedBeforeReset).toBe(3);
    expect(take(bucket, config, T0 + 60_000).granted).toBe(true);
  });

  it('keeps its own pace under the cap: the allowed tokens are not held back until the reset', () => {
    const config: BucketConfig = { capacity: 1, refillTokens: 1, refillEveryMs: 1_000 };
    let bucket = observe(state(0), config, 4, T0 + 900_000, T0);
    const grants: number[] = [];

    for (let now = T0; now < T0 + 900_000; now += 500) {
      const result = take(bucket, config, now);
      bucket = result.state;
      if (result.granted) {
        grants.push(now - T0);
      }
    }

    expect(grants).toEqual([1_000, 2_000, 3_000, 4_000]);
    expect(take(bucket, config, T0 + 4_500)).toMatchObject({
      granted: false,
      retryAt: T0 + 900_000,
    });
  });
});

describe('sizing', () => {
  it.each`
    name                   | capacity | refillTokens | refillEveryMs
    ${'x:post'}            | ${5}     | ${1}         | ${10_112}
    ${'x:dm'}              | ${1}     | ${1}         | ${70_000}
    ${'app-store:reply'}   | ${180}   | ${1}         | ${1_115}
    ${'google-play:reply'} | ${100}   | ${1}         | ${48_006}
  `('$name from the pay-per-use table', ({ name, capacity, refillTokens, refillEveryMs }) => {
    const configs = bucketsFromLimits(PAY_PER_USE_LIMITS);

    expect(configs[name as keyof typeof configs]).toEqual({
      capacity,
      refillTokens,
      refillEveryMs,
    });
  });

  it.each(Object.entries(PAY_PER_USE_LIMITS))(
    '%s: any window plus the latency margin holds at most limit − reserve grants',
    (_name, limits) => {
      const config = bucketFor(limits);

      for (const { limit, windowMs } of limits) {
        expect(
          worstCaseInSpan(config, windowMs + DEFAULT_SIZING.latencyMarginMs),
        ).toBeLessThanOrEqual(limit - Math.ceil(limit * DEFAULT_SIZING.reserveShare));
      }
    },
  );

  it('a greedy caller never spends more than X allows in any 15-minute span', () => {
    const config = bucketFor(PAY_PER_USE_LIMITS['x:post']);
    const window = 15 * 60_000;
    let bucket = fullBucket(config, T0);
    const grants: number[] = [];

    for (let now = T0; now < T0 + 4 * 3_600_000; now += 37) {
      const result = take(bucket, config, now);
      bucket = result.state;
      if (result.granted) {
        grants.push(now);
      }
    }
    let worst = 0;
    let start = 0;
    for (const [end, at] of grants.entries()) {
      while ((grants[start] ?? at) <= at - window) {
        start += 1;
      }
      worst = Math.max(worst, end - start + 1);
    }

    expect(worst).toBeLessThanOrEqual(95);
    expect(worst).toBeGreaterThan(85);
  });

  it('a bucket refilling the limit per window would overshoot X: the reason for the rule', () => {
    const naive: BucketConfig = { capacity: 100, refillTokens: 100, refillEveryMs: 15 * 60_000 };

    expect(worstCaseInSpan(naive, 15 * 60_000)).toBe(200);
  });

  it.each`
    case                     | limits
    ${'no limits'}           | ${[]}
    ${'too small to refill'} | ${[{ limit: 2, windowMs: 60_000, kind: 'fixed' }]}
  `('rejects $case', ({ limits }) => {
    expect(() => bucketFor(limits as RateLimit[])).toThrow(RangeError);
  });

  it.each`
    config
    ${{ capacity: 0, refillTokens: 1, refillEveryMs: 1 }}
    ${{ capacity: 1, refillTokens: 1.5, refillEveryMs: 1 }}
    ${{ capacity: 1, refillTokens: 1, refillEveryMs: Number.NaN }}
  `('assertBucketConfig rejects $config', ({ config }) => {
    expect(() => assertBucketConfig(config as BucketConfig)).toThrow(RangeError);
  });
});
