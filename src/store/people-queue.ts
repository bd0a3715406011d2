import type { Redis } from 'ioredis';
import type { Classification, Mention } from '../core/types.js';
import type { RedisKeys } from './keys.js';

export interface PersonItem {
  id: string;
  caseId: string;
  reason: string;
  at: string;
  /** The draft this is about, when there is one. */
  draftId?: string | null;
  mention: Pick<Mention, 'source' | 'id' | 'text' | 'author' | 'url' | 'createdAt'>;
  classification: Pick<
    Classification,
    'complaint' | 'confidence' | 'category' | 'severity' | 'flags'
  > | null;
}

/** Items that need a person: keyword-search hits, escalations, replies whose outcome is unknown. */
export function createPeopleQueue(redis: Redis, keys: RedisKeys) {
  return {
    /** Adds the item once (by id); returns false when it was already queued. */
    async add(item: PersonItem): Promise<boolean> {
      const stored = await redis.set(keys.needsPersonItem(item.id), JSON.stringify(item), 'NX');
      if (stored !== 'OK') {
        return false;
      }
      await redis.zadd(keys.needsPerson(), Date.parse(item.at), item.id);
      return true;
    },

    async list(limit = 100): Promise<PersonItem[]> {
      const ids = await redis.zrange(keys.needsPerson(), 0, limit - 1);
      if (ids.length === 0) {
        return [];
      }
      const raw = await redis.mget(ids.map((id) => keys.needsPersonItem(id)));
      return raw
        .filter((item): item is string => item !== null)
        .map((item) => JSON.parse(item) as PersonItem);
    },
  };
}

export type PeopleQueue = ReturnType<typeof createPeopleQueue>;
