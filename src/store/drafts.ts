import type { Redis } from 'ioredis';
import type { ReplyOrigin } from '../core/policy/index.js';
import type { Severity, SourceId } from '../core/types.js';
import { idPart } from '../queue/jobs.js';
import type { RedisKeys } from './keys.js';

export type DraftKind = 'first-reply' | 'dm-handoff' | 'dm' | 'safe-ack' | 'reply';
export type DraftChannel = 'public-reply' | 'dm';
export type DraftStatus =
  'pending_approval' | 'approved' | 'rejected' | 'superseded' | 'sent' | 'failed' | 'blocked';

/**
 * A reply earshot drafted or a person wrote, waiting for approval or on its way out. Several drafts per case
 * are possible; approving one supersedes the other pending ones of that case and channel.
 *
 * @example
 * { id: 'ack-x-1860000000000000001', caseId: 'x-1860000000000000001', channel: 'public-reply',
 *   status: 'pending_approval', text: 'Hi Sam, …', origin: 'template', automated: true, … }
 */
export interface DraftRecord {
  id: string;
  caseId: string;
  source: SourceId;
  /** The post or review the reply answers. */
  mentionId: string;
  /** The author's platform id: the DM recipient for `dm` drafts. */
  authorId: string;
  authorUsername: string;
  kind: DraftKind;
  channel: DraftChannel;
  text: string;
  templateId: string | null;
  origin: ReplyOrigin;
  /** Sent without a person approving it (counts against "one automated reply per interaction"). */
  automated: boolean;
  status: DraftStatus;
  severity: Severity | null;
  category: string | null;
  confidence: number | null;
  /** When the reply is due (ISO): the acknowledgment target for first replies, else the SLA. */
  deadline: string | null;
  approvalReasons: string[];
  ruleId: string;
  ruleVersion: string;
  classifierVersion: string;
  createdAt: string;
  createdBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
  note: string | null;
  /** The draft this one was edited from. */
  editedFrom: string | null;
  sentAt: string | null;
  platformResponseId: string | null;
  /** Why the last send attempt failed or was blocked. */
  failure: string | null;
  /** When the SLA watchdog alerts people if the draft still waits (ISO). */
  notifyAt: string | null;
  /** When the watchdog may post a safe acknowledgment if the draft still waits (ISO), or null. */
  safeAckAt: string | null;
  /** Set once the watchdog has alerted people about this draft. */
  notifiedAt: string | null;
  /** Set once the watchdog has reported the missed deadline. */
  breachNotifiedAt: string | null;
}

/** Deterministic ids for drafts earshot makes, so a re-run of triage or the watchdog never makes two. */
export const draftIds = {
  ack: (platform: string, mentionId: string) => `ack-${platform}-${idPart(mentionId)}`,
  safeAck: (platform: string, mentionId: string) => `safeack-${platform}-${idPart(mentionId)}`,
  handoff: (platform: string, mentionId: string) => `handoff-${platform}-${idPart(mentionId)}`,
  dm: (platform: string, mentionId: string) => `dm-${platform}-${idPart(mentionId)}`,
  /** A queued automated reply handed back to a person after its case was raised (engagement watch). */
  raised: (draftId: string) => `raised-${draftId}`,
};

/** Writes the draft only if nobody changed it since we read it; keeps the pending index in step. */
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4]) else redis.call('ZREM', KEYS[2], ARGV[4]) end
return 1`;

/** Drafts in Redis: one JSON value per draft, a set per case, a sorted set of pending ones by deadline. */
export function createDraftStore(redis: Redis, keys: RedisKeys) {
  function deadlineScore(draft: DraftRecord): number {
    return draft.deadline === null ? Number.MAX_SAFE_INTEGER : Date.parse(draft.deadline);
  }

  async function get(id: string): Promise<DraftRecord | null> {
    const raw = await redis.get(keys.draft(id));
    return raw === null ? null : (JSON.parse(raw) as DraftRecord);
  }

  async function write(draft: DraftRecord): Promise<void> {
    const tx = redis
      .multi()
      .set(keys.draft(draft.id), JSON.stringify(draft))
      .sadd(keys.caseDrafts(draft.caseId), draft.id);
    if (draft.status === 'pending_approval') {
      tx.zadd(keys.pendingDrafts(), deadlineScore(draft), draft.id);
    } else {
      tx.zrem(keys.pendingDrafts(), draft.id);
    }
    await tx.exec();
  }

  return {
    get,
    write,

    /** Creates the draft unless one with the same id exists (deterministic ids make this idempotent). */
    async create(draft: DraftRecord): Promise<boolean> {
      const created = await redis.set(keys.draft(draft.id), JSON.stringify(draft), 'NX');
      if (created !== 'OK') {
        return false;
      }
      await write(draft);
      return true;
    },

    /**
     * Applies `change` to the stored draft with compare-and-set, so two people acting on the same draft at
     * once cannot both win. Returns the updated draft, or null when `change` refused (returned null).
     */
    async update(
      id: string,
      change: (draft: DraftRecord) => DraftRecord | null,
    ): Promise<DraftRecord | null> {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const raw = await redis.get(keys.draft(id));
        if (raw === null) {
          return null;
        }
        const next = change(JSON.parse(raw) as DraftRecord);
        if (next === null) {
          return null;
        }
        const swapped = await redis.eval(
          COMPARE_AND_SET,
          2,
          keys.draft(id),
          keys.pendingDrafts(),
          raw,
          JSON.stringify(next),
          next.status === 'pending_approval' ? String(deadlineScore(next)) : '',
          id,
        );
        if (swapped === 1) {
          return next;
        }
      }
      throw new Error(`Draft ${id} kept changing under us; try again`);
    },

    /** Pending drafts, nearest deadline first. */
    async pending(limit = 200): Promise<DraftRecord[]> {
      const ids = await redis.zrange(keys.pendingDrafts(), 0, limit - 1);
      return loadMany(ids);
    },

    async forCase(caseId: string): Promise<DraftRecord[]> {
      const ids = await redis.smembers(keys.caseDrafts(caseId));
      const drafts = await loadMany(ids);
      return drafts.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
  };

  async function loadMany(ids: string[]): Promise<DraftRecord[]> {
    if (ids.length === 0) {
      return [];
    }
    const values = await redis.mget(ids.map((id) => keys.draft(id)));
    return values
      .filter((value): value is string => value !== null)
      .map((value) => JSON.parse(value) as DraftRecord);
  }
}

export type DraftStore = ReturnType<typeof createDraftStore>;
