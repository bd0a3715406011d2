import type { Redis } from 'ioredis';
import { localDateOf, isoDateOf } from '../core/policy/hours.js';
import type { Platform } from '../core/types.js';
import type { RedisKeys } from './keys.js';

/** Posts and spend per platform per local day (the policy's time zone), for the gate's daily caps. */
export function createDailyCounters(redis: Redis, keys: RedisKeys, timeZone: string) {
  const keyFor = (platform: Platform, at: Date) =>
    keys.daily(platform, isoDateOf(localDateOf(at, timeZone)));
  return {
    async get(platform: Platform, at: Date): Promise<{ posts: number; spendUsd: number }> {
      const values = await redis.hmget(keyFor(platform, at), 'posts', 'spendMicroUsd');
      return { posts: Number(values[0] ?? 0), spendUsd: Number(values[1] ?? 0) / 1_000_000 };
    },

    async add(
      platform: Platform,
      at: Date,
      delta: { posts: number; spendUsd: number },
    ): Promise<void> {
      const key = keyFor(platform, at);
      await redis
        .multi()
        .hincrby(key, 'posts', delta.posts)
        .hincrby(key, 'spendMicroUsd', Math.round(delta.spendUsd * 1_000_000))
        .expire(key, 3 * 86_400)
        .exec();
    },
  };
}

export type DailyCounters = ReturnType<typeof createDailyCounters>;
