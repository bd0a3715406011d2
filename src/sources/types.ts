import type { Engagement, Mention, SourceId } from '../core/types.js';

/** An item the source could not turn into a Mention; logged and skipped, never fatal for its batch. */
export interface SkippedItem {
  id: string | null;
  reason: string;
}

export interface PollResult {
  mentions: Mention[];
  skipped: SkippedItem[];
  /** The cursor to persist once the batch is stored; undefined keeps the old one (e.g. an incomplete batch). */
  nextCursor: string | undefined;
  /** Epoch ms before which the platform must not be called again (rate limit exhausted), if any. */
  deferUntil?: number;
}

/**
 * One platform feed. `poll` is read-only: it fetches what is new since `cursor` and returns it; the
 * caller stores the batch and only then persists `nextCursor`.
 *
 * @example
 * const result = await source.poll(await cursors.get(source.id), signal);
 * await store(result.mentions);
 * if (result.nextCursor) await cursors.set(source.id, result.nextCursor);
 */
export interface Source {
  id: SourceId;
  poll(cursor: string | undefined, signal: AbortSignal): Promise<PollResult>;
  /**
   * History since `since`, page by page, for `earshot backfill`; the same mapping and dedupe as `poll`.
   * Each page's `nextCursor` is ignored; a page with `deferUntil` means the platform's limit is spent.
   */
  backfill?(since: Date, signal: AbortSignal): AsyncIterable<PollResult>;
}

/** Engagement counts of posts already stored, read again (`EngagementLookup`). */
export interface EngagementLookupResult {
  /** Post id → counts as the platform reports them now, with `observedAt`. */
  engagement: Map<string, Engagement>;
  /** Ids the answer had no counts for: deleted, protected or suspended posts. */
  missing: string[];
}

/**
 * Reads the current engagement of posts earshot already stored (X post lookup), so a complaint that spreads
 * after it was polled can be raised. Read-only. At most `maxIds` ids per call; a 429 throws
 * `PlatformRateLimited` with the platform's reset time.
 *
 * @example
 * const { engagement } = await lookup.lookup(['1860000000000000001']);
 * engagement.get('1860000000000000001'); // { shares: 60, replies: 2, likes: 9, observedAt: '…' }
 */
export interface EngagementLookup {
  maxIds: number;
  lookup(ids: readonly string[]): Promise<EngagementLookupResult>;
}
