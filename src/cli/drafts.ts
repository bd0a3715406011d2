import { DraftActionError, type Actor, type DraftService } from '../app/drafts.js';
import type { DraftRecord } from '../store/drafts.js';
import type { CliIo } from './io.js';

function countdown(deadline: string | null, now: Date): string {
  if (deadline === null) {
    return 'no deadline';
  }
  const minutes = Math.round((Date.parse(deadline) - now.getTime()) / 60_000);
  return minutes >= 0 ? `due in ${minutes} min` : `OVERDUE by ${-minutes} min`;
}

function oneLine(text: string): string {
  return JSON.stringify(text.replace(/\s+/g, ' '));
}

/** `earshot drafts list`: id, source post id, severity, deadline and text of each draft waiting for approval. */
export async function runDraftsList(
  drafts: DraftService,
  io: CliIo,
  now: Date,
  json = false,
): Promise<number> {
  const pending = await drafts.list({ status: 'pending_approval' });
  if (json) {
    io.out(JSON.stringify(pending));
    return 0;
  }
  if (pending.length === 0) {
    io.out('No drafts wait for approval.');
    return 0;
  }
  for (const draft of pending) {
    io.out(
      [
        draft.id,
        `${draft.source}/${draft.mentionId}`,
        draft.severity ?? '—',
        `${draft.deadline ?? '—'} (${countdown(draft.deadline, now)})`,
        oneLine(draft.text),
      ].join('  '),
    );
  }
  return 0;
}

function describe(draft: DraftRecord): string[] {
  return [
    `id:          ${draft.id}`,
    `case:        ${draft.caseId}`,
    `replies to:  ${draft.source}/${draft.mentionId} (@${draft.authorUsername})`,
    `kind:        ${draft.kind} via ${draft.channel}${draft.automated ? ' (automated)' : ''}`,
    `status:      ${draft.status}${draft.decidedBy ? ` by ${draft.decidedBy} at ${draft.decidedAt}` : ''}`,
    `severity:    ${draft.severity ?? '—'}   category: ${draft.category ?? '—'}   confidence: ${draft.confidence?.toFixed(2) ?? '—'}`,
    `deadline:    ${draft.deadline ?? '—'}`,
    `approval:    ${draft.approvalReasons.join(', ') || '—'}`,
    `rule:        ${draft.ruleId} (rules ${draft.ruleVersion}, classifier ${draft.classifierVersion})`,
    `template:    ${draft.templateId ?? `— (${draft.origin})`}`,
    ...(draft.note ? [`note:        ${draft.note}`] : []),
    ...(draft.failure ? [`failure:     ${draft.failure}`] : []),
    ...(draft.platformResponseId ? [`posted as:   ${draft.platformResponseId}`] : []),
    'text:',
    `  ${draft.text}`,
  ];
}

export async function runDraftsShow(drafts: DraftService, id: string, io: CliIo): Promise<number> {
  const draft = await drafts.get(id);
  if (draft === null) {
    io.err(`No draft ${id}: see \`earshot drafts list\``);
    return 1;
  }
  for (const line of describe(draft)) {
    io.out(line);
  }
  return 0;
}

/** approve / reject / edit: a refused action prints why and exits 1. */
export async function runDraftAction(
  action: 'approve' | 'reject' | 'edit',
  drafts: DraftService,
  input: { id: string; actor: Actor; note?: string; text?: string },
  io: CliIo,
): Promise<number> {
  try {
    if (action === 'approve') {
      const draft = await drafts.approve(input.id, input.actor);
      io.out(`Approved ${draft.id}; it is queued to send.`);
    } else if (action === 'reject') {
      const draft = await drafts.reject(input.id, input.actor, input.note ?? '');
      io.out(`Rejected ${draft.id}; it will never be sent.`);
    } else {
      const draft = await drafts.edit(input.id, input.actor, input.text ?? '');
      io.out(`Edited into ${draft.id}; it waits for approval: earshot drafts approve ${draft.id}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof DraftActionError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
