import type { BackfillProgress } from '../app/backfill.js';
import type { CliIo } from './io.js';

const SOURCES = ['x-mentions', 'app-store', 'google-play'] as const;
export type BackfillSourceId = (typeof SOURCES)[number];

/** Validates `--source` and `--since`; returns a message naming what is wrong, or the parsed values. */
export function parseBackfillArgs(
  source: string,
  since: string,
  now: Date,
): { source: BackfillSourceId; since: Date } | { error: string } {
  if (!(SOURCES as readonly string[]).includes(source)) {
    return {
      error: `--source must be one of ${SOURCES.join(', ')} (got ${JSON.stringify(source)})`,
    };
  }
  const date = new Date(since);
  if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(date.getTime())) {
    return {
      error: `--since must be a date like 2026-11-01 or 2026-11-01T08:00:00Z (got ${JSON.stringify(since)})`,
    };
  }
  if (date.getTime() > now.getTime()) {
    return { error: `--since ${since} is in the future` };
  }
  return { source: source as BackfillSourceId, since: date };
}

/** One status line, redrawn in place on a terminal (a progress bar without a known total). */
export function progressLine(progress: BackfillProgress): string {
  return `pages ${progress.pages} · seen ${progress.seen} · new ${progress.stored} · archived only ${progress.archivedOnly} · skipped ${progress.skipped}`;
}

export function reportBackfill(progress: BackfillProgress, io: CliIo): void {
  io.out(progressLine(progress));
  if (progress.deferredUntil !== null) {
    io.err(
      `Stopped early: the platform's rate limit is spent until ${new Date(progress.deferredUntil).toISOString()}; run again then (already imported items are skipped).`,
    );
  }
  io.out(
    `Done. ${progress.stored - progress.archivedOnly} recent item(s) are queued for triage by the running earshot; ${progress.archivedOnly} older than the reply window are archived and classified, never answered.`,
  );
}
