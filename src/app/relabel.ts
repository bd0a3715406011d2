import type { SourceId } from '../core/types.js';
import type { AuditLog } from '../store/audit-log.js';
import type { CaseStore } from '../store/cases.js';
import type { LabelStore, Relabel } from '../store/labels.js';
import type { MentionStore } from '../store/mentions.js';

export interface RelabelDeps {
  cases: CaseStore;
  mentions: MentionStore;
  labels: LabelStore;
  audit: AuditLog;
  now: () => Date;
}

/**
 * A person corrects the classifier on a case (its opening mention): stored for training and triage
 * accuracy, and recorded in the audit log with who did it.
 */
export async function relabelCase(
  deps: RelabelDeps,
  input: { caseId: string; complaint: 0 | 1; category: string | null; by: string },
): Promise<Relabel> {
  const [first] = await deps.cases.mentionKeys(input.caseId);
  if (first === undefined) {
    throw new Error(`No case ${input.caseId}: list cases with \`earshot drafts list\` or the desk`);
  }
  const separator = first.indexOf(':');
  const source = first.slice(0, separator) as SourceId;
  const mentionId = first.slice(separator + 1);
  const stored = await deps.mentions.get(source, mentionId);
  if (stored === null) {
    throw new Error(`Case ${input.caseId} points at ${first}, which is not stored`);
  }
  const at = deps.now().toISOString();
  const label: Relabel = {
    source,
    mentionId,
    caseId: input.caseId,
    text: stored.mention.text,
    complaint: input.complaint,
    category: input.category,
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
    detail: `complaint=${input.complaint}${input.category ? ` category=${input.category}` : ''}`,
  });
  return label;
}
