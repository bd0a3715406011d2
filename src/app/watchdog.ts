import { platformOf } from '../core/types.js';
import { formatAuditLine } from '../store/audit-log.js';
import { draftIds, type DraftRecord } from '../store/drafts.js';
import type { AppContext } from './context.js';
import { requestNotification } from './notify.js';
import { enqueueSend } from './send-draft.js';

export interface WatchdogReport {
  warned: string[];
  breached: string[];
  safeAcks: string[];
}

/**
 * The SLA watchdog, run on a schedule (one run per tick across all processes): for drafts still waiting
 * for a person it alerts people before the deadline, reports a missed deadline once, and — where the
 * policy allows — posts a safe acknowledgment from the approved `safe-ack` templates before the
 * 60-minute acknowledgment target runs out, leaving the draft for the handled reply.
 */
export async function runWatchdog(ctx: AppContext): Promise<WatchdogReport> {
  const now = ctx.now();
  const report: WatchdogReport = { warned: [], breached: [], safeAcks: [] };
  for (const draft of await ctx.drafts.pending()) {
    const stored = await ctx.mentions.get(draft.source, draft.mentionId);
    if (stored === null) {
      continue;
    }
    const request = {
      mention: stored.mention,
      caseId: draft.caseId,
      severity: draft.severity,
      category: draft.category,
      deadline: draft.deadline,
    };
    if (
      draft.deadline !== null &&
      Date.parse(draft.deadline) <= now.getTime() &&
      draft.breachNotifiedAt === null
    ) {
      await requestNotification(ctx, {
        ...request,
        kind: 'sla-breach',
        eventId: `sla-breach-${draft.id}`,
      });
      await mark(ctx, draft.id, {
        breachNotifiedAt: now.toISOString(),
        notifiedAt: draft.notifiedAt ?? now.toISOString(),
      });
      report.breached.push(draft.id);
    } else if (
      draft.notifyAt !== null &&
      Date.parse(draft.notifyAt) <= now.getTime() &&
      draft.notifiedAt === null
    ) {
      await requestNotification(ctx, {
        ...request,
        kind: 'sla-warning',
        eventId: `sla-warning-${draft.id}`,
      });
      await mark(ctx, draft.id, { notifiedAt: now.toISOString() });
      report.warned.push(draft.id);
    }
    if (
      ctx.policy.safeAck.enabled &&
      draft.kind === 'first-reply' &&
      draft.safeAckAt !== null &&
      Date.parse(draft.safeAckAt) <= now.getTime() &&
      (await sendSafeAck(ctx, draft))
    ) {
      report.safeAcks.push(draft.id);
    }
  }
  return report;
}

async function mark(ctx: AppContext, id: string, fields: Partial<DraftRecord>): Promise<void> {
  await ctx.drafts.update(id, (current) => ({ ...current, ...fields }));
}

/** Posts the case's one automated acknowledgment, unless something already acknowledged it. */
async function sendSafeAck(ctx: AppContext, waiting: DraftRecord): Promise<boolean> {
  const platform = platformOf(waiting.source);
  const id = draftIds.safeAck(platform, waiting.mentionId);
  if ((await ctx.drafts.get(id)) !== null) {
    return false;
  }
  if (!(await ctx.cases.claimAcknowledgement(waiting.caseId, id))) {
    return false;
  }
  const stored = await ctx.mentions.get(waiting.source, waiting.mentionId);
  if (stored === null) {
    return false;
  }
  const now = ctx.now();
  const draft = ctx.draft({
    kind: 'safe-ack',
    platform,
    mention: stored.mention,
    classification: { category: waiting.category, severity: waiting.severity },
  });
  const safeAck: DraftRecord = {
    ...waiting,
    id,
    kind: 'safe-ack',
    text: draft.text,
    templateId: draft.templateId,
    origin: 'template',
    automated: true,
    status: 'approved',
    approvalReasons: [],
    createdAt: now.toISOString(),
    createdBy: 'earshot',
    decidedAt: now.toISOString(),
    decidedBy: 'policy:safe-ack',
    note: `safe acknowledgment while ${waiting.id} waits for approval`,
    notifyAt: null,
    safeAckAt: null,
    notifiedAt: null,
    breachNotifiedAt: null,
  };
  if (!(await ctx.drafts.create(safeAck))) {
    return false;
  }
  await enqueueSend(ctx, safeAck);
  const entry = {
    at: now.toISOString(),
    caseId: waiting.caseId,
    source: waiting.source,
    mentionId: waiting.mentionId,
    outcome: 'queued' as const,
    reason: 'safe-acknowledgment',
    actor: 'earshot',
    ruleId: 'policy:safe-ack',
    ruleVersion: waiting.ruleVersion,
    severity: waiting.severity,
    category: waiting.category,
    text: safeAck.text,
    detail: `${waiting.id} still waits for approval near the acknowledgment target`,
  };
  await ctx.audit.append(entry);
  ctx.logger.info({ caseId: waiting.caseId, draftId: id }, formatAuditLine(entry));
  return true;
}
