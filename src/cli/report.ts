import { writeFile as writeFileAsync } from 'node:fs/promises';
import type { App } from '../app.js';
import {
  ATTAINMENT_TARGETS,
  buildWeeklyReport,
  formatDuration,
  type TrendItem,
  type VolumeRow,
  type WeeklyReport,
} from '../app/report.js';
import type { Attainment, Distribution } from '../core/sla-metrics.js';
import type { Severity, SourceId } from '../core/types.js';
import type { CliIo } from './io.js';

export type ReportFormat = 'md' | 'html';

export interface ReportOptions {
  /** The last 7 days; the only period so far, but explicit so a `--month` can join it. */
  week: boolean;
  format: string;
  /** Write here instead of stdout. */
  out?: string | null;
}

export interface ReportDeps {
  app: Pick<App, 'context'>;
  io: CliIo;
  now?: Date;
  writeFile?: (path: string, text: string) => Promise<void>;
}

const FORMATS: readonly ReportFormat[] = ['md', 'html'];

function isFormat(value: string): value is ReportFormat {
  return (FORMATS as readonly string[]).includes(value);
}

function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function trendText(item: TrendItem): string {
  if (item.trend === 'new') {
    return 'new';
  }
  if (item.changePct === null) {
    return '—';
  }
  const arrow = { up: '↑', down: '↓', flat: '→' }[item.trend];
  return `${arrow} ${item.changePct > 0 ? '+' : ''}${item.changePct}%`;
}

function attainmentText(attainment: Attainment): string {
  return `${percent(attainment.rate)} (${attainment.met}/${attainment.due}${attainment.pending > 0 ? `, ${attainment.pending} pending` : ''})`;
}

function excerpt(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

interface Table {
  head: string[];
  rows: string[][];
}

function severityTable(report: WeeklyReport): Table {
  const { metrics } = report;
  return {
    head: [
      'Severity',
      'Cases',
      'Complaints',
      'Attainment (met/due)',
      'Target',
      'FRT median',
      'FRT p90',
    ],
    rows: report.volumes.bySeverity.map((row) => {
      const severity = row.key as Severity;
      const frt: Distribution = metrics.frt.bySeverity[severity];
      return [
        severity,
        String(row.cases),
        String(row.complaints),
        attainmentText(row.attainment),
        percent(ATTAINMENT_TARGETS[severity]),
        formatDuration(frt.medianMs),
        formatDuration(frt.p90Ms),
      ];
    }),
  };
}

function channelTable(report: WeeklyReport): Table {
  const { metrics } = report;
  return {
    head: ['Channel', 'Cases', 'Complaints', 'Attainment (met/due)', 'FRT median', 'FRT p90'],
    rows: report.volumes.byChannel.map((row) => {
      const frt = metrics.frt.byChannel[row.key as SourceId];
      return [
        row.key,
        String(row.cases),
        String(row.complaints),
        attainmentText(row.attainment),
        formatDuration(frt.medianMs),
        formatDuration(frt.p90Ms),
      ];
    }),
  };
}

function categoryTable(rows: readonly VolumeRow[]): Table {
  return {
    head: ['Category', 'Complaints', 'Attainment (met/due)'],
    rows: rows.map((row) => [row.key, String(row.complaints), attainmentText(row.attainment)]),
  };
}

function trendTable(title: string, items: readonly TrendItem[]): Table {
  return {
    head: [title, 'This week', 'Last week', 'Trend'],
    rows: items.map((item) => [
      item.key,
      String(item.count),
      String(item.previous),
      trendText(item),
    ]),
  };
}

function incidentTable(report: WeeklyReport): Table {
  return {
    head: ['Case', 'Kind', 'Severity', 'Category', 'Posted', 'Author', 'Late by', 'Post'],
    rows: report.incidents.map((incident) => [
      incident.caseId,
      incident.kind === 'p0' ? 'P0' : 'SLA breach',
      incident.severity ?? '—',
      incident.category ?? '—',
      incident.postedAt.replace('T', ' ').slice(0, 16),
      `@${incident.author}`,
      incident.lateByMs === null ? 'on time' : formatDuration(incident.lateByMs),
      excerpt(incident.text),
    ]),
  };
}

function relabelTable(report: WeeklyReport): Table {
  return {
    head: ['Case', 'By', 'When', 'Classifier said', 'Person said'],
    rows: report.relabels.map((entry) => [
      entry.caseId,
      entry.by,
      entry.at.replace('T', ' ').slice(0, 16),
      entry.predicted === null
        ? '—'
        : `${entry.predicted.complaint ? 'complaint' : 'no complaint'}, ${entry.predicted.category ?? 'no category'}`,
      [
        entry.label.complaint ? 'complaint' : 'no complaint',
        entry.label.category ?? 'no category',
        ...(entry.label.severity === null ? [] : [entry.label.severity]),
      ].join(', '),
    ]),
  };
}

function appealTable(report: WeeklyReport): Table {
  return {
    head: ['Case', 'Source', 'Author', 'State', 'Post'],
    rows: report.appeals.map((appeal) => [
      appeal.caseId,
      appeal.source,
      `@${appeal.author}`,
      appeal.state,
      excerpt(appeal.text),
    ]),
  };
}

function summaryLines(report: WeeklyReport): string[] {
  const { metrics, previousMetrics } = report;
  const change = metrics.totals.complaints - previousMetrics.totals.complaints;
  return [
    `Cases: ${metrics.totals.cases} (complaints ${metrics.totals.complaints}, ${change >= 0 ? '+' : ''}${change} on last week)`,
    `SLA attainment: ${attainmentText(metrics.attainment.overall)}; last week ${percent(previousMetrics.attainment.overall.rate)}`,
    `First response: median ${formatDuration(metrics.frt.overall.medianMs)}, p90 ${formatDuration(metrics.frt.overall.p90Ms)}`,
    `Time to resolution: median ${formatDuration(metrics.ttr.overall.medianMs)}, p90 ${formatDuration(metrics.ttr.overall.p90Ms)}`,
    `Triage accuracy: ${percent(metrics.triage.accuracy)} (${metrics.triage.changed} of ${metrics.triage.labelled} labelled decisions changed)`,
    `Reopen rate: ${percent(metrics.reopen.rate)}${metrics.reopen.note ? ` (${metrics.reopen.note})` : ''}`,
    `Escalations: ${metrics.escalation.escalated}, notified ${metrics.escalation.notified}, p90 from post to people ${formatDuration(metrics.escalation.postedToNotified.p90Ms)}`,
    `Rating change after store replies: ${
      metrics.ratingChange === null
        ? 'no data (no review was edited after a reply)'
        : `${metrics.ratingChange.averageBefore.toFixed(1)} → ${metrics.ratingChange.averageAfter.toFixed(1)} stars over ${metrics.ratingChange.reviews} review(s)`
    }`,
  ];
}

// --- Markdown ---

/**
 * Untrusted text in Markdown: one line, no HTML (entities instead), and the characters that start emphasis,
 * code, links or table cells escaped. Inline only: every caller puts it after a list marker or a cell bar.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

function markdownTable(table: Table): string[] {
  if (table.rows.length === 0) {
    return ['_None._'];
  }
  return [
    `| ${table.head.join(' | ')} |`,
    `| ${table.head.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(escapeMarkdown).join(' | ')} |`),
  ];
}

export function renderMarkdown(report: WeeklyReport): string {
  const lines = [
    `# earshot weekly report: ${day(report.from)} – ${day(report.to)}`,
    '',
    `Generated ${report.generatedAt} · days counted in ${escapeMarkdown(report.timezone)} · compared with the 7 days before.`,
    '',
    '## Summary',
    '',
    // Our own sentences over numbers and config values (time zone, category ids): no post text.
    ...summaryLines(report).map((line) => `- ${line}`),
    '',
    '## Next actions',
    '',
    ...report.nextActions.map((action) => `1. ${action}`),
    '',
    '## Volumes and attainment',
    '',
    '### By severity',
    '',
    ...markdownTable(severityTable(report)),
    '',
    '### By channel',
    '',
    ...markdownTable(channelTable(report)),
    '',
    '### By category',
    '',
    ...markdownTable(categoryTable(report.volumes.byCategory)),
    '',
    '## Top issues',
    '',
    ...markdownTable(trendTable('Category', report.topIssues.categories)),
    '',
    ...markdownTable(trendTable('Complaint term', report.topIssues.terms)),
    '',
    `## Incidents (${report.incidents.length})`,
    '',
    'P0 complaints and first responses that missed their deadline.',
    '',
    ...markdownTable(incidentTable(report)),
    '',
    `## Relabels (${report.relabels.length}) and appeals (${report.appeals.length})`,
    '',
    ...markdownTable(relabelTable(report)),
    '',
    ...markdownTable(appealTable(report)),
    '',
  ];
  return lines.join('\n');
}

// --- HTML ---

/** Untrusted text as HTML text: the five characters that could start markup or leave an attribute. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function htmlTable(table: Table): string {
  if (table.rows.length === 0) {
    return '<p class="none">None.</p>';
  }
  const head = table.head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('');
  const rows = table.rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

const HTML_STYLE = `body{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1f2937;line-height:1.45}
table{border-collapse:collapse;width:100%;margin:0.5rem 0 1.25rem;font-size:0.9rem}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f9fafb}.none{color:#6b7280}h1{font-size:1.5rem}h2{margin-top:2rem}`;

export function renderHtml(report: WeeklyReport): string {
  const title = `earshot weekly report: ${day(report.from)} – ${day(report.to)}`;
  const list = (items: readonly string[], tag: 'ul' | 'ol') =>
    `<${tag}>\n${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('\n')}\n</${tag}>`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${HTML_STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>Generated ${escapeHtml(report.generatedAt)} · days counted in ${escapeHtml(report.timezone)} · compared with the 7 days before.</p>`,
    '<h2>Summary</h2>',
    list(summaryLines(report), 'ul'),
    '<h2>Next actions</h2>',
    list(report.nextActions, 'ol'),
    '<h2>Volumes and attainment</h2>',
    '<h3>By severity</h3>',
    htmlTable(severityTable(report)),
    '<h3>By channel</h3>',
    htmlTable(channelTable(report)),
    '<h3>By category</h3>',
    htmlTable(categoryTable(report.volumes.byCategory)),
    '<h2>Top issues</h2>',
    htmlTable(trendTable('Category', report.topIssues.categories)),
    htmlTable(trendTable('Complaint term', report.topIssues.terms)),
    `<h2>Incidents (${report.incidents.length})</h2>`,
    '<p>P0 complaints and first responses that missed their deadline.</p>',
    htmlTable(incidentTable(report)),
    `<h2>Relabels (${report.relabels.length}) and appeals (${report.appeals.length})</h2>`,
    htmlTable(relabelTable(report)),
    htmlTable(appealTable(report)),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function renderReport(report: WeeklyReport, format: ReportFormat): string {
  return format === 'html' ? renderHtml(report) : renderMarkdown(report);
}

/**
 * `earshot report --week [--format md|html] [--out FILE]`: the weekly report of the last 7 days against the
 * 7 before, to stdout or a file. Returns the exit code.
 */
export async function runReport(options: ReportOptions, deps: ReportDeps): Promise<number> {
  if (!options.week) {
    deps.io.err('Say which period: --week (the last 7 days) is the one report there is.');
    return 2;
  }
  if (!isFormat(options.format)) {
    deps.io.err(`--format must be md or html (got ${JSON.stringify(options.format)})`);
    return 2;
  }
  const report = await buildWeeklyReport(deps.app.context, deps.now ?? deps.app.context.now());
  const text = renderReport(report, options.format);
  if (options.out) {
    await (deps.writeFile ?? ((path, body) => writeFileAsync(path, body, 'utf8')))(
      options.out,
      text,
    );
    deps.io.err(`Wrote the weekly report to ${options.out}`);
    return 0;
  }
  deps.io.out(text);
  return 0;
}
