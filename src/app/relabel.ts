import type { Severity } from '../core/types.js';
import type { AuditLog } from '../store/audit-log.js';
import { parseMentionKey, type CaseStore } from '../store/cases.js';
import type { LabelStore, Relabel } from '../store/labels.js';
import type { MentionStore } from '../store/mentions.js';

export interface RelabelDeps {
  cases: CaseStore;
  mentions: MentionStore;
  labels: LabelStore;
  audit: AuditLog;
  now: () => Date;
}

/** A relabel that may also correct the severity (from the desk); training reads only the Relabel fields. */
export interface CaseRelabel extends Relabel {
  severity: Severity | null;
}

export interface RelabelInput {
  caseId: string;
  complaint: 0 | 1;
  category: string | null;
  /** The right severity, when the person changed it; omitted by `earshot label`. */
  severity?: Severity | null;
  by: string;
}

/**
 * A person corrects the classifier on a case (its opening mention): stored for training and triage
 * accuracy, and recorded in the audit log with who did it.
 */
export async function relabelCase(deps: RelabelDeps, input: RelabelInput): Promise<CaseRelabel> {
  const [first] = await deps.cases.mentionKeys(input.caseId);
  if (first === undefined) {
    throw new Error(`No case ${input.caseId}: find case ids on the desk's Cases page`);
  }
  const { source, id: mentionId } = parseMentionKey(first);
  const stored = await deps.mentions.get(source, mentionId);
  if (stored === null) {
    throw new Error(`Case ${input.caseId} points at ${first}, which is not stored`);
  }
  const at = deps.now().toISOString();
  const severity = input.severity ?? null;
  const label: CaseRelabel = {
    source,
    mentionId,
    caseId: input.caseId,
    text: stored.mention.text,
    complaint: input.complaint,
    category: input.category,
    severity,
    by: input.by,
    at,
    predicted: stored.classification
      ? { complaint: stored.classification.complaint, category: stored.classification.category }
      : null,
  };
  await deps.labels.put(label);
  await deps.audit.append({
    at,
    caseId: input.caseId,
    source,
    mentionId,
    outcome: 'relabeled',
    reason: 'person-relabel',
    actor: input.by,
    category: input.category,
    ...(severity === null ? {} : { severity }),
    detail: [
      `complaint=${input.complaint}`,
      ...(input.category ? [`category=${input.category}`] : []),
      ...(severity === null ? [] : [`severity=${severity}`]),
    ].join(' '),
  });
  return label;
}
