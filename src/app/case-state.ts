import type { AuditRecord, CaseState, SourceId } from '../core/types.js';
import type { AppContext } from './context.js';
import { parseMentionKey } from '../store/cases.js';

/**
 * The moves people may make through a case's life cycle (the desk and `POST /api/cases/:id/state`).
 *
 * | from                  | to                                                                   |
 * | --------------------- | -------------------------------------------------------------------- |
 * | `new`                 | acknowledged, waiting_on_customer, escalated, resolved, merged, invalid |
 * | `acknowledged`        | waiting_on_customer, escalated, resolved, merged, invalid            |
 * | `waiting_on_customer` | acknowledged (the customer answered), escalated, resolved, merged, invalid |
 * | `escalated`           | waiting_on_customer, resolved, merged, invalid                       |
 * | `resolved`            | closed, new (reopen)                                                 |
 * | `closed`              | new (reopen)                                                         |
 * | `invalid`             | new (undo a mistaken invalid)                                        |
 * | `merged`              | nothing: its posts live on in the case it was merged into            |
 *
 * Why this shape:
 * - An open case moves forward, and may be resolved, merged or marked invalid from any open state. It never
 *   moves back to `new` while open: `new` means nobody has answered.
 * - `closed` is reachable only from `resolved`, so every closed case has a `resolvedAt` and counts in time to
 *   resolution.
 * - Every finished case but a merged one may go back to `new`. A reopen after an answer or a resolution is
 *   what the reopen rate counts.
 * - Staying in the same state is refused, so each audit record is a real change.
 *
 * The pipeline moves cases on its own as well (a reply acknowledges, an escalation escalates, an edited store
 * review reopens); those moves are its own and do not pass through this table.
 */
export const CASE_TRANSITIONS = {
  new: ['acknowledged', 'waiting_on_customer', 'escalated', 'resolved', 'merged', 'invalid'],
  acknowledged: ['waiting_on_customer', 'escalated', 'resolved', 'merged', 'invalid'],
  waiting_on_customer: ['acknowledged', 'escalated', 'resolved', 'merged', 'invalid'],
  escalated: ['waiting_on_customer', 'resolved', 'merged', 'invalid'],
  resolved: ['closed', 'new'],
  closed: ['new'],
  merged: [],
  invalid: ['new'],
} as const satisfies Record<CaseState, readonly CaseState[]>;

/** Entering one of these settles the case, so its people-queue items are marked done. */
const SETTLING_STATES: ReadonlySet<CaseState> = new Set(['resolved', 'closed', 'invalid']);

/** The states a person may move a case to from `from`, in life-cycle order. */
export function nextStates(from: CaseState): readonly CaseState[] {
  return CASE_TRANSITIONS[from];
}

export function canTransition(from: CaseState, to: CaseState): boolean {
  return nextStates(from).includes(to);
}

export type CaseStateErrorCode = 'not-found' | 'invalid-transition';

/** A refused state change: an unknown case, or a move the life cycle does not allow. */
export class CaseStateError extends Error {
  readonly code: CaseStateErrorCode;
  readonly caseId: string;
  readonly from: CaseState | null;
  readonly to: CaseState;

  constructor(code: CaseStateErrorCode, caseId: string, from: CaseState | null, to: CaseState) {
    super(describeRefusal(code, caseId, from, to));
    this.name = 'CaseStateError';
    this.code = code;
    this.caseId = caseId;
    this.from = from;
    this.to = to;
  }
}

function describeRefusal(
  code: CaseStateErrorCode,
  caseId: string,
  from: CaseState | null,
  to: CaseState,
): string {
  if (code === 'not-found' || from === null) {
    return `No case ${caseId}`;
  }
  if (from === to) {
    return `Case ${caseId} is already ${from}`;
  }
  const allowed = nextStates(from);
  const options =
    allowed.length === 0 ? `${from} is final` : `from ${from} it can move to ${allowed.join(', ')}`;
  return `Case ${caseId} cannot move from ${from} to ${to}: ${options}`;
}

export interface CaseStateInput {
  caseId: string;
  to: CaseState;
  /** The person making the change; recorded as the audit record's actor. */
  by: string;
  /** Why, kept in the audit record's detail. */
  note?: string;
}

/**
 * What a state change did.
 *
 * @example
 * { caseId: 'x-1860000000000000001', from: 'acknowledged', to: 'resolved', by: 'ana',
 *   at: '2026-03-01T12:00:00.000Z', note: 'Refund sent', resolvedAt: '2026-03-01T12:00:00.000Z',
 *   peopleDone: ['desk-escalation-x-mentions-1860000000000000001'], draftsSuperseded: [] }
 */
export interface CaseStateChange {
  caseId: string;
  from: CaseState;
  to: CaseState;
  by: string;
  at: string;
  note: string | null;
  /** The case's resolution time after the change (set when it moved to resolved). */
  resolvedAt: string | null;
  /** People-queue items of the case this change marked done. */
  peopleDone: string[];
  /** Drafts of the case that waited for approval and were superseded because the case settled. */
  draftsSuperseded: string[];
}

export type CaseStateDeps = Pick<AppContext, 'cases' | 'people' | 'audit' | 'now' | 'drafts'>;

/** The case's opening post as `{ source, mentionId }`, for the audit record; nulls when none is stored. */
async function openingOf(
  deps: CaseStateDeps,
  caseId: string,
): Promise<{ source: SourceId | null; mentionId: string | null }> {
  const [first] = await deps.cases.mentionKeys(caseId);
  if (first === undefined || !first.includes(':')) {
    return { source: null, mentionId: null };
  }
  const { source, id } = parseMentionKey(first);
  return { source, mentionId: id };
}

/**
 * A person moves a case through its life cycle (see `CASE_TRANSITIONS`). The move is recorded in the audit
 * log as `state_changed` with reason `case-<to>`, the person, and `<from> → <to>: <note>`. Resolving sets
 * `resolvedAt`, which time to resolution reads; resolving, closing or marking a case invalid also marks its
 * waiting people-queue items done.
 *
 * Throws `CaseStateError` with code `not-found` for an unknown case and `invalid-transition` for a move
 * the table does not allow (the message names both states).
 *
 * @example
 * await changeCaseState(ctx, { caseId: 'x-1860000000000000001', to: 'resolved', by: 'ana', note: 'Fixed' });
 */
export async function changeCaseState(
  deps: CaseStateDeps,
  input: CaseStateInput,
): Promise<CaseStateChange> {
  const { caseId, to, by } = input;
  const record = await deps.cases.get(caseId);
  if (record === null) {
    throw new CaseStateError('not-found', caseId, null, to);
  }
  if (!canTransition(record.state, to)) {
    throw new CaseStateError('invalid-transition', caseId, record.state, to);
  }
  const now = deps.now();
  // Compare-and-set on the state read above: if someone moved the case in between, this move is checked
  // again against where the case is now rather than slipping through.
  const previous =
    (await deps.cases.setState(caseId, to, now, { from: record.state })) ?? record.state;
  if (previous !== record.state || previous === to) {
    throw new CaseStateError('invalid-transition', caseId, previous, to);
  }
  const note = input.note?.trim() ?? '';
  const audit: AuditRecord = {
    at: now.toISOString(),
    caseId,
    ...(await openingOf(deps, caseId)),
    outcome: 'state_changed',
    reason: `case-${to}`,
    actor: by,
    detail: note === '' ? `${previous} → ${to}` : `${previous} → ${to}: ${note}`,
  };
  await deps.audit.append(audit);

  const peopleDone: string[] = [];
  const draftsSuperseded: string[] = [];
  if (SETTLING_STATES.has(to)) {
    for (const item of await deps.people.forCase(caseId)) {
      if (item.doneAt === undefined && (await deps.people.done(item.id, by, now)) !== null) {
        peopleDone.push(item.id);
      }
    }
    // A settled case owes no reply: what still waits for approval must not go out afterwards.
    for (const draft of await deps.drafts.forCase(caseId)) {
      const superseded = await deps.drafts.update(draft.id, (current) =>
        current.status === 'pending_approval'
          ? {
              ...current,
              status: 'superseded',
              decidedAt: now.toISOString(),
              decidedBy: by,
              note: `case ${to}`,
            }
          : null,
      );
      if (superseded !== null) {
        draftsSuperseded.push(draft.id);
      }
    }
  }
  const after = await deps.cases.get(caseId);
  return {
    caseId,
    from: previous,
    to,
    by,
    at: now.toISOString(),
    note: note === '' ? null : note,
    resolvedAt: after?.resolvedAt ?? null,
    peopleDone,
    draftsSuperseded,
  };
}
