import type { SourceId } from '../core/types.js';
import { caseIdFor } from '../store/cases.js';
import type { AppContext } from './context.js';
import { queueTriage } from './ingest.js';
import { classifierInputOf } from '../core/classifier-input.js';

export interface BackfillProgress {
  pages: number;
  seen: number;
  stored: number;
  /** Older than the policy's reply window: archived and classified, never replied to. */
  archivedOnly: number;
  skipped: number;
  deferredUntil: number | null;
}

/**
 * Imports a source's history through the same store and dedupe as polling. Mentions inside the policy's
 * reply window are triaged as usual; older ones are archived and classified for the metrics, and never
 * answered: a reply days late reads as spam.
 */
export async function backfillSource(
  ctx: AppContext,
  sourceId: SourceId,
  since: Date,
  signal: AbortSignal,
  onProgress: (progress: BackfillProgress) => void = () => undefined,
): Promise<BackfillProgress> {
  const source = ctx.sources.get(sourceId);
  if (source === undefined) {
    throw new Error(`Source ${sourceId} is not configured`);
  }
  if (source.backfill === undefined) {
    throw new Error(`Source ${sourceId} cannot backfill`);
  }
  const progress: BackfillProgress = {
    pages: 0,
    seen: 0,
    stored: 0,
    archivedOnly: 0,
    skipped: 0,
    deferredUntil: null,
  };
  const windowStart = ctx.now().getTime() - ctx.policy.replyWindowHours * 3_600_000;
  for await (const page of source.backfill(since, signal)) {
    progress.pages += 1;
    progress.skipped += page.skipped.length;
    for (const item of page.skipped) {
      ctx.logger.warn(
        { source: sourceId, itemId: item.id, reason: item.reason },
        'Skipped an item the platform sent',
      );
    }
    for (const mention of page.mentions) {
      progress.seen += 1;
      const now = ctx.now();
      const caseId = caseIdFor(mention);
      const outcome = await ctx.mentions.store(mention, caseId, now);
      await ctx.cases.attach(mention, now);
      if (outcome.status === 'unchanged') {
        continue;
      }
      progress.stored += 1;
      if (Date.parse(mention.createdAt) >= windowStart) {
        await queueTriage(ctx, mention);
        continue;
      }
      progress.archivedOnly += 1;
      const classification = await ctx.classify(classifierInputOf(mention));
      const decision = {
        action: 'ignore' as const,
        reason: 'backfilled-history',
        ruleId: 'backfill:reply-window',
        deadline: null,
      };
      await ctx.mentions.recordDecision(mention.source, mention.id, {
        classification,
        decision,
        decidedAt: now.toISOString(),
      });
      await ctx.audit.append({
        at: now.toISOString(),
        caseId,
        source: mention.source,
        mentionId: mention.id,
        outcome: 'skipped',
        reason: 'backfilled-history',
        actor: 'earshot',
        ruleId: decision.ruleId,
        classifierVersion: classification.classifierVersion,
        severity: classification.severity,
        category: classification.category,
        detail: `posted ${mention.createdAt}, before the ${ctx.policy.replyWindowHours} h reply window`,
      });
    }
    if (page.deferUntil !== undefined) {
      progress.deferredUntil = page.deferUntil;
    }
    onProgress({ ...progress });
    if (page.deferUntil !== undefined) {
      break;
    }
  }
  return progress;
}
