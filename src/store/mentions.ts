import type { Redis } from 'ioredis';
import type { Classification, Decision, Engagement, Mention, SourceId } from '../core/types.js';
import { COMPARE_AND_SET, updateJson } from './compare-and-set.js';
import type { RedisKeys } from './keys.js';

/** An earlier revision of an edited store review, with what was decided about it. */
export interface RevisionEntry {
  revision: string | null;
  text: string;
  rating: number | null;
  seenAt: string;
  classification?: Classification;
  decision?: Decision;
}

export interface StoredMention {
  mention: Mention;
  storedAt: string;
  caseId: string;
  classification?: Classification;
  decision?: Decision;
  decidedAt?: string;
  /** When the current revision replaced an earlier one (store review edits). */
  revisedAt?: string;
  /** Earlier revisions, oldest first. */
  history?: RevisionEntry[];
}

export type StoreOutcome =
  { status: 'new' } | { status: 'unchanged' } | { status: 'revised'; previous: StoredMention };

/**
 * Archive of every mention seen, deduped by (source, id). Store reviews can be edited: a new `revision` of a
 * stored review replaces the current one and keeps the old one in `history`, never losing what was seen.
 */
export function createMentionStore(redis: Redis, keys: RedisKeys) {
  /**
   * Applies `change` to the stored mention with compare-and-set, so a concurrent write (triage recording its
   * decision, a new revision) is never lost. Returns the new value, or null when absent or `change` refused.
   */
  function update(
    source: SourceId,
    id: string,
    change: (stored: StoredMention) => StoredMention | null,
  ): Promise<StoredMention | null> {
    return updateJson(redis, keys.mention(source, id), change, `Mention ${source}/${id}`);
  }

  return {
    /** Stores a new mention, or a new revision of a stored one; an identical revision is left alone. */
    async store(mention: Mention, caseId: string, now: Date): Promise<StoreOutcome> {
      const key = keys.mention(mention.source, mention.id);
      const fresh: StoredMention = { mention, storedAt: now.toISOString(), caseId };
      for (let attempt = 0; attempt < 10; attempt += 1) {
        if ((await redis.set(key, JSON.stringify(fresh), 'NX')) === 'OK') {
          return { status: 'new' };
        }
        const raw = await redis.get(key);
        if (raw === null) {
          continue;
        }
        const previous = JSON.parse(raw) as StoredMention;
        if ((previous.mention.revision ?? null) === (mention.revision ?? null)) {
          return { status: 'unchanged' };
        }
        const entry: RevisionEntry = {
          revision: previous.mention.revision ?? null,
          text: previous.mention.text,
          rating: previous.mention.rating ?? null,
          seenAt: previous.revisedAt ?? previous.storedAt,
          ...(previous.classification ? { classification: previous.classification } : {}),
          ...(previous.decision ? { decision: previous.decision } : {}),
        };
        const next: StoredMention = {
          mention: { ...mention, createdAt: previous.mention.createdAt },
          storedAt: previous.storedAt,
          caseId: previous.caseId,
          revisedAt: now.toISOString(),
          history: [...(previous.history ?? []), entry],
        };
        if ((await redis.eval(COMPARE_AND_SET, 1, key, raw, JSON.stringify(next))) === 1) {
          return { status: 'revised', previous };
        }
      }
      throw new Error(`Mention ${mention.source}/${mention.id} kept changing while being stored`);
    },

    async get(source: SourceId, id: string): Promise<StoredMention | null> {
      const raw = await redis.get(keys.mention(source, id));
      return raw === null ? null : (JSON.parse(raw) as StoredMention);
    },

    /**
     * Replaces the engagement counts of a stored mention, and nothing else: no new revision, no reopen, no
     * triage. Counts read earlier than the stored ones are ignored. Returns the updated mention, or null.
     */
    async updateEngagement(
      source: SourceId,
      id: string,
      engagement: Engagement,
    ): Promise<StoredMention | null> {
      return update(source, id, (stored) => {
        const previous = stored.mention.engagement?.observedAt;
        if (previous !== undefined && Date.parse(previous) > Date.parse(engagement.observedAt)) {
          return null;
        }
        return { ...stored, mention: { ...stored.mention, engagement } };
      });
    },

    /**
     * Records a classification that raised the severity after the decision (the engagement watch), with the
     * decision's moved deadlines. Refused (null) unless the mention was decided. `decidedAt` stays.
     */
    async recordRaise(
      source: SourceId,
      id: string,
      raise: { classification: Classification; decision: Decision },
    ): Promise<StoredMention | null> {
      return update(source, id, (stored) =>
        stored.decision === undefined ? null : { ...stored, ...raise },
      );
    },

    async recordDecision(
      source: SourceId,
      id: string,
      decided: { classification: Classification; decision: Decision; decidedAt: string },
    ): Promise<void> {
      if ((await update(source, id, (stored) => ({ ...stored, ...decided }))) === null) {
        throw new Error(`Mention ${source}/${id} is not stored`);
      }
    },
  };
}

export type MentionStore = ReturnType<typeof createMentionStore>;
