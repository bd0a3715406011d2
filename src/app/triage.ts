import { UnrecoverableError } from 'bullmq';
import { decide } from '../core/decide.js';
import {
  platformOf,
  type AuditRecord,
  type Classification,
  type Decision,
  type Draft,
  type Mention,
} from '../core/types.js';
import { jobIds, SEVERITY_PRIORITY, type TriageJob } from '../queue/jobs.js';
import { formatAuditLine } from '../store/audit-log.js';
import type { AppContext } from './context.js';

/** How many variants to try before giving up on a text the brand has not posted yet. */
const MAX_DRAFT_ATTEMPTS = 8;

/** Classify → decide → draft → route one stored mention. Idempotent: a decided mention is not decided again. */
export async function triageMention(ctx: AppContext, job: TriageJob): Promise<Decision> {
  const stored = await ctx.mentions.get(job.source, job.mentionId);
  if (stored === null) {
    throw new UnrecoverableError(`Mention ${job.source}/${job.mentionId} is not stored`);
  }
  if (stored.decision !== undefined) {
    return stored.decision;
  }
  const { mention, caseId } = stored;
  const now = ctx.now();
  const classification = ctx.classify({
    text: mention.text,
    lang: mention.lang,
    source: mention.source,
    author: { followersCount: mention.author.followersCount, verified: mention.author.verified },
  });

  const policy = ctx.policy;
  let decision = decide({
    mention,
    classification,
    caseContext: { acknowledged: await ctx.cases.isAcknowledgementClaimed(caseId) },
    policy,
    now,
  });
  if (decision.action === 'auto_reply') {
    const claimed = await ctx.cases.claimAcknowledgement(caseId, `${mention.source}:${mention.id}`);
    if (!claimed) {
      decision = decide({
        mention,
        classification,
        caseContext: { acknowledged: true },
        policy,
        now,
      });
    }
  }

  const base: Omit<AuditRecord, 'outcome' | 'reason'> = {
    at: now.toISOString(),
    caseId,
    source: mention.source,
    mentionId: mention.id,
    actor: 'earshot',
    ruleId: decision.ruleId,
    ruleVersion: policy.version,
    classifierVersion: classification.classifierVersion,
    severity: classification.severity,
    category: classification.category,
  };

  let record: AuditRecord;
  if (decision.action === 'auto_reply') {
    const draft = await draftUnused(ctx, mention, classification);
    await ctx.queues.replies.add(
      'send-reply',
      {
        source: mention.source,
        mentionId: mention.id,
        caseId,
        text: draft.text,
        templateId: draft.templateId,
        severity: classification.severity,
        ruleId: decision.ruleId,
        ruleVersion: policy.version,
        classifierVersion: classification.classifierVersion,
      },
      {
        jobId: jobIds.reply(platformOf(mention.source), mention.id),
        priority: SEVERITY_PRIORITY[classification.severity ?? 'P3'],
      },
    );
    record = { ...base, outcome: 'queued', reason: decision.reason, text: draft.text };
  } else if (decision.action === 'escalate_human' || decision.action === 'escalate_dm') {
    await ctx.people.add({
      id: `${mention.source}-${mention.id}`,
      caseId,
      reason: decision.reason,
      at: now.toISOString(),
      mention: {
        source: mention.source,
        id: mention.id,
        text: mention.text,
        author: mention.author,
        url: mention.url,
        createdAt: mention.createdAt,
      },
      classification: {
        complaint: classification.complaint,
        confidence: classification.confidence,
        category: classification.category,
        severity: classification.severity,
        flags: classification.flags,
      },
    });
    record = { ...base, outcome: 'escalated_human', reason: decision.reason };
  } else {
    record = { ...base, outcome: 'skipped', reason: decision.reason };
  }

  await ctx.mentions.recordDecision(mention.source, mention.id, {
    classification,
    decision,
    decidedAt: now.toISOString(),
  });
  await ctx.audit.append(record);
  ctx.logger.info(
    { caseId, source: mention.source, mentionId: mention.id, author: mention.author.username },
    formatAuditLine(record),
  );
  return decision;
}

async function draftUnused(
  ctx: AppContext,
  mention: Mention,
  classification: Pick<Classification, 'category' | 'severity'>,
): Promise<Draft> {
  const platform = platformOf(mention.source);
  const used = new Set<string>();
  for (let attempt = 0; attempt < MAX_DRAFT_ATTEMPTS; attempt += 1) {
    const draft = ctx.draft({
      kind: 'first-reply',
      platform,
      mention,
      classification,
      isUsed: (text) => used.has(text),
    });
    if (!(await ctx.postedTexts.has(platform, draft.text))) {
      return draft;
    }
    used.add(draft.text);
  }
  throw new UnrecoverableError(`No unused reply text left for ${mention.source}/${mention.id}`);
}
