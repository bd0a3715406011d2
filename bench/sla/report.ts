import { SEVERITIES, type Severity } from '../../src/core/types.js';
import type { Complaint, PostRequest, RunResult, SimSettings } from './model.js';
import { MINUTE_MS, SECOND_MS } from './model.js';

export interface Table {
  headers: string[];
  rows: string[][];
}

export interface TargetCheck {
  target: string;
  pass: boolean;
  detail: string;
}

export interface SchedulerReport {
  run: RunResult;
  severities: Table;
  leftWaiting: Table;
  targets: TargetCheck[];
}

const ACK_WINDOW_MS = 60 * MINUTE_MS;
const IN_FRONT_TARGET_MS = 60 * SECOND_MS;
const SLA_LABELS: Record<Severity, string> = {
  P0: '15 min',
  P1: '60 min',
  P2: 'same day',
  P3: '2 working days',
};

function percent(part: number, whole: number): string {
  if (whole === 0) {
    return '–';
  }
  return `${((100 * part) / whole).toFixed(1)}%`;
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) {
    return null;
  }
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? null;
}

function minutes(ms: number | null): string {
  return ms === null ? '–' : `${(ms / MINUTE_MS).toFixed(1)} min`;
}

function seconds(ms: number | null): string {
  if (ms === null) {
    return '–';
  }
  if (ms >= 2 * MINUTE_MS) {
    return minutes(ms);
  }
  return `${(ms / SECOND_MS).toFixed(1)} s`;
}

/** Clock time on the simulated day, UTC. */
export function clock(instant: number | null): string {
  return instant === null ? '–' : new Date(instant).toISOString().slice(11, 19);
}

function deadlineOf(complaint: Complaint, field: 'deadline' | 'responseDeadline'): number | null {
  const iso = complaint.decision[field];
  return iso === null ? null : Date.parse(iso);
}

/** When the complaint was first acknowledged in public by this run, if it was. */
function firstPosts(run: RunResult): Map<number, number> {
  const first = new Map<number, number>();
  for (const post of run.posts) {
    const index = post.request.complaint.index;
    if (!first.has(index)) {
      first.set(index, post.postedAt);
    }
  }
  return first;
}

/** Ingestion → a person notified with the draft ready, for P0/P1 (the same for both schedulers). */
export function notificationTable(complaints: readonly Complaint[]): {
  table: Table;
  check: TargetCheck;
} {
  const rows: string[][] = [];
  let total = 0;
  let late = 0;
  let worst = 0;
  for (const severity of ['P0', 'P1'] as const) {
    const group = complaints.filter((complaint) => complaint.severity === severity);
    const delays = group
      .map((complaint) =>
        complaint.notifiedAt === null
          ? Number.POSITIVE_INFINITY
          : Math.max(complaint.notifiedAt, complaint.decidedAt) - complaint.ingestedAt,
      )
      .sort((a, b) => a - b);
    const onTime = delays.filter((delay) => delay <= IN_FRONT_TARGET_MS).length;
    const kinds = new Map<string, number>();
    for (const complaint of group) {
      const kind = complaint.notifyKind ?? 'none';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    total += group.length;
    late += group.length - onTime;
    worst = Math.max(worst, delays.at(-1) ?? 0);
    rows.push([
      severity,
      String(group.length),
      `${onTime} (${percent(onTime, group.length)})`,
      seconds(quantile(delays, 0.5)),
      seconds(quantile(delays, 0.95)),
      seconds(delays.at(-1) ?? null),
      [...kinds.entries()].map(([kind, count]) => `${kind} ${count}`).join(', '),
    ]);
  }
  return {
    table: {
      headers: ['severity', 'complaints', 'in front ≤ 60 s', 'p50', 'p95', 'max', 'notified by'],
      rows,
    },
    check: {
      target: 'every P0/P1 in front of a person (notified, draft ready) within 60 s of ingestion',
      pass: late === 0,
      detail: `${total - late}/${total} on time, slowest ${seconds(worst)}`,
    },
  };
}

function severityTable(complaints: readonly Complaint[], run: RunResult): Table {
  const first = firstPosts(run);
  const rows: string[][] = [];
  for (const severity of SEVERITIES) {
    const group = complaints.filter((complaint) => complaint.severity === severity);
    let withinTarget = 0;
    let withinHour = 0;
    const delays: number[] = [];
    for (const complaint of group) {
      const postedAt = first.get(complaint.index);
      if (postedAt === undefined) {
        continue;
      }
      const target = deadlineOf(complaint, 'responseDeadline');
      withinTarget += target !== null && postedAt <= target ? 1 : 0;
      withinHour += postedAt - complaint.createdAt <= ACK_WINDOW_MS ? 1 : 0;
      delays.push(postedAt - complaint.createdAt);
    }
    delays.sort((a, b) => a - b);
    const automatic = group.filter((complaint) => !complaint.needsPerson).length;
    rows.push([
      severity,
      SLA_LABELS[severity],
      String(group.length),
      `${automatic} / ${group.length - automatic}`,
      `${withinTarget} (${percent(withinTarget, group.length)})`,
      `${withinHour} (${percent(withinHour, group.length)})`,
      minutes(quantile(delays, 0.5)),
      minutes(quantile(delays, 0.95)),
    ]);
  }
  return {
    headers: [
      'severity',
      'target',
      'complaints',
      'automatic / to people',
      'acked within target',
      'acked within 60 min',
      'p50 ack',
      'p95 ack',
    ],
    rows,
  };
}

function leftWaitingTable(
  complaints: readonly Complaint[],
  run: RunResult,
  settings: SimSettings,
): Table {
  const end = settings.start + settings.durationMs;
  const first = firstPosts(run);
  const waitingByComplaint = new Map<number, PostRequest>();
  for (const request of run.waiting) {
    const known = waitingByComplaint.get(request.complaint.index);
    if (known === undefined || request.deadline < known.deadline) {
      waitingByComplaint.set(request.complaint.index, request);
    }
  }
  const rows: string[][] = [];
  for (const severity of SEVERITIES) {
    const open = complaints.filter(
      (complaint) => complaint.severity === severity && !first.has(complaint.index),
    );
    const toPost: number[] = [];
    const withPeople: number[] = [];
    for (const complaint of open) {
      const request = waitingByComplaint.get(complaint.index);
      if (request !== undefined) {
        toPost.push(request.deadline);
      } else {
        withPeople.push(deadlineOf(complaint, 'deadline') ?? Number.POSITIVE_INFINITY);
      }
    }
    toPost.sort((a, b) => a - b);
    withPeople.sort((a, b) => a - b);
    const late = toPost.filter((deadline) => deadline < end).length;
    const dueSoon = toPost.filter((deadline) => deadline < end + 15 * MINUTE_MS).length;
    rows.push([
      severity,
      String(open.length),
      String(toPost.length),
      String(late),
      String(dueSoon - late),
      toPost.length === 0 ? '–' : `${clock(toPost[0] ?? null)}–${clock(toPost.at(-1) ?? null)}`,
      String(withPeople.length),
      withPeople.length === 0 ? '–' : clock(withPeople[0] ?? null),
    ]);
  }
  return {
    headers: [
      'severity',
      'not acked',
      'queued to post',
      'of which past deadline',
      'due in next 15 min',
      'queued deadlines (UTC)',
      'with people',
      'earliest people deadline',
    ],
    rows,
  };
}

export function schedulerReport(
  complaints: readonly Complaint[],
  run: RunResult,
  settings: SimSettings,
  notify: TargetCheck,
): SchedulerReport {
  return {
    run,
    severities: severityTable(complaints, run),
    leftWaiting: leftWaitingTable(complaints, run, settings),
    targets: [
      notify,
      {
        target:
          'posting budget spent in severity-and-deadline order (no lower-severity post while a more severe ready post is past its deadline)',
        pass: run.orderViolations === 0,
        detail: `${run.orderViolations} violating posts; ${run.priorityInversions} posts went before a more severe ready post`,
      },
      {
        target: 'zero 429s',
        pass: run.rejected === 0,
        detail: `${run.rejected} × 429; at most ${run.maxInXWindow} posts in one X window, ${run.maxInAnySpan} in any 15 min`,
      },
    ],
  };
}

/** Counts of posts by kind and severity, e.g. `auto 341 (P2 341), person 26 (P0 5, P1 21)`. */
export function postMix(run: RunResult): string {
  const parts: string[] = [];
  for (const kind of ['auto', 'safe-ack', 'person'] as const) {
    const posts = run.posts.filter((post) => post.request.kind === kind);
    const bySeverity = SEVERITIES.map(
      (severity) =>
        [severity, posts.filter((post) => post.request.severity === severity).length] as const,
    )
      .filter(([, count]) => count > 0)
      .map(([severity, count]) => `${severity} ${count}`);
    parts.push(
      `${kind} ${posts.length}${bySeverity.length > 0 ? ` (${bySeverity.join(', ')})` : ''}`,
    );
  }
  return parts.join(', ');
}

function widths(table: Table): number[] {
  return table.headers.map((header, column) =>
    Math.max(header.length, ...table.rows.map((row) => (row[column] ?? '').length)),
  );
}

export function textTable(table: Table): string {
  const sizes = widths(table);
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(sizes[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(table.headers),
    line(sizes.map((size) => '-'.repeat(size))),
    ...table.rows.map(line),
  ].join('\n');
}

export function markdownTable(table: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(table.headers), line(table.headers.map(() => '---')), ...table.rows.map(line)].join(
    '\n',
  );
}

export function verdict(check: TargetCheck): string {
  return `${check.pass ? 'PASS' : 'FAIL'}  ${check.target} — ${check.detail}`;
}
