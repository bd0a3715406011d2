import {
  earlierTime,
  engagementReasons,
  isMoreUrgent,
  isOpenXCase,
  planLookups,
  WATCH_WINDOW_MS,
  withEarlierDeadline,
  type WatchCandidate,
} from '../core/engagement-watch.js';
import { classifierInputOf } from '../core/classifier-input.js';
import {
  isQuietExempt,
  responseDeadlineFor,
  severityNeedsPerson,
  type PolicyDecision,
} from '../core/policy/index.js';
import type { Job } from 'bullmq';
import type { AuditRecord, Classification, Severity } from '../core/types.js';
import { PlatformRateLimited } from '../errors.js';
import { jobIds, SEVERITY_PRIORITY } from '../queue/jobs.js';
import type { EngagementLookup } from '../sources/types.js';
import { draftAuditFields, formatAuditLine } from '../store/audit-log.js';
import { parseMentionKey, type CaseRecord } from '../store/cases.js';
import type { StoredMention } from '../store/mentions.js';
import { draftIds, type DraftRecord } from '../store/drafts.js';
import type { AppContext } from './context.js';
import { requestPage } from './notify.js';
import { budgetFor } from './send-draft.js';

/** Name under which a 429 on the lookup defers the next runs (the poll-deferral store). */
export const ENGAGEMENT_WATCH_DEFER = 'x-engagement-watch';

/** Lookups per run by default: 5 × 100 posts, well inside X's 900 per 15 minutes. */
export const DEFAULT_WATCH_REQUESTS = 5;

/** How many of the newest cases a run reads to find the watched ones. */
const MAX_CASES_SCANNED = 5000;

export interface EngagementWatchReport {
  /** Cases whose opening post was looked up. */
  lookedUp: number;
  /** Lookup requests made. */
  requests: number;
  /** Watched cases left for a later run by the request cap. */
  left: number;
  raised: Array<{ caseId: string; from: Severity; to: Severity }>;
  /** Post ids X returned no counts for (deleted, protected, suspended). */
  missing: string[];
  /** Epoch ms until which X's rate limit holds the watch back, when it does. */
  deferredUntil?: number;
}

interface Watched {
  candidate: WatchCandidate;
  record: CaseRecord;
  stored: StoredMention;
}

/**
 * One run of the engagement watch: looks up the current engagement of open X complaints of the last 24 hours
 * (at most `maxRequests` lookups of up to 100 posts), stores it, classifies again and, when that is more urgent,
 * raises the case: records the new classification, a `severity_raised` audit record, an earlier SLA deadline
 * while nobody has answered, and a page for the levels policy pages at once. Never lowers a severity;
 * a second run with the same counts changes nothing. A 429 skips the run until X's reset.
 */
export async function runEngagementWatch(
  ctx: AppContext,
  lookup: EngagementLookup,
  options: { maxRequests?: number; signal?: AbortSignal } = {},
): Promise<EngagementWatchReport> {
  const now = ctx.now();
  const report: EngagementWatchReport = {
    lookedUp: 0,
    requests: 0,
    left: 0,
    raised: [],
    missing: [],
  };
  const deferredUntil = await ctx.cursors.deferredUntil(ENGAGEMENT_WATCH_DEFER);
  if (deferredUntil > now.getTime()) {
    return { ...report, deferredUntil };
  }

  const watched = await loadCandidates(ctx, now);
  const plan = planLookups(
    [...watched.values()].map((entry) => entry.candidate),
    now,
    { batchSize: lookup.maxIds, maxRequests: options.maxRequests ?? DEFAULT_WATCH_REQUESTS },
  );
  report.left = plan.left;
  for (const batch of plan.batches) {
    if (options.signal?.aborted) {
      break;
    }
    let result;
    try {
      result = await lookup.lookup(batch.map((candidate) => candidate.mentionId));
    } catch (error) {
      if (error instanceof PlatformRateLimited) {
        await ctx.cursors.deferUntil(ENGAGEMENT_WATCH_DEFER, error.resetAt, now.getTime());
        ctx.logger.warn(
          { until: new Date(error.resetAt).toISOString() },
          'X rate limit reached; the engagement watch waits for x-rate-limit-reset',
        );
        return { ...report, deferredUntil: error.resetAt };
      }
      throw error;
    }
    report.requests += 1;
    report.lookedUp += batch.length;
    report.missing.push(...result.missing);
    for (const candidate of batch) {
      const engagement = result.engagement.get(candidate.mentionId);
      const entry = watched.get(candidate.caseId);
      if (engagement === undefined || entry === undefined) {
        continue;
      }
      const updated = await ctx.mentions.updateEngagement(candidate.source, candidate.mentionId, {
        ...engagement,
        replies: Math.max(0, engagement.replies - (await ourReplies(ctx, candidate))),
      });
      if (updated === null) {
        continue;
      }
      const raised = await raiseIfSpreading(ctx, { ...entry, stored: updated }, now);
      if (raised !== null) {
        report.raised.push(raised);
      }
    }
  }
  return report;
}

/** Our public replies to the post: X's reply count includes them, and they are no sign of a growing thread. */
async function ourReplies(ctx: AppContext, candidate: WatchCandidate): Promise<number> {
  const drafts = await ctx.drafts.forCase(candidate.caseId);
  return drafts.filter(
    (draft) =>
      draft.status === 'sent' &&
      draft.channel === 'public-reply' &&
      draft.mentionId === candidate.mentionId,
  ).length;
}

/** Open cases first seen within the window, keyed by case id, with the decided mention that opened them. */
async function loadCandidates(ctx: AppContext, now: Date): Promise<Map<string, Watched>> {
  const since = new Date(now.getTime() - WATCH_WINDOW_MS);
  const watched = new Map<string, Watched>();
  for (const caseId of await ctx.cases.createdSince(since, MAX_CASES_SCANNED)) {
    const record = await ctx.cases.get(caseId);
    if (record === null || !isOpenXCase(record)) {
      continue;
    }
    const [opening] = await ctx.cases.mentionKeys(caseId);
    if (opening === undefined) {
      continue;
    }
    const { source, id } = parseMentionKey(opening);
    const stored = await ctx.mentions.get(source, id);
    // Undecided mentions are triage's: it classifies them with whatever engagement they carry.
    if (stored?.classification === undefined || stored.decision === undefined) {
      continue;
    }
    // A person's "not a complaint" stands; a person's severity does not hold a spreading complaint back.
    const label = await ctx.labels.get(opening);
    const complaint = label ? label.complaint === 1 : stored.classification.complaint;
    watched.set(caseId, {
      record,
      stored,
      candidate: {
        caseId,
        state: record.state,
        source: stored.mention.source,
        mentionId: stored.mention.id,
        postedAt: stored.mention.createdAt,
        complaint,
        severity: complaint ? stored.classification.severity : null,
        observedAt: stored.mention.engagement?.observedAt ?? null,
      },
    });
  }
  return watched;
}

/**
 * Classifies the mention again with its new counts and raises the case when engagement makes it more urgent.
 * Side effects come first and the stored classification last: a run killed in between does it again, and the
 * page's deterministic job id keeps that to one page per channel.
 */
async function raiseIfSpreading(
  ctx: AppContext,
  { candidate, record, stored }: Watched,
  now: Date,
): Promise<{ caseId: string; from: Severity; to: Severity } | null> {
  const from = candidate.severity;
  // The opening mention has no earlier messages in its case, so it classifies as triage classified it.
  const classification: Classification = await ctx.classify(classifierInputOf(stored.mention));
  const to = classification.severity;
  const why = engagementReasons(classification.reasons);
  // Only engagement raises here: a rules change re-rating old cases is not news to page anyone about.
  if (from === null || to === null || !isMoreUrgent(to, from) || why.length === 0) {
    return null;
  }
  const { mention } = stored;
  const decision = stored.decision as PolicyDecision;
  const answered = record.firstResponseAt !== null;
  const owesResponse = decision.action !== 'ignore';
  // The new level's clock starts now: a deadline already past when the spread is seen would only record a miss.
  const due = responseDeadlineFor(now, ctx.policy.sla[to], ctx.policy);
  const raisedDecision = !answered && owesResponse ? withEarlierDeadline(decision, due) : decision;

  const entry: AuditRecord = {
    at: now.toISOString(),
    caseId: candidate.caseId,
    source: mention.source,
    mentionId: mention.id,
    outcome: 'severity_raised',
    reason: why[0]?.rule.replace(':', '-') ?? 'engagement',
    actor: 'earshot',
    ruleId: why[0]?.rule ?? 'engagement',
    classifierVersion: classification.classifierVersion,
    severity: to,
    category: classification.category,
    detail: `${from} → ${to}: ${why.map((reason) => reason.detail).join('; ')}${
      raisedDecision.deadline !== decision.deadline
        ? `; first response now due ${raisedDecision.deadline}`
        : ''
    }`,
  };
  await ctx.audit.append(entry);
  ctx.logger.info(
    { caseId: candidate.caseId, source: mention.source, mentionId: mention.id },
    formatAuditLine(entry),
  );

  await raiseDrafts(ctx, candidate.caseId, from, to, answered ? null : due, now);
  // The people queue shows each item's severity: waiting items of the case show the new one.
  for (const item of await ctx.people.forCase(candidate.caseId)) {
    if (item.doneAt !== undefined) {
      continue;
    }
    await ctx.people.update(item.id, (current) =>
      current.classification === null ||
      (current.classification.severity !== null &&
        !isMoreUrgent(to, current.classification.severity))
        ? null
        : { ...current, classification: { ...current.classification, severity: to } },
    );
  }
  if (owesResponse && ctx.policy.notify.pageImmediately.includes(to)) {
    await requestPage(ctx, {
      mention,
      caseId: candidate.caseId,
      severity: to,
      category: classification.category,
      deadline: answered
        ? (raisedDecision.responseDeadline ?? raisedDecision.deadline)
        : raisedDecision.deadline,
      raisedFrom: from,
    });
  }
  await ctx.mentions.recordRaise(mention.source, mention.id, {
    classification,
    decision: raisedDecision,
  });
  return { caseId: candidate.caseId, from, to };
}

/**
 * The case's drafts that have not gone out take the new severity; those waiting for a person also take the
 * earlier deadline (the inbox sorts by it, the watchdog warns by it); queued sends move up the send queue, and a
 * send held for quiet hours goes now when the new severity is exempt from them. An automated reply still queued
 * goes back to a person when the new severity must be approved and allows no automated acknowledgment (P0 by
 * default: a person is paged and answers).
 */
async function raiseDrafts(
  ctx: AppContext,
  caseId: string,
  from: Severity,
  to: Severity,
  due: Date | null,
  now: Date,
): Promise<void> {
  const dueIso = due?.toISOString() ?? null;
  const warnAt =
    due === null
      ? null
      : new Date(
          Math.max(now.getTime(), due.getTime() - ctx.policy.notify.minutesBefore * 60_000),
        ).toISOString();
  const personAnswers = severityNeedsPerson(to, ctx.policy);
  const quietExempt = isQuietExempt(to, ctx.policy);
  for (const draft of await ctx.drafts.forCase(caseId)) {
    const queued = draft.status === 'approved' ? await queuedSendOf(ctx, draft) : null;
    if (personAnswers && draft.automated && queued !== null) {
      await returnToPerson(ctx, draft, queued, { from, to, deadline: dueIso, notifyAt: warnAt });
      continue;
    }
    const updated = await ctx.drafts.update(draft.id, (current) => {
      if (current.status !== 'pending_approval' && current.status !== 'approved') {
        return null;
      }
      if (current.status === 'approved' || dueIso === null) {
        return { ...current, severity: to };
      }
      return {
        ...current,
        severity: to,
        deadline: earlierTime(current.deadline, dueIso),
        notifyAt: earlierTime(current.notifyAt, warnAt),
      };
    });
    if (updated?.status !== 'approved' || queued === null) {
      continue;
    }
    // BullMQ re-ranks waiting and prioritized jobs, and stores the priority a delayed job takes when it is due.
    await queued.job.changePriority({ priority: SEVERITY_PRIORITY[to] });
    if (quietExempt && queued.state === 'delayed') {
      await queued.job.promote();
    }
  }
}

interface QueuedSend {
  job: Job;
  state: 'waiting' | 'prioritized' | 'delayed';
}

/** The draft's send job and its state while it has not started, else null. */
async function queuedSendOf(ctx: AppContext, draft: DraftRecord): Promise<QueuedSend | null> {
  const job = await ctx.queues.send[budgetFor(draft)].getJob(jobIds.send(draft.id));
  const state = await job?.getState();
  return job && (state === 'waiting' || state === 'prioritized' || state === 'delayed')
    ? { job, state }
    : null;
}

/**
 * Replaces a queued automated reply by the same text waiting for a person's approval. The new draft is written
 * first and the old one superseded by compare-and-set, so a run killed in between does the rest next time, and
 * a reply that went out meanwhile leaves the new draft superseded instead of waiting to be sent twice.
 */
async function returnToPerson(
  ctx: AppContext,
  draft: DraftRecord,
  queued: QueuedSend,
  raise: { from: Severity; to: Severity; deadline: string | null; notifyAt: string | null },
): Promise<void> {
  const now = ctx.now();
  const pending: DraftRecord = {
    ...draft,
    id: draftIds.raised(draft.id),
    automated: false,
    status: 'pending_approval',
    severity: raise.to,
    approvalReasons: [`severity-${raise.to.toLowerCase()}`],
    createdAt: now.toISOString(),
    createdBy: 'earshot',
    decidedAt: null,
    decidedBy: null,
    note: `held back from automatic sending: raised ${raise.from} → ${raise.to}`,
    deadline: earlierTime(draft.deadline, raise.deadline),
    notifyAt: raise.notifyAt ?? draft.notifyAt,
    // The case's one automated acknowledgment was this reply: a person answers instead.
    safeAckAt: null,
    notifiedAt: null,
    breachNotifiedAt: null,
  };
  await ctx.drafts.create(pending);
  const superseded = await ctx.drafts.update(draft.id, (current) =>
    current.status === 'approved'
      ? { ...current, status: 'superseded', note: `returned to a person as ${pending.id}` }
      : null,
  );
  if (superseded === null) {
    await ctx.drafts.update(pending.id, (current) =>
      current.status === 'pending_approval'
        ? { ...current, status: 'superseded', note: `${draft.id} went out first` }
        : null,
    );
    return;
  }
  // The job would find its draft superseded and send nothing; removing it keeps the queue honest. A job that
  // started meanwhile is locked and finishes on its own.
  await queued.job.remove().catch(() => undefined);
  const entry: AuditRecord = {
    ...draftAuditFields(draft, now),
    outcome: 'drafted',
    reason: 'severity-raised-needs-approval',
    actor: 'earshot',
    severity: raise.to,
    detail: `automated reply ${draft.id} held back (${raise.from} → ${raise.to}); waits for approval as ${pending.id}`,
  };
  await ctx.audit.append(entry);
  ctx.logger.info({ caseId: draft.caseId, draftId: pending.id }, formatAuditLine(entry));
}
