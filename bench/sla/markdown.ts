import { worstCaseInSpan } from '../../src/core/token-bucket.js';
import { MINUTE_MS, SECOND_MS } from './model.js';
import { clock, markdownTable, postMix, type TargetCheck } from './report.js';
import type { BenchRun } from './run.js';

export interface Header {
  date: string;
  command: string;
  machine: string;
  /** Lines describing the scenario and the decisions of this run. */
  facts: string[];
}

function targetLines(targets: readonly TargetCheck[]): string[] {
  return targets.map(
    (check) => `- **${check.pass ? 'PASS' : 'FAIL'}** ${check.target} — ${check.detail}`,
  );
}

function method(run: BenchRun): string[] {
  const { settings, bucket } = run;
  const perSpan = worstCaseInSpan(bucket, settings.xWindowMs);
  const perHour = Math.floor(settings.durationMs / bucket.refillEveryMs) + bucket.capacity;
  const xPerHour = (settings.durationMs / settings.xWindowMs) * settings.xPostLimit;
  const minutes = (ms: number): number => ms / MINUTE_MS;
  const secondsOf = (ms: number): number => ms / SECOND_MS;
  return [
    '### What is simulated',
    '',
    "A discrete-event simulation on a simulated clock; nothing waits in real time. It runs earshot's own code for every decision and every post: `loadPolicy('rules')` and `evaluatePolicy` decide each complaint, the pure token bucket in `src/core/token-bucket.ts` with the default `'x:post'` sizing grants the posts, and the replies queue's order is `SEVERITY_PRIORITY`, then first in, first out (BullMQ priorities).",
    '',
    `- **Complaints**: ${settings.complaints} @mention complaints (they summon the brand, so auto-replies are allowed) posted uniformly within ${minutes(settings.burstMs)} minutes of a Tuesday 10:00 UTC (business hours, no quiet hours). Severity mix P0 2%, P1 10%, P2 48%, P3 40%; categories by severity (safety, legal, outage, billing, account, privacy, delivery, service); 10% below the 0.7 confidence threshold, 5% with at least 10,000 followers, 3% verified, 6% with private data, 40% of authors accept DMs. Classifications are built directly (the classifier has its own benchmark); a seeded PRNG makes every run with the same seed identical.`,
    `- **Ingestion and triage**: polls every ${secondsOf(settings.pollIntervalMs)} s (the live default); one FIFO triage queue (severity is unknown until classified) with ${settings.triageWorkers} workers at ${settings.triageMs} ms per mention. The draft is ready when triage ends.`,
    `- **Notification**: a \`page\` when the decision says \`pageNow\`, an \`escalation\` when policy routes the case to a person, otherwise the watchdog's \`sla-warning\` at the decision's \`notifyAt\` (docs/notifications.md). Each takes ${settings.notifyEnqueueMs} ms to enqueue plus one webhook delivery of ${secondsOf(settings.webhookMs)} s (constants, not measured; Slack usually answers faster).`,
    `- **People**: a person approves each P0/P1 draft, or writes the reply to a P0/P1 escalation, ${minutes(settings.personActsAfterMs.P0)} min (P0) or ${minutes(settings.personActsAfterMs.P1)} min (P1) after being notified; those replies go through the same queue and budget. Nobody handles P2/P3 items routed to people within the hour; the watchdog posts its safe acknowledgment at \`safeAckAt\` where policy allows one. The public notice of an automatic \`escalate_dm\` counts as its acknowledgment; the DMs themselves (their own budget of 15 per 15 min) are not simulated.`,
    `- **X**: POST /2/tweets allows ${settings.xPostLimit} per user per fixed ${minutes(settings.xWindowMs)}-minute window, starting at a phase drawn from the seed, and answers 429 with \`x-rate-limit-reset\` beyond that. One reply worker, ${settings.postMs} ms per call. earshot feeds the rate-limit headers of every answer to \`observe\`.`,
    '- **Plain FIFO baseline**: the same complaints, decisions, people and posts, in one first-in, first-out queue without a budget: it posts as fast as the worker goes until X answers 429, then waits for the reset.',
    "- **Left out**: the X gate's daily caps (`gate.dailyPostCap: 100` and `dailySpendCapUsd: 5.00` in rules/policy.yaml would stop either scheduler after 100 posts that day; a brand expecting bursts like this raises them), other posts from the account (people using the X app share the per-user limit), and retries after network errors.",
    '',
    '### Why the bucket is sized this way',
    '',
    `X counts in fixed 15-minute windows, not as a leaky bucket: a bucket of capacity C refilling R per window can spend C at the end of one X window and C + R in the next, so a bucket that refills the whole limit per window draws 429s. \`bucketFor\` therefore sizes every bucket so that any span of window + latency margin holds at most limit − reserve grants: C + ⌈(window + margin) / refill interval⌉ ≤ limit − reserve. Any span covers every fixed window whatever its phase, a rolling window is such a span, the margin (10 s) covers calls that reach X later than they took their token, and the reserve (5%) is left for posts people make outside earshot. For 'x:post' this gives capacity ${bucket.capacity} and one token every ${bucket.refillEveryMs} ms: at most ${perSpan} posts in any 15 minutes, about ${perHour} in the simulated hour against the ${xPerHour} X would accept, the price of never drawing a 429.`,
  ];
}

/** The whole "SLA under a burst" section: header, method, both schedulers' tables and the targets. */
export function markdownSection(header: Header, run: BenchRun, notes: readonly string[]): string {
  const end = run.settings.start + run.settings.durationMs;
  const lines: string[] = [
    `Run on ${header.date} with \`${header.command}\` (seed ${run.settings.seed}) on ${header.machine}. \`npm run bench:sla -- --write-docs\` rewrites this section; apart from the two timings the numbers depend only on the seed and the rules, not on the machine.`,
    '',
    ...header.facts.map((fact) => `- ${fact}`),
    '',
    ...method(run),
    '',
    '### P0/P1: from ingestion to a person notified with the draft ready',
    '',
    'The same for both schedulers: triage and notification do not depend on the posting order.',
    '',
    markdownTable(run.notify.table),
  ];
  for (const report of run.reports) {
    const { run: result } = report;
    const title =
      result.scheduler === 'earshot'
        ? 'earshot: severity priority, FIFO within a severity, token bucket'
        : 'Plain FIFO: no budget, posts until 429, waits for the reset';
    lines.push(
      '',
      `### ${title}`,
      '',
      `${result.posts.length} posts (${postMix(result)}); ${result.rejected} × 429. "Acked" is the first public reply of any kind; "within 60 min" counts from when the complaint was posted.`,
      '',
      markdownTable(report.severities),
      '',
      `Left waiting at ${clock(end)} UTC (deadlines are acknowledgment deadlines, UTC):`,
      '',
      markdownTable(report.leftWaiting),
      '',
      ...targetLines(report.targets),
    );
  }
  if (notes.length > 0) {
    lines.push('', '### Findings', '', ...notes.map((note) => `- ${note}`));
  }
  return lines.join('\n');
}
