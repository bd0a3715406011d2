import type { Redis } from 'ioredis';
import type { Platform } from '../core/types.js';
import type { RedisKeys } from './keys.js';

/** Authors who said "stop": they never get another automated message until they opt back in. */
export function createOptOutStore(redis: Redis, keys: RedisKeys) {
  return {
    async has(platform: Platform, authorId: string): Promise<boolean> {
      return (await redis.exists(keys.optOut(platform, authorId))) === 1;
    },

    async add(
      platform: Platform,
      authorId: string,
      detail: { mentionId: string; at: string },
    ): Promise<void> {
      await redis.set(keys.optOut(platform, authorId), JSON.stringify(detail));
    },

    async remove(platform: Platform, authorId: string): Promise<boolean> {
      return (await redis.del(keys.optOut(platform, authorId))) === 1;
    },
  };
}

export type OptOutStore = ReturnType<typeof createOptOutStore>;
