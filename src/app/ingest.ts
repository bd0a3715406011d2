import type { AuditRecord, Mention, SourceId } from '../core/types.js';
import type { StoredMention } from '../store/mentions.js';
import { jobIds } from '../queue/jobs.js';
import { caseIdFor } from '../store/cases.js';
import { formatAuditLine } from '../store/audit-log.js';
import type { AppContext } from './context.js';

export type PollOutcome =
  | { status: 'deferred'; until: number }
  | { status: 'polled'; stored: number; seen: number; skipped: number; deferUntil?: number };

/** Queues the triage of a stored mention; the job id is per revision, so re-queuing is idempotent. */
export async function queueTriage(ctx: AppContext, mention: Mention): Promise<void> {
  await ctx.queues.triage.add(
    'triage',
    { source: mention.source, mentionId: mention.id },
    { jobId: jobIds.triage(mention.source, mention.id, mention.revision) },
  );
}

/** Oldest first; ids only break ties (store ids are not numbers, X ids are the same length). */
function byAge(a: Mention, b: Mention): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

/**
 * A store review edited after we saw it: the case reopens, the new revision is classified again, and a
 * rating change after our reply is recorded for the "rating change after reply" figure.
 */
async function reopenEditedReview(
  ctx: AppContext,
  mention: Mention,
  caseId: string,
  previous: StoredMention,
  now: Date,
): Promise<void> {
  const before = previous.mention.rating ?? null;
  const after = mention.rating ?? null;
  const replied = (await ctx.cases.get(caseId))?.firstResponseAt ?? null;
  const from = await ctx.cases.setState(caseId, 'new', now);
  await ctx.cases.recordRating(caseId, after, now);
  const record: AuditRecord = {
    at: now.toISOString(),
    caseId,
    source: mention.source,
    mentionId: mention.id,
    outcome: 'state_changed',
    reason: 'review-edited',
    actor: 'earshot',
    ratingBefore: before,
    ratingAfter: after,
    detail: `${from ?? 'new'} → new (reopened)${before !== after ? `; rating ${before ?? '–'} → ${after ?? '–'}` : ''}${
      replied ? ' after our reply' : ''
    }`,
  };
  await ctx.audit.append(record);
  ctx.logger.info(
    { caseId, source: mention.source, mentionId: mention.id },
    formatAuditLine(record),
  );
}

/**
 * One poll of one source: fetch what is new, store each mention once, attach it to its case, queue its
 * triage, and only then persist the cursor. Every step is idempotent, so a process killed anywhere in
 * here loses nothing: the next poll fetches the same items again and they dedupe.
 */
export async function pollSource(
  ctx: AppContext,
  sourceId: SourceId,
  signal: AbortSignal,
): Promise<PollOutcome> {
  const source = ctx.sources.get(sourceId);
  if (source === undefined) {
    throw new Error(`Source ${sourceId} is not registered`);
  }
  const log = ctx.logger.child({ source: sourceId });
  const now = ctx.now();
  const deferredUntil = await ctx.cursors.deferredUntil(sourceId);
  if (deferredUntil > now.getTime()) {
    log.debug({ until: new Date(deferredUntil).toISOString() }, 'Poll deferred by a rate limit');
    return { status: 'deferred', until: deferredUntil };
  }

  const cursor = await ctx.cursors.get(sourceId);
  const result = await source.poll(cursor, signal);

  for (const item of result.skipped) {
    log.warn({ itemId: item.id, reason: item.reason }, 'Skipped an item the platform sent');
    await ctx.audit.append({
      at: now.toISOString(),
      caseId: null,
      source: sourceId,
      mentionId: item.id,
      outcome: 'skipped',
      reason: 'malformed-item',
      actor: 'earshot',
      detail: item.reason,
    });
  }

  let stored = 0;
  // Oldest first, so cases and the audit log read in the order things happened.
  const ordered = [...result.mentions].sort(byAge);
  for (const mention of ordered) {
    const caseId = caseIdFor(mention);
    const outcome = await ctx.mentions.store(mention, caseId, now);
    await ctx.cases.attach(mention, now);
    if (outcome.status === 'new') {
      stored += 1;
      const record = {
        at: now.toISOString(),
        caseId,
        source: sourceId,
        mentionId: mention.id,
        outcome: 'stored' as const,
        reason: 'new-mention',
        actor: 'earshot',
      };
      await ctx.audit.append(record);
      log.debug(formatAuditLine(record));
    }
    if (outcome.status === 'revised') {
      stored += 1;
      await reopenEditedReview(ctx, mention, caseId, outcome.previous, now);
    }
    await queueTriage(ctx, mention);
  }

  if (result.nextCursor !== undefined) {
    await ctx.cursors.set(sourceId, result.nextCursor);
  }
  if (result.deferUntil !== undefined && result.deferUntil > now.getTime()) {
    await ctx.cursors.deferUntil(sourceId, result.deferUntil, now.getTime());
    log.warn(
      { until: new Date(result.deferUntil).toISOString() },
      'X rate limit reached; the next poll waits for x-rate-limit-reset',
    );
  }
  return {
    status: 'polled',
    stored,
    seen: result.mentions.length,
    skipped: result.skipped.length,
    ...(result.deferUntil !== undefined ? { deferUntil: result.deferUntil } : {}),
  };
}
