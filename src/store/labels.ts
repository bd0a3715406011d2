import type { Redis } from 'ioredis';
import type { SourceId } from '../core/types.js';
import type { RedisKeys } from './keys.js';
import { mentionKeyOf } from './cases.js';

/** A person's correction of the classifier on one mention: counts towards triage accuracy and feeds training. */
export interface Relabel {
  source: SourceId;
  mentionId: string;
  caseId: string;
  text: string;
  complaint: 0 | 1;
  category: string | null;
  by: string;
  at: string;
  /** What the classifier had said, so triage accuracy can count changed decisions. */
  predicted: { complaint: boolean; category: string | null } | null;
}

export function createLabelStore(redis: Redis, keys: RedisKeys) {
  return {
    /** The latest label per mention wins; every label is also kept in the audit log by the caller. */
    async put(label: Relabel): Promise<void> {
      await redis.hset(
        keys.labels(),
        mentionKeyOf({ source: label.source, id: label.mentionId }),
        JSON.stringify(label),
      );
    },

    /** The latest label of one mention (`source:id`, see mentionKeyOf), or null. */
    async get(mentionKey: string): Promise<Relabel | null> {
      const value = await redis.hget(keys.labels(), mentionKey);
      return value === null ? null : (JSON.parse(value) as Relabel);
    },

    async all(): Promise<Relabel[]> {
      const values = await redis.hvals(keys.labels());
      return values.map((value) => JSON.parse(value) as Relabel);
    },
  };
}

export type LabelStore = ReturnType<typeof createLabelStore>;

/** Share of classifier decisions a person changed, over the labelled ones; null when nothing is labelled. */
export function triageAccuracy(labels: readonly Relabel[]): {
  labelled: number;
  changed: number;
  accuracy: number | null;
} {
  const scored = labels.filter((label) => label.predicted !== null);
  const changed = scored.filter(
    (label) =>
      label.predicted !== null &&
      (label.predicted.complaint !== (label.complaint === 1) ||
        (label.category !== null && label.predicted.category !== label.category)),
  ).length;
  return {
    labelled: scored.length,
    changed,
    accuracy: scored.length === 0 ? null : (scored.length - changed) / scored.length,
  };
}
