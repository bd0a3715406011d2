import { UnrecoverableError } from 'bullmq';
import { evaluatePolicy, type PolicyDecision } from '../core/policy/index.js';
import type { DraftInput } from '../core/draft.js';
import {
  platformOf,
  type AuditRecord,
  type Classification,
  type Decision,
  type Draft,
  type Mention,
} from '../core/types.js';
import type { TriageJob } from '../queue/jobs.js';
import { formatAuditLine } from '../store/audit-log.js';
import { draftIds, type DraftKind, type DraftRecord } from '../store/drafts.js';
import type { AppContext } from './context.js';
import { requestNotification, requestPage } from './notify.js';
import { personItemFor } from './people.js';
import { enqueueSend } from './send-draft.js';
import { classifierInputOf } from '../core/classifier-input.js';
import { mentionKeyOf, parseMentionKey } from '../store/cases.js';

/** How many variants to try before giving up on a text the brand has not posted yet. */
const MAX_DRAFT_ATTEMPTS = 8;

/**
 * The thread as the classifier reads it: the text of the case's mention just before this one (the built-in
 * classifier looks only at the last earlier message), or nothing for the first.
 */
async function earlierTexts(ctx: AppContext, caseId: string, mention: Mention): Promise<string[]> {
  const keys = await ctx.cases.mentionKeys(caseId);
  const own = keys.indexOf(mentionKeyOf(mention));
  const previous = own < 0 ? keys.at(-1) : keys[own - 1];
  if (previous === undefined) {
    return [];
  }
  const { source, id } = parseMentionKey(previous);
  const stored = await ctx.mentions.get(source, id);
  return stored === null ? [] : [stored.mention.text];
}

/**
 * Classify → decide (rules/policy.yaml) → draft → route one stored mention. Idempotent: a decided mention
 * is not decided again, and every id it creates (drafts, jobs, notifications) is deterministic.
 */
export async function triageMention(ctx: AppContext, job: TriageJob): Promise<Decision> {
  const stored = await ctx.mentions.get(job.source, job.mentionId);
  if (stored === null) {
    throw new UnrecoverableError(`Mention ${job.source}/${job.mentionId} is not stored`);
  }
  if (stored.decision !== undefined) {
    return stored.decision;
  }
  const { mention, caseId } = stored;
  const platform = platformOf(mention.source);
  const now = ctx.now();
  const classification = await ctx.classify(
    classifierInputOf(mention, await earlierTexts(ctx, caseId, mention)),
  );

  const evaluate = async (acknowledged: boolean): Promise<PolicyDecision> =>
    evaluatePolicy({
      mention,
      classification,
      caseContext: { acknowledged, optedOut: await ctx.optOuts.has(platform, mention.author.id) },
      policy: ctx.policy,
      now,
      // A DM needs a channel, a privacy policy to link, and an author who accepts DMs from the brand.
      dmAvailable:
        ctx.dmResponders.has(platform) &&
        ctx.privacyUrlConfigured &&
        mention.author.acceptsDms !== false,
      rating: mention.rating ?? null,
    });
  let decision = await evaluate(await ctx.cases.isAcknowledgementClaimed(caseId));
  if (decision.action === 'auto_reply' || decision.action === 'escalate_dm') {
    const claimed = await ctx.cases.claimAcknowledgement(caseId, mentionKeyOf(mention));
    if (!claimed) {
      decision = await evaluate(true);
    }
  }

  const base: Omit<AuditRecord, 'outcome' | 'reason'> = {
    at: now.toISOString(),
    caseId,
    source: mention.source,
    mentionId: mention.id,
    actor: 'earshot',
    ruleId: decision.ruleId,
    ruleVersion: decision.ruleVersion,
    classifierVersion: classification.classifierVersion,
    severity: classification.severity,
    category: classification.category,
  };
  const record = async (entry: AuditRecord): Promise<void> => {
    await ctx.audit.append(entry);
    ctx.logger.info(
      { caseId, source: mention.source, mentionId: mention.id, author: mention.author.username },
      formatAuditLine(entry),
    );
  };

  await applyOptOut(ctx, mention, decision, base, record);

  const makeDraft = async (
    kind: Exclude<DraftKind, 'reply'>,
    id: string,
    automated: boolean,
  ): Promise<DraftRecord> => {
    const draft =
      kind === 'dm'
        ? renderDm(ctx, mention, classification)
        : await draftUnused(ctx, mention, classification, kind);
    const record: DraftRecord = {
      id,
      caseId,
      source: mention.source,
      mentionId: mention.id,
      authorId: mention.author.id,
      authorUsername: mention.author.username,
      kind,
      channel: kind === 'dm' ? 'dm' : 'public-reply',
      text: draft.text,
      templateId: draft.templateId,
      origin: 'template',
      automated,
      status: automated ? 'approved' : 'pending_approval',
      severity: classification.severity,
      category: classification.category,
      confidence: classification.confidence,
      deadline: decision.acknowledgeBy ?? decision.responseDeadline,
      approvalReasons: decision.approvalReasons,
      ruleId: decision.ruleId,
      ruleVersion: decision.ruleVersion,
      classifierVersion: classification.classifierVersion,
      createdAt: now.toISOString(),
      createdBy: 'earshot',
      decidedAt: automated ? now.toISOString() : null,
      decidedBy: automated ? `policy:${decision.ruleId}` : null,
      note: null,
      editedFrom: null,
      sentAt: null,
      platformResponseId: null,
      failure: null,
      notifyAt: decision.notifyAt,
      safeAckAt: decision.safeAckAt,
      notifiedAt: null,
      breachNotifiedAt: null,
    };
    await ctx.drafts.create(record);
    return (await ctx.drafts.get(id)) ?? record;
  };

  let entry: AuditRecord;
  switch (decision.action) {
    case 'auto_reply': {
      const draft = await makeDraft('first-reply', draftIds.ack(platform, mention.id), true);
      await enqueueSend(ctx, draft, decision.sendAfter);
      entry = {
        ...base,
        outcome: 'queued',
        reason: decision.reason,
        text: draft.text,
        detail: holdDetail(decision, draft.id),
      };
      break;
    }
    case 'draft_for_approval': {
      const draft = await makeDraft('first-reply', draftIds.ack(platform, mention.id), false);
      entry = {
        ...base,
        outcome: 'drafted',
        reason: decision.reason,
        text: draft.text,
        detail: `waits for approval (${decision.approvalReasons.join(', ') || 'rule'}); draft ${draft.id}`,
      };
      break;
    }
    case 'escalate_dm': {
      const automated = !decision.requiresApproval;
      const handoff = await makeDraft(
        'dm-handoff',
        draftIds.handoff(platform, mention.id),
        automated,
      );
      const dm = await makeDraft('dm', draftIds.dm(platform, mention.id), automated);
      if (automated) {
        await enqueueSend(ctx, handoff, decision.sendAfter);
      }
      await ctx.cases.setState(caseId, 'escalated', now);
      entry = {
        ...base,
        outcome: 'escalated_dm',
        reason: decision.reason,
        text: handoff.text,
        detail: automated
          ? `public hand-off ${handoff.id} queued; DM ${dm.id} follows it`
          : `hand-off ${handoff.id} and DM ${dm.id} wait for approval (${decision.approvalReasons.join(', ')})`,
      };
      break;
    }
    case 'escalate_human': {
      await ctx.people.add(
        personItemFor(mention, caseId, decision.reason, now, null, classification),
      );
      await ctx.cases.setState(caseId, 'escalated', now);
      entry = { ...base, outcome: 'escalated_human', reason: decision.reason };
      break;
    }
    case 'ignore': {
      entry = { ...base, outcome: 'skipped', reason: decision.reason };
      break;
    }
  }

  await ctx.mentions.recordDecision(mention.source, mention.id, {
    classification,
    decision,
    decidedAt: now.toISOString(),
  });
  await record(entry);

  if (decision.pageNow && classification.severity !== null) {
    await requestPage(ctx, {
      mention,
      caseId,
      severity: classification.severity,
      category: classification.category,
      deadline: decision.acknowledgeBy ?? decision.responseDeadline,
    });
  } else if (decision.action === 'escalate_human' && classification.complaint) {
    await requestNotification(ctx, {
      kind: 'escalation',
      eventId: `escalation-${mention.source}-${mention.id}`,
      mention,
      caseId,
      severity: classification.severity,
      category: classification.category,
      deadline: decision.responseDeadline,
    });
  }
  return decision;
}

function holdDetail(decision: PolicyDecision, draftId: string): string {
  return decision.sendAfter
    ? `held for quiet hours until ${decision.sendAfter}; draft ${draftId}`
    : `draft ${draftId}`;
}

async function applyOptOut(
  ctx: AppContext,
  mention: Mention,
  decision: PolicyDecision,
  base: Omit<AuditRecord, 'outcome' | 'reason'>,
  record: (entry: AuditRecord) => Promise<void>,
): Promise<void> {
  const platform = platformOf(mention.source);
  if (decision.authorOptOut === 'record') {
    await ctx.optOuts.add(platform, mention.author.id, { mentionId: mention.id, at: base.at });
    await record({
      ...base,
      outcome: 'opted_out',
      reason: 'author-said-stop',
      detail: `@${mention.author.username}`,
    });
  }
  if (
    decision.authorOptOut === 'clear' &&
    (await ctx.optOuts.remove(platform, mention.author.id))
  ) {
    await record({
      ...base,
      outcome: 'opted_in',
      reason: 'author-opted-back-in',
      detail: `@${mention.author.username}`,
    });
  }
}

function renderDm(ctx: AppContext, mention: Mention, classification: Classification): Draft {
  return ctx.draft({ kind: 'dm', platform: platformOf(mention.source), mention, classification });
}

async function draftUnused(
  ctx: AppContext,
  mention: Mention,
  classification: Pick<Classification, 'category' | 'severity'>,
  kind: Exclude<DraftInput['kind'], 'dm'>,
): Promise<Draft> {
  const platform = platformOf(mention.source);
  const used = new Set<string>();
  for (let attempt = 0; attempt < MAX_DRAFT_ATTEMPTS; attempt += 1) {
    const draft = ctx.draft({
      kind,
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
