import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fullBucket,
  observe,
  take,
  type BucketConfig,
  type BucketState,
} from '../../src/core/token-bucket.js';
import { budgetKey, createRateBudget, DEFAULT_BUDGETS } from '../../src/queue/rate-budget.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { seededRandom as random } from '../../src/core/seeded-random.js';

const T0 = 1_795_600_000_000;

let prefix = uniquePrefix();
let clients: Redis[] = [];

function connect(): Redis {
  const redis = new Redis(REDIS_URL);
  clients.push(redis);
  return redis;
}

afterEach(async () => {
  for (const redis of clients) {
    redis.disconnect();
  }
  clients = [];
  await deletePrefix(prefix);
  prefix = uniquePrefix();
});

async function stored(redis: Redis): Promise<BucketState> {
  const hash = await redis.hgetall(budgetKey(prefix, 'x:post'));
  return {
    tokens: Number(hash.tokens),
    updatedAt: Number(hash.updatedAt),
    blockedUntil: Number(hash.blockedUntil),
    capUntil: Number(hash.capUntil),
    capLeft: Number(hash.capLeft),
  };
}

describe('createRateBudget (real Redis)', () => {
  it.each`
    seed    | config
    ${1}    | ${{ capacity: 5, refillTokens: 1, refillEveryMs: 1_000 }}
    ${2}    | ${{ capacity: 3, refillTokens: 2, refillEveryMs: 700 }}
    ${3}    | ${{ capacity: 1, refillTokens: 1, refillEveryMs: 10_112 }}
    ${2026} | ${DEFAULT_BUDGETS['x:post']}
  `(
    'the Lua script grants exactly what the pure bucket grants (seed $seed)',
    async ({ seed, config }) => {
      const bucketConfig = config as BucketConfig;
      const redis = connect();
      const budget = createRateBudget(redis, prefix, { 'x:post': bucketConfig });
      const next = random(seed as number);
      let expected = fullBucket(bucketConfig, T0);
      let now = T0;
      const pure: (number | boolean | null)[] = [];
      const lua: (number | boolean | null)[] = [];

      for (let step = 0; step < 400; step += 1) {
        if (next() < 0.15) {
          const remaining = Math.floor(next() * (bucketConfig.capacity + 3));
          const resetAt = now + Math.floor((next() - 0.1) * 20 * bucketConfig.refillEveryMs);
          expected = observe(expected, bucketConfig, remaining, resetAt, now);
          await budget.observe('x:post', remaining, resetAt, now);
          pure.push(remaining, resetAt);
          lua.push(remaining, resetAt);
        } else {
          const result = take(expected, bucketConfig, now);
          expected = result.state;
          const grant = await budget.take('x:post', now);
          pure.push(result.granted, result.retryAt);
          lua.push(grant.granted, grant.granted ? null : grant.retryAt);
        }
        // Mostly forward, sometimes a process whose clock is behind.
        now += Math.floor(next() * 3 * bucketConfig.refillEveryMs - bucketConfig.refillEveryMs / 2);
      }

      expect(lua).toEqual(pure);
      expect(await stored(redis)).toEqual(expected);
      expect(pure).toContain(true);
      expect(pure).toContain(false);
    },
  );

  it('50 parallel takes from 5 connections on a bucket of 10 grant exactly 10', async () => {
    const config: BucketConfig = { capacity: 10, refillTokens: 1, refillEveryMs: 3_600_000 };
    const budgets = Array.from({ length: 5 }, () =>
      createRateBudget(connect(), prefix, { 'x:post': config }),
    );

    const grants = await Promise.all(
      Array.from({ length: 50 }, (_, index) => budgets[index % 5]!.take('x:post', T0 + index)),
    );

    expect(grants.filter((grant) => grant.granted)).toHaveLength(10);
    expect(await stored(clients[0]!)).toMatchObject({ tokens: 0 });
  });

  it('denies with the refill time, and keeps budgets apart by name and prefix', async () => {
    const config: BucketConfig = { capacity: 1, refillTokens: 1, refillEveryMs: 60_000 };
    const redis = connect();
    const budget = createRateBudget(redis, prefix, { 'x:post': config, 'x:dm': config });
    const other = createRateBudget(redis, `${prefix}:other`, { 'x:post': config });

    const first = await budget.take('x:post', T0);
    const second = await budget.take('x:post', T0 + 5);
    const dm = await budget.take('x:dm', T0 + 5);
    const elsewhere = await other.take('x:post', T0 + 5);

    expect(first).toEqual({ granted: true });
    expect(second).toEqual({ granted: false, retryAt: T0 + 60_000 });
    expect(dm).toEqual({ granted: true });
    expect(elsewhere).toEqual({ granted: true });
  });

  it('observing a spent X window blocks every process until the reset', async () => {
    const budget = createRateBudget(connect(), prefix);
    const otherProcess = createRateBudget(connect(), prefix);

    await budget.observe('x:post', 0, T0 + 120_000, T0);
    const before = await otherProcess.take('x:post', T0 + 119_999);
    const after = await otherProcess.take('x:post', T0 + 120_000);

    expect(before).toEqual({ granted: false, retryAt: T0 + 120_000 });
    expect(after).toEqual({ granted: true });
  });

  it('expires a bucket only after it would be full again', async () => {
    const redis = connect();
    const budget = createRateBudget(redis, prefix);
    const { capacity, refillEveryMs } = DEFAULT_BUDGETS['x:post'];

    await budget.take('x:post', T0);
    await budget.take('x:post', T0);
    const ttl = await redis.pttl(budgetKey(prefix, 'x:post'));

    expect(ttl).toBeGreaterThan(2 * refillEveryMs);
    expect(ttl).toBeLessThanOrEqual((capacity + 1) * refillEveryMs);
  });

  it('rejects a bucket the Lua script cannot keep exact', () => {
    const redis = connect();

    expect(() =>
      createRateBudget(redis, prefix, {
        'x:post': { capacity: 2.5, refillTokens: 1, refillEveryMs: 1_000 },
      }),
    ).toThrow(/x:post\.capacity/);
  });
});
