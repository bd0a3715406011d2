import { randomUUID } from 'node:crypto';
import { defaultLimit, measure } from '../core/draft.js';
import { platformOf, type AuditRecord } from '../core/types.js';
import type { DraftRecord, DraftStatus } from '../store/drafts.js';
import { draftAuditFields, formatAuditLine } from '../store/audit-log.js';
import type { AppContext } from './context.js';
import { enqueueSend } from './send-draft.js';

export type Role = 'viewer' | 'approver' | 'admin';

/** Who acts: a person (desk, API or CLI user) with a role. */
export interface Actor {
  name: string;
  role: Role;
}

export type DraftErrorCode = 'not-found' | 'not-pending' | 'forbidden' | 'invalid-text';

/** A refused draft action; `code` maps onto an HTTP status in the API. */
export class DraftActionError extends Error {
  readonly code: DraftErrorCode;

  constructor(code: DraftErrorCode, message: string) {
    super(message);
    this.name = 'DraftActionError';
    this.code = code;
  }
}

/**
 * Approve, edit and reject drafts. Used by the JSON API, the desk and `earshot drafts`; every action is
 * recorded in the audit log with the person who took it.
 *
 * @example
 * const draft = await drafts.approve('ack-x-1860000000000000001', { name: 'ana', role: 'approver' });
 */
export interface DraftService {
  list(filter?: { status?: DraftStatus; caseId?: string }): Promise<DraftRecord[]>;
  get(id: string): Promise<DraftRecord | null>;
  approve(id: string, actor: Actor): Promise<DraftRecord>;
  reject(id: string, actor: Actor, note: string): Promise<DraftRecord>;
  /** Replaces the text: a new pending draft (origin `edited`) supersedes the old one and waits for approval. */
  edit(id: string, actor: Actor, text: string): Promise<DraftRecord>;
}

function requireApprover(actor: Actor): void {
  if (actor.role === 'viewer') {
    throw new DraftActionError(
      'forbidden',
      `${actor.name} is a viewer; approving, editing and rejecting need the approver role`,
    );
  }
}

export function createDraftService(ctx: AppContext): DraftService {
  async function audit(
    draft: DraftRecord,
    entry: Pick<AuditRecord, 'outcome' | 'reason' | 'actor'> & Partial<AuditRecord>,
  ) {
    const record: AuditRecord = { ...draftAuditFields(draft, ctx.now()), ...entry };
    await ctx.audit.append(record);
    ctx.logger.info(
      { caseId: draft.caseId, draftId: draft.id, actor: entry.actor },
      formatAuditLine(record),
    );
  }

  async function pendingOrThrow(id: string): Promise<DraftRecord> {
    const draft = await ctx.drafts.get(id);
    if (draft === null) {
      throw new DraftActionError('not-found', `No draft ${id}`);
    }
    if (draft.status !== 'pending_approval') {
      throw new DraftActionError(
        'not-pending',
        `Draft ${id} is ${draft.status}, not pending approval`,
      );
    }
    return draft;
  }

  /** Decides a pending draft; refuses when someone else decided it first (compare-and-set in the store). */
  async function decidePending(
    id: string,
    actor: Actor,
    fields: Pick<DraftRecord, 'status'> & Partial<DraftRecord>,
  ): Promise<DraftRecord> {
    const decidedAt = ctx.now().toISOString();
    const decided = await ctx.drafts.update(id, (draft) =>
      draft.status === 'pending_approval'
        ? { ...draft, decidedAt, decidedBy: actor.name, ...fields }
        : null,
    );
    if (decided === null) {
      throw new DraftActionError('not-pending', `Draft ${id} was decided by someone else just now`);
    }
    return decided;
  }

  return {
    async list(filter = {}) {
      if (filter.caseId !== undefined) {
        const drafts = await ctx.drafts.forCase(filter.caseId);
        return filter.status ? drafts.filter((draft) => draft.status === filter.status) : drafts;
      }
      if (filter.status === undefined || filter.status === 'pending_approval') {
        return ctx.drafts.pending();
      }
      return [];
    },

    get: (id) => ctx.drafts.get(id),

    async approve(id, actor) {
      requireApprover(actor);
      await pendingOrThrow(id);
      const approved = await decidePending(id, actor, { status: 'approved', automated: false });
      await audit(approved, { outcome: 'approved', reason: 'draft-approved', actor: actor.name });
      // Queued before the siblings are touched, so a failure while superseding them cannot hold back the reply
      // a person just approved.
      await enqueueSend(ctx, approved);
      for (const other of await ctx.drafts.forCase(approved.caseId)) {
        if (
          other.id === id ||
          other.status !== 'pending_approval' ||
          other.channel !== approved.channel
        ) {
          continue;
        }
        // A sibling someone else decided meanwhile stays as they left it; any other failure (Redis) reaches the
        // caller instead of leaving a second reply silently waiting.
        const superseded = await decidePending(other.id, actor, {
          status: 'superseded',
          note: `superseded by ${id}`,
        }).catch((error: unknown) => {
          if (error instanceof DraftActionError && error.code === 'not-pending') {
            return null;
          }
          throw error;
        });
        if (superseded !== null) {
          await audit(superseded, {
            outcome: 'skipped',
            reason: 'draft-superseded',
            actor: actor.name,
          });
        }
      }
      return approved;
    },

    async reject(id, actor, note) {
      requireApprover(actor);
      await pendingOrThrow(id);
      const rejected = await decidePending(id, actor, {
        status: 'rejected',
        note: note.trim() || null,
      });
      await audit(rejected, {
        outcome: 'rejected',
        reason: 'draft-rejected',
        actor: actor.name,
        detail: note,
      });
      return rejected;
    },

    async edit(id, actor, text) {
      requireApprover(actor);
      const original = await pendingOrThrow(id);
      const trimmed = text.trim();
      const platform = platformOf(original.source);
      const limit = defaultLimit(platform, original.channel === 'dm' ? 'dm' : 'first-reply');
      const length = measure(trimmed, platform);
      if (trimmed.length === 0) {
        throw new DraftActionError('invalid-text', 'The reply text is empty');
      }
      if (length > limit) {
        throw new DraftActionError(
          'invalid-text',
          `The reply is ${length} characters; ${platform} allows ${limit}`,
        );
      }
      const now = ctx.now().toISOString();
      const edited: DraftRecord = {
        ...original,
        id: `edit-${randomUUID()}`,
        text: trimmed,
        templateId: null,
        origin: 'edited',
        automated: false,
        status: 'pending_approval',
        approvalReasons: [...new Set([...original.approvalReasons, 'origin-edited'])],
        createdAt: now,
        createdBy: actor.name,
        decidedAt: null,
        decidedBy: null,
        note: null,
        editedFrom: original.id,
      };
      await ctx.drafts.create(edited);
      await decidePending(id, actor, { status: 'superseded', note: `edited into ${edited.id}` });
      await audit(edited, {
        outcome: 'drafted',
        reason: 'draft-edited',
        actor: actor.name,
        detail: `edited from ${id}`,
      });
      return edited;
    },
  };
}
