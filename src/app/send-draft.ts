import { checkXGate, replyCostUsd } from '../core/gate.js';
import { platformOf, type AuditRecord, type Mention, type Platform } from '../core/types.js';
import {
  decideUnknownOutcome,
  type ShownReply,
  type UnknownOutcomeDecision,
} from '../core/unknown-outcome.js';
import {
  DuplicateContent,
  EarshotError,
  PlatformAuthError,
  PlatformRateLimited,
  PolicyBlocked,
  TransientNetworkError,
} from '../errors.js';
import { jobIds, SEVERITY_PRIORITY } from '../queue/jobs.js';
import { draftAuditFields, formatAuditLine } from '../store/audit-log.js';
import { draftIds, type DraftRecord } from '../store/drafts.js';
import type { AppContext, BudgetName } from './context.js';
import type { Sent } from '../responders/types.js';
import { personItemFor } from './people.js';

export type SendOutcome =
  | { status: 'sent'; platformId: string }
  | { status: 'dry_run' }
  | { status: 'already_sent'; platformId: string }
  | { status: 'outcome_unknown' }
  | { status: 'blocked'; reason: string }
  | { status: 'not_approved'; draftStatus: string };

/** Sending is held (kill switch): the job goes back to the queue, in order, without using an attempt. */
export class SendingPaused extends EarshotError {
  constructor() {
    super('policy-blocked', 'Sending is paused (earshot pause); the reply waits in the queue');
  }
}

/**
 * The platform limits reading back whether a cut-off attempt went out: this one draft waits until `retryAt`
 * (its job is delayed, without using an attempt) while the rest of its send queue goes on.
 */
export class ReadBackDeferred extends EarshotError {
  readonly retryAt: number;

  constructor(message: string, retryAt: number) {
    super('rate-limited', message);
    this.retryAt = retryAt;
  }
}

/** How long after a cut-off attempt a read-back that the platform rate-limits may still wait for its window. */
const READ_BACK_WAIT_LIMIT_MS = 30 * 60_000;

/** Errors after which the platform certainly did not post, so the claim may be released for a later try. */
function certainlyNotPosted(error: unknown): boolean {
  if (error instanceof PlatformRateLimited || error instanceof PlatformAuthError) {
    return true;
  }
  if (error instanceof PolicyBlocked || error instanceof DuplicateContent) {
    return true;
  }
  if (error instanceof TransientNetworkError) {
    const cause = error.cause instanceof Error ? error.cause.message : '';
    return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(`${cause} ${error.message}`);
  }
  return false;
}

/** The rate budget (and so the send queue) a draft goes through. */
export function budgetFor(draft: Pick<DraftRecord, 'source' | 'channel'>): BudgetName {
  const platform = platformOf(draft.source);
  if (platform === 'x') {
    return draft.channel === 'dm' ? 'x:dm' : 'x:post';
  }
  return platform === 'app-store' ? 'app-store:reply' : 'google-play:reply';
}

/** A small per-draft delay so automated replies do not go out with robotic regularity (deterministic per id). */
function jitterFor(id: string, maxMs: number): number {
  if (maxMs <= 0) {
    return 0;
  }
  let hash = 0;
  for (const char of id) {
    hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  }
  return hash % maxMs;
}

/** Queues an approved draft for sending: priority by severity, held until `sendAfter` (quiet hours), jittered. */
export async function enqueueSend(
  ctx: AppContext,
  draft: DraftRecord,
  sendAfter?: string | null,
): Promise<void> {
  const holdMs = sendAfter ? Math.max(0, Date.parse(sendAfter) - ctx.now().getTime()) : 0;
  const delay = holdMs + (draft.automated ? jitterFor(draft.id, ctx.jitterMs) : 0);
  await ctx.queues.send[budgetFor(draft)].add(
    'send-draft',
    { draftId: draft.id },
    {
      jobId: jobIds.send(draft.id),
      priority: SEVERITY_PRIORITY[draft.severity ?? 'P3'],
      ...(delay > 0 ? { delay } : {}),
    },
  );
}

/** How to read back what this draft's channel shows, and whether a new message there replaces the old one. */
function readBackFor(
  ctx: AppContext,
  draft: DraftRecord,
  platform: Platform,
  since: Date,
): { find: () => Promise<ShownReply | null>; replaces: boolean } | null {
  if (draft.channel === 'dm') {
    const dm = ctx.dmResponders.get(platform);
    return dm === undefined
      ? null
      : { find: () => dm.findDm({ recipientId: draft.authorId, since }), replaces: false };
  }
  const reply = ctx.responders.get(platform);
  return reply === undefined
    ? null
    : {
        find: () => reply.findReply({ inReplyToId: draft.mentionId, since }),
        replaces: reply.replyReplaces,
      };
}

/**
 * An earlier attempt at this draft died during the platform call. Looks at what the platform shows (under the
 * post, or in the DM conversation): our text there → it went out; nothing newer there on a platform where a
 * reply replaces → send again; the platform unreachable → try again later; anything else → a person checks.
 */
async function settleUnknownOutcome(
  ctx: AppContext,
  draft: DraftRecord,
  platform: Platform,
  since: Date,
): Promise<UnknownOutcomeDecision | { kind: 'read-later'; retryAt: number; detail: string }> {
  const readBack = readBackFor(ctx, draft, platform, since);
  if (readBack === null) {
    return {
      kind: 'ask-person',
      detail: 'check the conversation before replying by hand',
    };
  }
  try {
    return decideUnknownOutcome({
      shown: await readBack.find(),
      text: draft.text,
      since,
      replyReplaces: readBack.replaces,
    });
  } catch (error) {
    if (error instanceof TransientNetworkError) {
      // The platform could not be reached: the guard stays pending and a later attempt reads back again; the
      // send queue's last attempt hands the draft to a person (giveUpSend).
      throw error;
    }
    if (
      error instanceof PlatformRateLimited &&
      error.resetAt - since.getTime() <= READ_BACK_WAIT_LIMIT_MS
    ) {
      // Waiting for the read window beats a person checking by hand; past the limit a person does check.
      return {
        kind: 'read-later',
        retryAt: Math.max(error.resetAt, ctx.now().getTime() + 1000),
        detail: error.message,
      };
    }
    ctx.logger.warn({ err: error, draftId: draft.id }, 'could not read back a reply');
    return {
      kind: 'ask-person',
      detail: `${platform} could not be asked whether it went out (${error instanceof Error ? error.message : String(error)}): check the thread before replying by hand`,
    };
  }
}

/** The fields every audit record about sending this draft carries; the actor is whoever approved it. */
function auditBase(draft: DraftRecord, now: Date): Omit<AuditRecord, 'outcome' | 'reason'> {
  return {
    ...draftAuditFields(draft, now),
    actor: draft.automated ? 'earshot' : (draft.decidedBy ?? 'earshot'),
  };
}

async function recordSend(ctx: AppContext, draft: DraftRecord, entry: AuditRecord): Promise<void> {
  await ctx.audit.append(entry);
  ctx.logger.info({ caseId: draft.caseId, draftId: draft.id }, formatAuditLine(entry));
}

/**
 * A person takes over a draft that automation could not send: an item on the people queue and, when that item is
 * new, a notification (`needs-person`, or `outcome-unknown` when the platform may have posted it), so a complaint
 * never waits unseen on the desk.
 */
async function handToPerson(
  ctx: AppContext,
  mention: Mention,
  draft: DraftRecord,
  reason: string,
  now: Date,
  kind: 'needs-person' | 'outcome-unknown' = 'needs-person',
): Promise<void> {
  if (!(await ctx.people.add(personItemFor(mention, draft.caseId, reason, now, draft.id)))) {
    return;
  }
  await ctx.notify({
    kind,
    eventId: `${kind}-${draft.id}`,
    mention,
    caseId: draft.caseId,
    severity: draft.severity,
    category: draft.category,
    deadline: draft.deadline,
  });
}

/**
 * Ends an approved draft as failed with a person taking over: the people-queue item and notification first (so
 * nothing is lost if we stop here), then the draft's status and the audit line.
 */
async function failToPerson(
  ctx: AppContext,
  mention: Mention,
  draft: DraftRecord,
  now: Date,
  failure: { reason: string; kind: 'needs-person' | 'outcome-unknown'; detail: string },
): Promise<void> {
  await handToPerson(ctx, mention, draft, failure.reason, now, failure.kind);
  await ctx.drafts.update(draft.id, (current) =>
    current.status === 'approved'
      ? { ...current, status: 'failed', failure: failure.reason }
      : null,
  );
  await recordSend(ctx, draft, {
    ...auditBase(draft, now),
    outcome: 'failed',
    reason: failure.reason,
    detail: `${failure.detail} (draft ${draft.id})`,
  });
}

/**
 * The send queue gave up on an approved draft: its attempts ran out on errors that may pass (the platform
 * unreachable, 5xx answers), or the platform refused our credentials. The draft fails and a person takes over,
 * told whether the platform may have posted it (an attempt cut off mid-call leaves the sent-guard pending).
 */
export async function giveUpSend(
  ctx: AppContext,
  draftId: string,
  error: unknown,
  attempts: number,
): Promise<void> {
  const draft = await ctx.drafts.get(draftId);
  if (draft === null || draft.status !== 'approved') {
    return;
  }
  const stored = await ctx.mentions.get(draft.source, draft.mentionId);
  if (stored === null) {
    return;
  }
  const platform = platformOf(draft.source);
  const guard = await ctx.sentGuard.get(platform, draft.id);
  if (guard?.state === 'sent') {
    return;
  }
  const uncertain = guard?.state === 'pending';
  const message = error instanceof Error ? error.message : String(error);
  const tries = attempts === 1 ? 'after 1 attempt' : `after ${attempts} attempts`;
  await failToPerson(
    ctx,
    stored.mention,
    draft,
    ctx.now(),
    uncertain
      ? {
          reason: 'reply-outcome-unknown',
          kind: 'outcome-unknown',
          detail: `gave up ${tries} (${message}); the last was cut off mid-call, so ${platform} may show it: check the thread before replying by hand`,
        }
      : {
          reason: 'send-failed',
          kind: 'needs-person',
          detail: `gave up ${tries} (${message}); ${platform} did not take it: a person replies instead`,
        },
  );
}

/**
 * Sends one approved draft, at most once: pause check → X gate → rate budget → sent-guard claim →
 * platform call → record. A guard found 'pending' means an earlier attempt died mid-call: what the platform
 * shows settles it (settleUnknownOutcome), and when it cannot, the case goes to a person to check.
 */
export async function sendDraft(ctx: AppContext, draftId: string): Promise<SendOutcome> {
  const draft = await ctx.drafts.get(draftId);
  if (draft === null) {
    throw new PolicyBlocked('draft-missing', `Draft ${draftId} does not exist`);
  }
  if (draft.status === 'sent') {
    return { status: 'already_sent', platformId: draft.platformResponseId ?? '' };
  }
  if (draft.status !== 'approved') {
    return { status: 'not_approved', draftStatus: draft.status };
  }
  if (await ctx.control.isPaused()) {
    throw new SendingPaused();
  }
  const platform = platformOf(draft.source);
  const now = ctx.now();
  const base = auditBase(draft, now);
  const record = (entry: AuditRecord): Promise<void> => recordSend(ctx, draft, entry);
  const stored = await ctx.mentions.get(draft.source, draft.mentionId);
  if (stored === null) {
    throw new PolicyBlocked(
      'mention-missing',
      `Mention ${draft.source}/${draft.mentionId} is not stored`,
    );
  }

  const block = async (reason: string, detail: string): Promise<SendOutcome> => {
    await ctx.drafts.update(draft.id, (current) =>
      current.status === 'approved'
        ? { ...current, status: 'blocked', failure: `${reason}: ${detail}` }
        : null,
    );
    await record({ ...base, outcome: 'blocked', reason, detail: `${detail} (draft ${draft.id})` });
    await handToPerson(ctx, stored.mention, draft, `blocked-${reason}`, now);
    return { status: 'blocked', reason };
  };

  const daily = await ctx.daily.get(platform, now);
  if (platform === 'x' && draft.channel === 'public-reply') {
    const gate = checkXGate({
      mention: stored.mention,
      text: draft.text,
      automated: draft.automated,
      origin: draft.origin,
      optedOut: await ctx.optOuts.has(platform, stored.mention.author.id),
      automatedRepliesInCase: await ctx.cases.automatedReplies(draft.caseId),
      postsToday: daily.posts,
      spendTodayUsd: daily.spendUsd,
      policy: ctx.policy,
    });
    if (!gate.allowed) {
      return block(gate.reason, gate.detail);
    }
  }
  if (draft.channel === 'dm') {
    if (draft.automated && (await ctx.optOuts.has(platform, stored.mention.author.id))) {
      return block('opted-out', 'the author opted out of automated messages');
    }
    if (daily.spendUsd + ctx.policy.gate.costPerDmUsd > ctx.policy.gate.dailySpendCapUsd + 1e-9) {
      return block(
        'daily-spend-cap',
        `today's spend would exceed $${ctx.policy.gate.dailySpendCapUsd}`,
      );
    }
  }

  if (ctx.dryRun) {
    await record({ ...base, outcome: 'dry_run', reason: 'dry-run' });
    return { status: 'dry_run' };
  }

  const budget = budgetFor(draft);
  const grant = await ctx.rateBudget.take(budget, now.getTime());
  if (!grant.granted) {
    throw new PlatformRateLimited(
      `The ${budget} budget is spent until ${new Date(grant.retryAt).toISOString()}`,
      grant.retryAt,
    );
  }

  const guard = await ctx.sentGuard.claim(platform, draft.id, now);
  if (guard.state === 'sent') {
    return { status: 'already_sent', platformId: guard.platformId };
  }
  // A reply that an attempt cut off mid-call did post, as the platform shows it.
  let found: { platformId: string; at: Date | null; since: string } | null = null;
  if (guard.state === 'pending') {
    const settled = await settleUnknownOutcome(ctx, draft, platform, new Date(guard.since));
    if (settled.kind === 'posted') {
      found = { platformId: settled.platformId, at: settled.at, since: guard.since };
    } else if (settled.kind === 'ask-person') {
      await failToPerson(ctx, stored.mention, draft, now, {
        reason: 'reply-outcome-unknown',
        kind: 'outcome-unknown',
        detail: `an earlier attempt started at ${guard.since} and did not finish; ${settled.detail}`,
      });
      return { status: 'outcome_unknown' };
    } else if (settled.kind === 'read-later') {
      const until = new Date(settled.retryAt).toISOString();
      await record({
        ...base,
        outcome: 'deferred',
        reason: 'read-back-rate-limited',
        detail: `an earlier attempt started at ${guard.since} and did not finish; ${platform} limits reading back whether it went out (${settled.detail}), so this draft waits until ${until} (draft ${draft.id})`,
      });
      throw new ReadBackDeferred(
        `Reading back draft ${draft.id} waits until ${until}`,
        settled.retryAt,
      );
    }
    // 'send-again': the platform shows nothing from the attempt and a reply replaces, so the guard stays
    // claimed for this attempt.
  }

  const callPlatform = async (): Promise<Sent> => {
    try {
      if (draft.channel === 'dm') {
        const responder = ctx.dmResponders.get(platform);
        if (responder === undefined) {
          throw new PolicyBlocked('no-dm-channel', `No DM channel for ${platform}`);
        }
        return await responder.sendDm({ recipientId: draft.authorId, text: draft.text });
      } else {
        const responder = ctx.responders.get(platform);
        if (responder === undefined) {
          throw new PolicyBlocked('no-responder', `No public-reply channel for ${platform}`);
        }
        return await responder.reply({ inReplyToId: draft.mentionId, text: draft.text });
      }
    } catch (error) {
      if (certainlyNotPosted(error)) {
        await ctx.sentGuard.release(platform, draft.id);
      }
      if (error instanceof PlatformRateLimited) {
        await ctx.rateBudget.observe(budget, 0, error.resetAt, ctx.now().getTime());
      }
      const reason =
        error instanceof PolicyBlocked
          ? error.reason
          : error instanceof EarshotError
            ? error.code
            : 'unexpected-error';
      const outcome = error instanceof PlatformRateLimited ? 'deferred' : 'failed';
      await record({
        ...base,
        outcome,
        reason,
        detail: error instanceof Error ? error.message : String(error),
      });
      if (error instanceof PolicyBlocked || error instanceof DuplicateContent) {
        // Final for this text: a person answers instead, so the complaint is not left unanswered.
        await ctx.drafts.update(draft.id, (current) =>
          current.status === 'approved' ? { ...current, status: 'failed', failure: reason } : null,
        );
        await handToPerson(ctx, stored.mention, draft, reason, now);
      }
      throw error;
    }
  };
  const sent: Sent = found ?? (await callPlatform());

  // A reply found after a cut-off attempt went out when the platform says, which is what response times count.
  const sentAt = found?.at ?? ctx.now();
  const { platformId } = sent;
  await ctx.sentGuard.markSent(platform, draft.id, platformId, sentAt);
  if (sent.rateLimit !== undefined) {
    // Others post under the same limit (people in the X app): X's count wins over our bucket's.
    await ctx.rateBudget.observe(
      budget,
      sent.rateLimit.remaining,
      sent.rateLimit.resetAt,
      sentAt.getTime(),
    );
  }
  await ctx.drafts.update(draft.id, (current) => ({
    ...current,
    status: 'sent',
    sentAt: sentAt.toISOString(),
    platformResponseId: platformId,
    failure: null,
  }));
  const cost =
    draft.channel === 'dm'
      ? ctx.policy.gate.costPerDmUsd
      : replyCostUsd(draft.text, ctx.policy.gate);
  await ctx.daily.add(platform, sentAt, { posts: draft.channel === 'dm' ? 0 : 1, spendUsd: cost });
  if (draft.channel === 'public-reply') {
    await ctx.postedTexts.add(platform, draft.text);
    await ctx.cases.markAcknowledged(draft.caseId, sentAt);
    await ctx.cases.recordRatingAtReply(draft.caseId, stored.mention.rating ?? null);
    if (draft.automated) {
      await ctx.cases.countAutomatedReply(draft.caseId);
    }
  }
  await record({
    ...base,
    at: sentAt.toISOString(),
    outcome: 'sent',
    reason: draft.channel === 'dm' ? 'dm-sent' : 'reply-posted',
    platformResponseId: platformId,
    ...(found !== null
      ? {
          detail: `found on ${platform} after an earlier attempt (started ${found.since}) was cut off (draft ${draft.id})`,
        }
      : {}),
  });
  // A DM hand-off: the public reply said a DM is on its way; now the DM follows.
  if (draft.kind === 'dm-handoff') {
    const dm = await ctx.drafts.get(draftIds.dm(platform, draft.mentionId));
    if (dm !== null && dm.status === 'approved') {
      await enqueueSend(ctx, dm);
    }
  }
  return { status: 'sent', platformId };
}
