import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Platform } from '../core/types.js';
import type { RedisKeys } from './keys.js';

function digest(text: string): string {
  return createHash('sha256').update(text.normalize('NFC')).digest('hex');
}

/** Hashes of every text the brand posted, so drafts avoid X's duplicate-content rejection. */
export function createPostedTexts(redis: Redis, keys: RedisKeys) {
  return {
    async has(platform: Platform, text: string): Promise<boolean> {
      return (await redis.sismember(keys.postedTexts(platform), digest(text))) === 1;
    },

    async add(platform: Platform, text: string): Promise<void> {
      await redis.sadd(keys.postedTexts(platform), digest(text));
    },
  };
}

export type PostedTexts = ReturnType<typeof createPostedTexts>;
