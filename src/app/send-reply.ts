import {
  DuplicateContent,
  EarshotError,
  PlatformAuthError,
  PlatformRateLimited,
  PolicyBlocked,
  TransientNetworkError,
} from '../errors.js';
import { platformOf, type AuditRecord, type Mention } from '../core/types.js';
import type { PersonItem } from '../store/people-queue.js';
import type { SendReplyJob } from '../queue/jobs.js';
import { formatAuditLine } from '../store/audit-log.js';
import type { AppContext } from './context.js';

function personItem(job: SendReplyJob, mention: Mention, reason: string, now: Date): PersonItem {
  return {
    id: `${reason}-${job.source}-${job.mentionId}`,
    caseId: job.caseId,
    reason,
    at: now.toISOString(),
    mention: {
      source: mention.source,
      id: mention.id,
      text: mention.text,
      author: mention.author,
      url: mention.url,
      createdAt: mention.createdAt,
    },
    classification: null,
  };
}

export type SendOutcome =
  | { status: 'sent'; platformId: string }
  | { status: 'dry_run' }
  | { status: 'already_sent'; platformId: string }
  | { status: 'outcome_unknown' }
  | { status: 'blocked'; reason: string };

/** Errors after which the platform certainly did not post, so the claim may be released for a later try. */
function certainlyNotPosted(error: unknown): boolean {
  if (error instanceof PlatformRateLimited || error instanceof PlatformAuthError) {
    return true;
  }
  if (error instanceof PolicyBlocked || error instanceof DuplicateContent) {
    return true;
  }
  if (error instanceof TransientNetworkError) {
    return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(
      String((error.cause as Error | undefined)?.message ?? error.message),
    );
  }
  return false;
}

/**
 * Posts one public reply, at most once: gate → sent-guard claim → platform call → record.
 * A guard found 'pending' means an earlier attempt died mid-call; we never post again on our own then,
 * the case goes to a person to check.
 */
export async function sendReply(ctx: AppContext, job: SendReplyJob): Promise<SendOutcome> {
  const platform = platformOf(job.source);
  const now = ctx.now();
  const base: Omit<AuditRecord, 'outcome' | 'reason'> = {
    at: now.toISOString(),
    caseId: job.caseId,
    source: job.source,
    mentionId: job.mentionId,
    actor: 'earshot',
    ruleId: job.ruleId,
    ruleVersion: job.ruleVersion,
    classifierVersion: job.classifierVersion,
    severity: job.severity,
    text: job.text,
  };
  const record = async (entry: AuditRecord): Promise<void> => {
    await ctx.audit.append(entry);
    ctx.logger.info({ caseId: job.caseId, mentionId: job.mentionId }, formatAuditLine(entry));
  };

  // The X gate, checked again right before posting: only posts that summoned the brand get automated replies.
  const stored = await ctx.mentions.get(job.source, job.mentionId);
  if (stored === null || job.source === 'x-search' || !stored.mention.mentionsBrand) {
    await record({ ...base, outcome: 'blocked', reason: 'gate-not-summoned' });
    return { status: 'blocked', reason: 'gate-not-summoned' };
  }
  if (/https?:\/\/|www\./i.test(job.text)) {
    await record({ ...base, outcome: 'blocked', reason: 'gate-url-in-automated-reply' });
    return { status: 'blocked', reason: 'gate-url-in-automated-reply' };
  }

  if (ctx.dryRun) {
    await record({ ...base, outcome: 'dry_run', reason: 'dry-run' });
    return { status: 'dry_run' };
  }

  const guard = await ctx.sentGuard.claim(platform, job.mentionId, now);
  if (guard.state === 'sent') {
    return { status: 'already_sent', platformId: guard.platformId };
  }
  if (guard.state === 'pending') {
    await ctx.people.add(personItem(job, stored.mention, 'reply-outcome-unknown', now));
    await record({
      ...base,
      outcome: 'failed',
      reason: 'reply-outcome-unknown',
      detail: `an earlier attempt started at ${guard.since} and did not finish; check the thread before replying by hand`,
    });
    return { status: 'outcome_unknown' };
  }

  const responder = ctx.responders.get(platform);
  if (responder === undefined) {
    await ctx.sentGuard.release(platform, job.mentionId);
    throw new PolicyBlocked('no-responder', `No public-reply responder for ${platform}`);
  }
  let platformId: string;
  try {
    ({ platformId } = await responder.reply({ inReplyToId: job.mentionId, text: job.text }));
  } catch (error) {
    if (certainlyNotPosted(error)) {
      await ctx.sentGuard.release(platform, job.mentionId);
    }
    const code = error instanceof EarshotError ? error.code : 'unexpected-error';
    const reason = error instanceof PolicyBlocked ? error.reason : code;
    const outcome = error instanceof PlatformRateLimited ? 'deferred' : 'failed';
    await record({
      ...base,
      outcome,
      reason,
      detail: error instanceof Error ? error.message : String(error),
    });
    if (error instanceof PolicyBlocked || error instanceof DuplicateContent) {
      // Final for this text: a person answers instead, so the complaint is not left unanswered.
      await ctx.people.add(personItem(job, stored.mention, reason, now));
    }
    throw error;
  }
  const sentAt = ctx.now();
  await ctx.sentGuard.markSent(platform, job.mentionId, platformId, sentAt);
  await ctx.postedTexts.add(platform, job.text);
  await ctx.cases.markAcknowledged(job.caseId, sentAt);
  await record({
    ...base,
    at: sentAt.toISOString(),
    outcome: 'sent',
    reason: 'reply-posted',
    platformResponseId: platformId,
  });
  return { status: 'sent', platformId };
}
