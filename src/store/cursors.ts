import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

/** Poll cursors (e.g. X since_id) and poll deferrals after a rate limit, shared by every process. */
export function createCursorStore(redis: Redis, keys: RedisKeys) {
  return {
    async get(name: string): Promise<string | undefined> {
      return (await redis.get(keys.cursor(name))) ?? undefined;
    },

    async set(name: string, value: string): Promise<void> {
      await redis.set(keys.cursor(name), value);
    },

    /** Epoch ms before which the named poller must not call the platform, or 0. */
    async deferredUntil(name: string): Promise<number> {
      const raw = await redis.get(keys.pollDeferredUntil(name));
      return raw === null ? 0 : Number(raw);
    },

    async deferUntil(name: string, epochMs: number, now: number): Promise<void> {
      const ttlMs = Math.max(1, epochMs - now);
      await redis.set(keys.pollDeferredUntil(name), String(epochMs), 'PX', ttlMs);
    },
  };
}

export type CursorStore = ReturnType<typeof createCursorStore>;
