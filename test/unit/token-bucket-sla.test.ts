import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSection } from '../../bench/sla/docs.js';
import {
  DEFAULT_SETTINGS,
  MINUTE_MS,
  type Complaint,
  type PostRequest,
} from '../../bench/sla/model.js';
import { runBench } from '../../bench/sla/run.js';
import { simulatePosting } from '../../bench/sla/simulate.js';
import { maxInAnySpan, simulatedX } from '../../bench/sla/x-platform.js';
import { loadPolicy } from '../../src/config/policy.js';
import { bucketsFromLimits, PAY_PER_USE_LIMITS } from '../../src/core/token-bucket.js';
import type { Severity } from '../../src/core/types.js';

const BUCKET = bucketsFromLimits(PAY_PER_USE_LIMITS)['x:post'];
const START = DEFAULT_SETTINGS.start;

let dir: string | undefined;

afterEach(() => {
  if (dir !== undefined) {
    rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  }
});

function request(id: number, severity: Severity, readyAt: number, deadline: number): PostRequest {
  return {
    id,
    complaint: { index: id, createdAt: readyAt } as Complaint,
    kind: 'auto',
    severity,
    readyAt,
    deadline,
  };
}

describe('bench:sla simulated X', () => {
  it('answers 429 past the limit of a fixed window and resets at its end', () => {
    const x = simulatedX(2, 60_000, START - 10_000);

    const answers = [x.post(START), x.post(START + 1), x.post(START + 2), x.post(START + 50_000)];

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429, 200]);
    expect(answers[1]).toEqual({ status: 200, remaining: 0, resetAt: START + 50_000 });
    expect(x.maxInWindow()).toBe(2);
  });

  it.each`
    instants                   | span   | worst
    ${[]}                      | ${10}  | ${0}
    ${[0, 5, 9, 10, 19]}       | ${10}  | ${3}
    ${[0, 1, 2, 99, 100, 101]} | ${100} | ${4}
  `('counts at most $worst instants in any span of $span', ({ instants, span, worst }) => {
    expect(maxInAnySpan(instants as number[], span as number)).toBe(worst);
  });
});

describe('bench:sla posting', () => {
  const settings = { ...DEFAULT_SETTINGS, durationMs: 60 * MINUTE_MS };
  const burst = Array.from({ length: 600 }, (_, id) =>
    request(id, id % 7 === 0 ? 'P1' : 'P3', START, START + 60 * MINUTE_MS),
  );

  it('earshot never draws a 429 and posts the more severe first', () => {
    const run = simulatePosting('earshot', burst, {
      settings,
      bucket: BUCKET,
      xWindowStart: START,
    });

    expect(run.rejected).toBe(0);
    expect(run.maxInAnySpan).toBeLessThanOrEqual(95);
    expect(run.priorityInversions).toBe(0);
    expect(run.posts.slice(0, 80).every((post) => post.request.severity === 'P1')).toBe(true);
  });

  it('the FIFO baseline fills every X window, draws 429s and ignores severity', () => {
    const run = simulatePosting('fifo', burst, { settings, bucket: BUCKET, xWindowStart: START });

    expect(run.rejected).toBeGreaterThan(0);
    expect(run.maxInXWindow).toBe(100);
    expect(run.priorityInversions).toBeGreaterThan(0);
    expect(run.posts.map((post) => post.request.id)).toEqual(
      [...run.posts.map((post) => post.request.id)].sort((a, b) => a - b),
    );
  });

  it('the whole bench is reproducible from its seed', () => {
    const policy = loadPolicy('rules');
    const small = { ...DEFAULT_SETTINGS, complaints: 300 };

    const first = runBench(small, policy, BUCKET);
    const second = runBench(small, policy, BUCKET);

    expect(second.reports[0].severities).toEqual(first.reports[0].severities);
    expect(second.reports[1].leftWaiting).toEqual(first.reports[1].leftWaiting);
    expect(first.reports[0].run.rejected).toBe(0);
  });
});

describe('bench:sla docs section', () => {
  it.each`
    case                   | before
    ${'a new file'}        | ${null}
    ${'a file without it'} | ${'# Benchmarks\n\n## Classifier\n\nfast\n'}
    ${'a file with it'}    | ${'# Benchmarks\n\n## SLA under a burst (bench:sla)\n\nold\n\n## Classifier\n\nfast\n'}
  `('writes only its own section into $case', async ({ before }) => {
    dir = mkdtempSync(join(tmpdir(), 'earshot-bench-'));
    const path = join(dir, 'benchmarks.md');
    if (before !== null) {
      writeFileSync(path, before as string);
    }

    await writeSection(path, '## SLA under a burst (bench:sla)', 'new');
    const text = readFileSync(path, 'utf8');

    expect(text).toContain('## SLA under a burst (bench:sla)\n\nnew\n');
    expect(text).not.toContain('old');
    expect(text.startsWith('# Benchmarks\n')).toBe(true);
    expect(text.includes('## Classifier\n\nfast\n')).toBe(before !== null);
  });
});
