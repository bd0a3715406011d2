import type { Redis } from 'ioredis';
import type { Platform } from '../core/types.js';
import type { RedisKeys } from './keys.js';

export type GuardState =
  | { state: 'claimed' }
  | { state: 'pending'; since: string }
  | { state: 'sent'; platformId: string; at: string };

/**
 * The sent-guard: written before the platform call, so that a retried or re-delivered job can never
 * post a second reply to the same post. A guard left 'pending' means the outcome of a call is unknown
 * (the process died mid-call); sendDraft then reads back what the platform shows before anything else.
 */
export function createSentGuard(redis: Redis, keys: RedisKeys) {
  return {
    /** Claims the right to post. Returns the existing state when someone already claimed it. */
    async claim(platform: Platform, postId: string, now: Date): Promise<GuardState> {
      const key = keys.sentGuard(platform, postId);
      const claimed = await redis.set(
        key,
        JSON.stringify({ state: 'pending', since: now.toISOString() }),
        'NX',
      );
      if (claimed === 'OK') {
        return { state: 'claimed' };
      }
      const raw = await redis.get(key);
      if (raw === null) {
        return this.claim(platform, postId, now);
      }
      return JSON.parse(raw) as GuardState;
    },

    async markSent(
      platform: Platform,
      postId: string,
      platformId: string,
      now: Date,
    ): Promise<void> {
      await redis.set(
        keys.sentGuard(platform, postId),
        JSON.stringify({ state: 'sent', platformId, at: now.toISOString() }),
      );
    },

    /** Releases a claim after a call the platform definitely rejected, so a later attempt may post. */
    async release(platform: Platform, postId: string): Promise<void> {
      await redis.del(keys.sentGuard(platform, postId));
    },

    async get(platform: Platform, postId: string): Promise<GuardState | null> {
      const raw = await redis.get(keys.sentGuard(platform, postId));
      return raw === null ? null : (JSON.parse(raw) as GuardState);
    },
  };
}

export type SentGuard = ReturnType<typeof createSentGuard>;
