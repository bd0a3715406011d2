import type { Classification, Mention } from '../core/types.js';
import type { PersonItem } from '../store/people-queue.js';

/** A "needs a person" item for a mention; `id` is stable per (reason, mention) so re-runs do not duplicate it. */
export function personItemFor(
  mention: Mention,
  caseId: string,
  reason: string,
  now: Date,
  draftId: string | null = null,
  classification: Classification | null = null,
): PersonItem {
  return {
    id: `${reason}-${mention.source}-${mention.id}`,
    caseId,
    reason,
    at: now.toISOString(),
    draftId,
    mention: {
      source: mention.source,
      id: mention.id,
      text: mention.text,
      author: mention.author,
      url: mention.url,
      createdAt: mention.createdAt,
    },
    classification: classification
      ? {
          complaint: classification.complaint,
          confidence: classification.confidence,
          category: classification.category,
          severity: classification.severity,
          flags: classification.flags,
        }
      : null,
  };
}
