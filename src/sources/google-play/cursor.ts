import { z } from 'zod';

import { revisionToMs } from './map.js';

/** Entries whose latest revision is older than this are forgotten: Play stops listing them after 7 days. */
export const CURSOR_RETENTION_MS = 8 * 86_400_000;

/**
 * The Play cursor. Play lists every review created or modified in the last week, with no "since"
 * parameter, so the cursor remembers what was seen:
 * - `seen`: reviewId → [first revision seen, latest revision seen];
 * - `skipped`: fingerprint of a malformed item → epoch seconds first reported, so it is reported once.
 *
 * @example
 * {"v":1,"seen":{"gp:AOqpTO…":["1763630000.000000000","1763640000.500000000"]},"skipped":{"3f2a…":1763630000}}
 */
export const PlayCursor = z.object({
  v: z.literal(1),
  seen: z.record(z.string(), z.tuple([z.string(), z.string()])),
  skipped: z.record(z.string(), z.number()).catch({}),
});
export type PlayCursor = z.infer<typeof PlayCursor>;

export function emptyCursor(): PlayCursor {
  return { v: 1, seen: {}, skipped: {} };
}

/** The stored cursor, or undefined when there is none or it cannot be read (a full re-read is safe: ingest dedupes). */
export function parseCursor(cursor: string | undefined): PlayCursor | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  try {
    const parsed = PlayCursor.safeParse(JSON.parse(cursor));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Drops entries older than {@link CURSOR_RETENTION_MS} at `now`. */
export function pruneCursor(cursor: PlayCursor, now: number): PlayCursor {
  const oldest = now - CURSOR_RETENTION_MS;
  const seen: PlayCursor['seen'] = {};
  for (const [reviewId, entry] of Object.entries(cursor.seen)) {
    const latest = revisionToMs(entry[1]);
    if (!Number.isNaN(latest) && latest >= oldest) {
      seen[reviewId] = entry;
    }
  }
  const skipped: PlayCursor['skipped'] = {};
  for (const [fingerprint, at] of Object.entries(cursor.skipped)) {
    if (at * 1000 >= oldest) {
      skipped[fingerprint] = at;
    }
  }
  return { v: 1, seen, skipped };
}
