import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

export interface PauseState {
  paused: boolean;
  by: string | null;
  at: string | null;
  reason: string | null;
}

/** The kill switch, shared by every process: while paused nothing is posted and queued work waits in order. */
export function createControlStore(redis: Redis, keys: RedisKeys) {
  return {
    async isPaused(): Promise<boolean> {
      return (await redis.exists(keys.paused())) === 1;
    },

    async state(): Promise<PauseState> {
      const raw = await redis.get(keys.paused());
      if (raw === null) {
        return { paused: false, by: null, at: null, reason: null };
      }
      const value = JSON.parse(raw) as { by: string; at: string; reason: string | null };
      return { paused: true, ...value };
    },

    async pause(by: string, at: Date, reason: string | null): Promise<void> {
      await redis.set(keys.paused(), JSON.stringify({ by, at: at.toISOString(), reason }));
    },

    async resume(): Promise<void> {
      await redis.del(keys.paused());
    },
  };
}

export type ControlStore = ReturnType<typeof createControlStore>;
