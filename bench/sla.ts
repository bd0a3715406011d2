// SLA under a burst: one simulated hour in which 2,000 @mention complaints arrive within five minutes against
// X pay-per-use posting limits (100 posts per 15 minutes per user), handled by earshot's scheduler and by a
// plain first-in, first-out queue over the same events. Uses earshot's own policy (rules/policy.yaml through
// loadPolicy + evaluatePolicy), the real 'x:post' token bucket and the replies queue's priority order.
//
//   npm run bench:sla [-- --seed 20261124] [--complaints 2000] [--page-immediately P0,P1] [--write-docs]
//
// The script builds with tsc and runs the output (`tsc -p tsconfig.json --outDir .bench-build && node
// .bench-build/bench/sla.js`); without a build: `node --import ./scripts/dev-eval-register.mjs bench/sla.ts`.
// --write-docs replaces the "SLA under a burst (bench:sla)" section of docs/benchmarks.md with this run.
// Exits 1 when earshot misses a target (the FIFO baseline is expected to).
import { arch, cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPolicy } from '../src/config/policy.js';
import {
  bucketsFromLimits,
  PAY_PER_USE_LIMITS,
  worstCaseInSpan,
} from '../src/core/token-bucket.js';
import { SEVERITIES, type Severity } from '../src/core/types.js';
import { packageRoot } from '../src/lib/package-root.js';
import { writeSection } from './sla/docs.js';
import { markdownSection, type Header } from './sla/markdown.js';
import { DEFAULT_SETTINGS, MINUTE_MS, type Complaint, type SimSettings } from './sla/model.js';
import { clock, postMix, textTable, verdict, type SchedulerReport } from './sla/report.js';
import { runBench, withPaging, type BenchRun } from './sla/run.js';

const HEADING = '## SLA under a burst (bench:sla)';

interface Options {
  settings: SimSettings;
  pageImmediately: Severity[] | null;
  writeDocs: boolean;
  command: string;
}

function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      complaints: { type: 'string' },
      'page-immediately': { type: 'string' },
      'write-docs': { type: 'boolean', default: false },
    },
  });
  const seed = Number(values.seed ?? DEFAULT_SETTINGS.seed);
  const complaints = Number(values.complaints ?? DEFAULT_SETTINGS.complaints);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(complaints) || complaints < 1) {
    throw new Error('--seed and --complaints take whole numbers (complaints ≥ 1)');
  }
  let pageImmediately: Severity[] | null = null;
  if (values['page-immediately'] !== undefined) {
    const listed = values['page-immediately'].split(',').map((item) => item.trim().toUpperCase());
    pageImmediately = listed.filter(isSeverity);
    if (pageImmediately.length !== listed.length) {
      throw new Error('--page-immediately takes severities, e.g. P0,P1');
    }
  }
  const args = [`--seed ${seed}`];
  if (complaints !== DEFAULT_SETTINGS.complaints) {
    args.push(`--complaints ${complaints}`);
  }
  if (pageImmediately !== null) {
    args.push(`--page-immediately ${pageImmediately.join(',')}`);
  }
  return {
    settings: { ...DEFAULT_SETTINGS, seed, complaints },
    pageImmediately,
    writeDocs: values['write-docs'],
    command: `npm run bench:sla -- ${args.join(' ')}`,
  };
}

function machine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  const memory = Math.round(totalmem() / 1024 ** 3);
  return `${model}, ${cores.length} cores, ${memory} GiB, ${type()} ${release()} ${arch()}, Node ${process.version}`;
}

function countBy(
  complaints: readonly Complaint[],
  label: (complaint: Complaint) => string,
): string {
  const counts = new Map<string, number>();
  for (const complaint of complaints) {
    const key = label(complaint);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
}

function facts(run: BenchRun, options: Options): string[] {
  const { settings, bucket, complaints } = run;
  const severities = SEVERITIES.map(
    (severity) => `${severity} ${complaints.filter((item) => item.severity === severity).length}`,
  ).join(', ');
  const paging =
    options.pageImmediately === null
      ? ''
      : `, notify.pageImmediately set to [${options.pageImmediately.join(', ')}] for this run`;
  return [
    `${settings.complaints} complaints posted ${new Date(settings.start).toISOString()} + ${settings.burstMs / MINUTE_MS} min (${severities}); simulated until ${clock(settings.start + settings.durationMs)} UTC`,
    `decisions by rules/policy.yaml ${run.policy.version}${paging}: ${countBy(complaints, (item) => (item.decision.requiresApproval ? `${item.decision.action} (approval)` : item.decision.action))}`,
    `'x:post' bucket: capacity ${bucket.capacity}, +${bucket.refillTokens} every ${bucket.refillEveryMs} ms, at most ${worstCaseInSpan(bucket, settings.xWindowMs)} posts in any 15 min (X allows ${settings.xPostLimit}); X's windows start at ${clock(run.xWindowStart)} UTC + k × 15 min`,
    `evaluatePolicy took ${(run.decideMsPerMention * 1_000).toFixed(0)} µs per mention; the whole simulation ${run.wallMs.toFixed(0)} ms`,
  ];
}

function acked(report: SchedulerReport, severity: Severity, withinMs: number): number {
  const first = new Map<number, number>();
  for (const post of report.run.posts) {
    const index = post.request.complaint.index;
    if (!first.has(index) && post.request.severity === severity) {
      first.set(index, post.postedAt - post.request.complaint.createdAt);
    }
  }
  return [...first.values()].filter((delay) => delay <= withinMs).length;
}

/** The longest any P0/P1 waited from ingestion until a person was notified with the draft ready. */
function slowestInFront(complaints: readonly Complaint[]): number {
  let slowest = 0;
  for (const item of complaints) {
    if (item.severity !== 'P0' && item.severity !== 'P1') {
      continue;
    }
    const notifiedAt = item.notifiedAt ?? Number.POSITIVE_INFINITY;
    slowest = Math.max(slowest, Math.max(notifiedAt, item.decidedAt) - item.ingestedAt);
  }
  return slowest;
}

/** Findings worth a sentence, computed from the run (and the paging variant when it was run). */
function findings(run: BenchRun, variant: BenchRun | null): string[] {
  const notes: string[] = [];
  const [earshot, fifo] = run.reports;
  const total = (severity: Severity): number =>
    run.complaints.filter((item) => item.severity === severity).length;
  const watched = run.complaints.filter(
    (item) =>
      (item.severity === 'P0' || item.severity === 'P1') && item.notifyKind === 'sla-warning',
  );
  if (watched.length > 0) {
    const minutesBefore = run.policy.notify.minutesBefore;
    notes.push(
      `${watched.length} ${[...new Set(watched.map((item) => item.severity))].join('/')} drafts awaiting approval reach people only through the watchdog's sla-warning, ${minutesBefore} min before their deadline: the policy pages only [${run.policy.notify.pageImmediately.join(', ')}] (notify.pageImmediately), and a draft awaiting approval is not an escalation (docs/notifications.md), so nothing tells people sooner. The 60-second target is missed because of these notification settings, not because of the queue.`,
    );
  }
  if (variant !== null) {
    const [variantEarshot] = variant.reports;
    const failed = variantEarshot.targets.filter((check) => !check.pass).length;
    notes.push(
      `With \`--page-immediately P0,P1\` (the same as setting notify.pageImmediately: [P0, P1]): every P0/P1 is in front of a person within ${(slowestInFront(variant.complaints) / 1_000).toFixed(1)} s; earshot acknowledges P1 ${acked(variantEarshot, 'P1', 60 * MINUTE_MS)}/${total('P1')} within 60 min and P2 ${acked(variantEarshot, 'P2', 60 * MINUTE_MS)}/${total('P2')}; ${failed === 0 ? 'all three targets pass' : `${failed} target(s) still fail`}.`,
    );
  }
  const p0 = (report: SchedulerReport): number => acked(report, 'P0', 15 * MINUTE_MS);
  const p1 = (report: SchedulerReport): number => acked(report, 'P1', 60 * MINUTE_MS);
  let comparison = `P0 acknowledged within 15 min: earshot ${p0(earshot)}/${total('P0')}, FIFO ${p0(fifo)}/${total('P0')}. P1 within 60 min: earshot ${p1(earshot)}/${total('P1')}, FIFO ${p1(fifo)}/${total('P1')}.`;
  if (p0(fifo) + p1(fifo) < p0(earshot) + p1(earshot)) {
    comparison +=
      ' FIFO spends the budget on whatever came first, so the P0/P1 replies people approve wait behind the automatic acknowledgments queued before them.';
  }
  notes.push(comparison);
  if (fifo.run.posts.length > earshot.run.posts.length) {
    notes.push(
      `FIFO makes more posts (${fifo.run.posts.length} against ${earshot.run.posts.length}) because it spends each X window to the last call (${fifo.run.rejected} × 429, up to ${fifo.run.maxInAnySpan} posts in one 15-minute span); earshot's bucket allows at most ${worstCaseInSpan(run.bucket, run.settings.xWindowMs)} in any 15 minutes (${earshot.run.maxInAnySpan} used) and draws ${earshot.run.rejected} × 429.`,
    );
  }
  const asked = earshot.run.posts.length + earshot.run.waiting.length;
  const allowed = (run.settings.durationMs / run.settings.xWindowMs) * run.settings.xPostLimit;
  if (asked > allowed) {
    const starved = SEVERITIES.filter(
      (severity) => total(severity) > 0 && acked(earshot, severity, run.settings.durationMs) === 0,
    );
    notes.push(
      `No scheduler can acknowledge this burst within the hour: it asks for ${asked} posts and X allows ${allowed}. earshot spends what there is on the most severe first${starved.length > 0 ? `, so ${starved.join(' and ')} get nothing` : ''}; the acknowledgments still queued at the end fall due within minutes and will be late.`,
    );
  }
  return notes;
}

function printRun(run: BenchRun, header: Header): void {
  console.log(`bench:sla — ${header.command}`);
  console.log(`  seed ${run.settings.seed}; ${header.machine}`);
  for (const fact of header.facts) {
    console.log(`  ${fact}`);
  }
  console.log('\nP0/P1: ingestion → in front of a person (the same for both schedulers)');
  console.log(textTable(run.notify.table));
  const end = run.settings.start + run.settings.durationMs;
  for (const report of run.reports) {
    const { run: result } = report;
    console.log(
      `\n=== ${result.scheduler}: ${result.posts.length} posts (${postMix(result)}); ${result.rejected} × 429`,
    );
    console.log(`\n${result.scheduler}: acknowledgments by severity`);
    console.log(textTable(report.severities));
    console.log(`\n${result.scheduler}: left waiting at ${clock(end)} UTC`);
    console.log(textTable(report.leftWaiting));
    console.log(`\n${result.scheduler}: targets`);
    for (const check of report.targets) {
      console.log(`  ${verdict(check)}`);
    }
  }
}

async function main(): Promise<number> {
  const options = readOptions();
  const root = packageRoot();
  const shipped = loadPolicy(join(root, 'rules'));
  const bucket = bucketsFromLimits(PAY_PER_USE_LIMITS)['x:post'];
  const run = runBench(options.settings, withPaging(shipped, options.pageImmediately), bucket);
  const notifyFailed = !run.notify.check.pass;
  const variant =
    options.pageImmediately === null && notifyFailed
      ? runBench(options.settings, withPaging(shipped, ['P0', 'P1']), bucket)
      : null;

  const date = new Date().toISOString().slice(0, 10);
  const header: Header = {
    date,
    command: options.command,
    machine: machine(),
    facts: facts(run, options),
  };
  printRun(run, header);
  const notes = findings(run, variant);
  console.log('\nfindings');
  for (const note of notes) {
    console.log(`  - ${note}`);
  }

  if (options.writeDocs) {
    const path = join(root, 'docs', 'benchmarks.md');
    await writeSection(path, HEADING, markdownSection(header, run, notes));
    console.log(`\nwrote "${HEADING.slice(3)}" in ${path}`);
  }

  const failed = run.reports[0].targets.filter((check) => !check.pass);
  if (failed.length === 0) {
    console.log('\nearshot meets every target');
    return 0;
  }
  console.log(`\nearshot misses ${failed.length} target(s)`);
  return 1;
}

process.exitCode = await main();
