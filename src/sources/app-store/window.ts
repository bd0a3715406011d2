import { z } from 'zod';

/**
 * What a store source remembers between polls: a time floor and every item it saw at or after it, with the
 * revision it saw. Store dates are only precise to the second and several reviews can share one, so a plain
 * "newest date" cursor would either repeat or lose items; the seen set makes the boundary exact. Items older
 * than the floor are old; an item at or after it is new unless it was seen with the same revision, so an edit
 * seen inside the window comes back as a new revision.
 *
 * @example
 * { "since": "2026-11-20T09:00:00.000Z", "seen": { "00000028-b08c-0014-729e-fbd500000000": "3f2a9c0d1e4b5a69" } }
 */
export interface SeenWindow {
  /** Epoch ms: items dated before this were handled by earlier polls. */
  since: number;
  /** id → revision of every item dated at or after `since`. */
  seen: Map<string, string>;
}

export const SeenWindowJson = z.object({
  since: z.iso.datetime({ offset: true }),
  seen: z.record(z.string(), z.string()),
});
export type SeenWindowJson = z.infer<typeof SeenWindowJson>;

export function windowFromJson(json: SeenWindowJson): SeenWindow {
  return { since: Date.parse(json.since), seen: new Map(Object.entries(json.seen)) };
}

export function windowToJson(window: SeenWindow): SeenWindowJson {
  return { since: new Date(window.since).toISOString(), seen: Object.fromEntries(window.seen) };
}

export type Novelty = 'older' | 'seen' | 'new';

export function noveltyOf(
  window: SeenWindow | undefined,
  id: string,
  dateMs: number,
  revision: string,
): Novelty {
  if (window === undefined) {
    return 'new';
  }
  if (dateMs < window.since) {
    return 'older';
  }
  return window.seen.get(id) === revision ? 'seen' : 'new';
}

/** One item a poll fetched (new or already seen), with a usable id and date. */
export interface Observed {
  id: string;
  dateMs: number;
  revision: string;
}

/** The most ids a window keeps; past it the floor moves up so the cursor stays small. */
export const MAX_SEEN_IDS = 500;

/**
 * The window after a complete poll: the floor moves to `overlapMs` before the newest date observed (never back),
 * and `seen` holds what the poll observed from the floor on. A complete poll fetched everything down to the old
 * floor, so nothing at or after the new floor is missing from `observed`.
 */
export function advanceWindow(
  previous: SeenWindow | undefined,
  observed: readonly Observed[],
  overlapMs: number,
): SeenWindow | undefined {
  if (observed.length === 0) {
    return previous;
  }
  let newest = Number.NEGATIVE_INFINITY;
  for (const item of observed) {
    newest = Math.max(newest, item.dateMs);
  }
  let since = Math.max(previous?.since ?? Number.NEGATIVE_INFINITY, newest - overlapMs);
  const kept = observed.filter((item) => item.dateMs >= since).sort((a, b) => b.dateMs - a.dateMs);
  if (kept.length > MAX_SEEN_IDS) {
    since = kept[MAX_SEEN_IDS - 1]?.dateMs ?? since;
  }
  const seen = new Map<string, string>();
  for (const item of kept) {
    if (item.dateMs >= since && !seen.has(item.id)) {
      seen.set(item.id, item.revision);
    }
  }
  return { since, seen };
}
