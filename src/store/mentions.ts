import type { Redis } from 'ioredis';
import type { Classification, Decision, Mention, SourceId } from '../core/types.js';
import type { RedisKeys } from './keys.js';

export interface StoredMention {
  mention: Mention;
  storedAt: string;
  caseId: string;
  classification?: Classification;
  decision?: Decision;
  decidedAt?: string;
}

/** Archive of every mention seen, deduped by (source, id): the first write wins. */
export function createMentionStore(redis: Redis, keys: RedisKeys) {
  return {
    /** Stores the mention if it is new. Returns false when (source, id) was already stored. */
    async add(mention: Mention, caseId: string, now: Date): Promise<boolean> {
      const record: StoredMention = { mention, storedAt: now.toISOString(), caseId };
      const result = await redis.set(
        keys.mention(mention.source, mention.id),
        JSON.stringify(record),
        'NX',
      );
      return result === 'OK';
    },

    async get(source: SourceId, id: string): Promise<StoredMention | null> {
      const raw = await redis.get(keys.mention(source, id));
      return raw === null ? null : (JSON.parse(raw) as StoredMention);
    },

    async recordDecision(
      source: SourceId,
      id: string,
      update: { classification: Classification; decision: Decision; decidedAt: string },
    ): Promise<void> {
      const key = keys.mention(source, id);
      const raw = await redis.get(key);
      if (raw === null) {
        throw new Error(`Mention ${source}/${id} is not stored`);
      }
      const record = { ...(JSON.parse(raw) as StoredMention), ...update };
      await redis.set(key, JSON.stringify(record));
    },
  };
}

export type MentionStore = ReturnType<typeof createMentionStore>;
