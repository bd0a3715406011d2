import type { Redis } from 'ioredis';
import { platformOf, type CaseState, type Mention, type SourceId } from '../core/types.js';
import type { RedisKeys } from './keys.js';

export interface CaseRecord {
  id: string;
  platform: string;
  conversationId: string;
  state: CaseState;
  createdAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  mentionCount: number;
  /** Store reviews: the rating when we first replied, and the latest one. */
  ratingAtReply: number | null;
  ratingLatest: number | null;
}

const SET_STATE = `
local current = redis.call('HGET', KEYS[1], 'state')
if ARGV[3] ~= '' and current ~= ARGV[3] then return current or '' end
if current == ARGV[1] then return current or '' end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'updatedAt', ARGV[2])
if ARGV[1] == 'resolved' then redis.call('HSET', KEYS[1], 'resolvedAt', ARGV[2]) end
if ARGV[1] == 'new' then redis.call('HDEL', KEYS[1], 'resolvedAt') end
return current or ''`;

/** How a case lists its mentions (`mentionKeys`): `source:id`. */
export function mentionKeyOf(mention: Pick<Mention, 'source' | 'id'>): string {
  return `${mention.source}:${mention.id}`;
}

/** The source and id of a `mentionKeys` entry (ids may hold ':' themselves, sources never do). */
export function parseMentionKey(key: string): { source: SourceId; id: string } {
  const separator = key.indexOf(':');
  return { source: key.slice(0, separator) as SourceId, id: key.slice(separator + 1) };
}

/** One case per conversation: the id is derived from the platform and conversation, so it needs no lookup. */
export function caseIdFor(mention: Pick<Mention, 'source' | 'conversationId'>): string {
  return `${platformOf(mention.source)}-${mention.conversationId}`;
}

export function createCaseStore(redis: Redis, keys: RedisKeys) {
  async function get(caseId: string): Promise<CaseRecord | null> {
    const [hash, mentionCount] = await Promise.all([
      redis.hgetall(keys.case(caseId)),
      redis.zcard(keys.caseMentions(caseId)),
    ]);
    if (hash.id === undefined) {
      return null;
    }
    return {
      id: hash.id,
      platform: hash.platform ?? '',
      conversationId: hash.conversationId ?? '',
      state: (hash.state ?? 'new') as CaseState,
      createdAt: hash.createdAt ?? '',
      firstResponseAt: hash.firstResponseAt ?? null,
      resolvedAt: hash.resolvedAt ?? null,
      mentionCount,
      ratingAtReply: hash.ratingAtReply === undefined ? null : Number(hash.ratingAtReply),
      ratingLatest: hash.ratingLatest === undefined ? null : Number(hash.ratingLatest),
    };
  }

  return {
    get,

    /** Attaches a mention to its conversation's case, creating the case on first sight. Idempotent. */
    async attach(mention: Mention, now: Date): Promise<{ caseId: string; created: boolean }> {
      const caseId = caseIdFor(mention);
      const key = keys.case(caseId);
      const created = await redis.hsetnx(key, 'id', caseId);
      const tx = redis.multi();
      if (created === 1) {
        tx.hset(key, {
          platform: platformOf(mention.source),
          conversationId: mention.conversationId,
          state: 'new',
          createdAt: now.toISOString(),
        });
        tx.zadd(keys.cases(), now.getTime(), caseId);
      }
      tx.zadd(
        keys.caseMentions(caseId),
        Date.parse(mention.createdAt) || now.getTime(),
        mentionKeyOf(mention),
      );
      await tx.exec();
      return { caseId, created: created === 1 };
    },

    /**
     * Claims the case's one automated acknowledgment. Returns false when another mention of the same
     * conversation already claimed it, so a thread never gets a second automated reply.
     */
    async claimAcknowledgement(caseId: string, mentionKey: string): Promise<boolean> {
      const claimed = await redis.hsetnx(keys.case(caseId), 'ackClaimedBy', mentionKey);
      if (claimed === 1) {
        return true;
      }
      return (await redis.hget(keys.case(caseId), 'ackClaimedBy')) === mentionKey;
    },

    async isAcknowledgementClaimed(caseId: string): Promise<boolean> {
      return (await redis.hexists(keys.case(caseId), 'ackClaimedBy')) === 1;
    },

    /** Records the first public response; a case moves new → acknowledged. */
    async markAcknowledged(caseId: string, now: Date): Promise<void> {
      const key = keys.case(caseId);
      await redis.hsetnx(key, 'firstResponseAt', now.toISOString());
      const state = await redis.hget(key, 'state');
      if (state === 'new') {
        await redis.hset(key, 'state', 'acknowledged');
      }
    },

    /** The case's mentions as `source:id`, oldest first. */
    async mentionKeys(caseId: string): Promise<string[]> {
      return redis.zrange(keys.caseMentions(caseId), 0, -1);
    },

    /**
     * Store reviews: keeps the rating at our first reply and the latest one, for the "rating change after
     * reply" figure.
     */
    async recordRating(caseId: string, rating: number | null, now: Date): Promise<void> {
      if (rating === null) {
        return;
      }
      await redis.hset(keys.case(caseId), {
        ratingLatest: String(rating),
        ratingUpdatedAt: now.toISOString(),
      });
    },

    async recordRatingAtReply(caseId: string, rating: number | null): Promise<void> {
      if (rating === null) {
        return;
      }
      await redis.hsetnx(keys.case(caseId), 'ratingAtReply', String(rating));
      await redis.hsetnx(keys.case(caseId), 'ratingLatest', String(rating));
    },

    async automatedReplies(caseId: string): Promise<number> {
      return Number((await redis.hget(keys.case(caseId), 'automatedReplies')) ?? 0);
    },

    async countAutomatedReply(caseId: string): Promise<void> {
      await redis.hincrby(keys.case(caseId), 'automatedReplies', 1);
    },

    /**
     * Moves the case to `state` atomically and returns the state it replaced, so the caller can audit the
     * transition. With `from`, the move happens only if the case is still in that state (otherwise the
     * current state is returned unchanged): two people acting at once cannot both move it. Resolving stamps
     * `resolvedAt`; reopening (back to `new`) clears it, so time to resolution counts the final resolution.
     */
    async setState(
      caseId: string,
      state: CaseState,
      now: Date,
      options: { from?: CaseState } = {},
    ): Promise<CaseState | null> {
      const previous = (await redis.eval(
        SET_STATE,
        1,
        keys.case(caseId),
        state,
        now.toISOString(),
        options.from ?? '',
      )) as string;
      return previous === '' ? null : (previous as CaseState);
    },

    /** Cases first seen at or after `since`, newest first. */
    async createdSince(since: Date, limit = 5000): Promise<string[]> {
      return redis.zrevrangebyscore(keys.cases(), '+inf', since.getTime(), 'LIMIT', 0, limit);
    },

    async list(limit = 100): Promise<string[]> {
      return redis.zrevrange(keys.cases(), 0, limit - 1);
    },
  };
}

export type CaseStore = ReturnType<typeof createCaseStore>;
