import { h } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Attainment, Distribution, SlaMetrics } from '../../../core/sla-metrics.js';
import { barOptions, Chart, dailyOptions, PALETTE } from '../chart.js';
import { ErrorNote } from '../components.js';
import { api, messageOf, query } from '../lib/api.js';
import { duration, percent } from '../lib/format.js';

const RANGES = [7, 14, 30] as const;
const SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const;
const CHANNELS = ['x-mentions', 'x-search', 'app-store', 'google-play'] as const;
const TARGETS: Record<string, number> = { P0: 0.95, P1: 0.9, P2: 0.9, P3: 0.9 };

function rows<T>(keys: readonly string[], record: Readonly<Record<string, T>>): Array<[string, T]> {
  const result: Array<[string, T]> = [];
  for (const key of keys) {
    const value = record[key];
    if (value !== undefined) {
      result.push([key, value]);
    }
  }
  return result;
}

function dayToSeconds(date: string): number {
  return Date.parse(`${date}T12:00:00Z`) / 1000;
}

function Card(props: { label: string; value: string; hint?: string }) {
  return h(
    'div',
    { class: 'stat' },
    h('div', { class: 'stat-value' }, props.value),
    h('div', { class: 'stat-label' }, props.label),
    props.hint ? h('div', { class: 'muted small' }, props.hint) : null,
  );
}

function DistributionTable(props: { title: string; rows: ReadonlyArray<[string, Distribution]> }) {
  return h(
    'table',
    { class: 'table compact' },
    h('caption', null, props.title),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, ''),
        h('th', null, 'median'),
        h('th', null, 'p90'),
        h('th', null, 'n'),
      ),
    ),
    h(
      'tbody',
      null,
      props.rows.map(([label, row]) =>
        h(
          'tr',
          { key: label },
          h('th', null, label),
          h('td', null, duration(row.medianMs)),
          h('td', null, duration(row.p90Ms)),
          h('td', null, String(row.count)),
        ),
      ),
    ),
  );
}

function AttainmentTable(props: { rows: ReadonlyArray<[string, Attainment]>; targets?: boolean }) {
  return h(
    'table',
    { class: 'table compact' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['', 'rate', ...(props.targets ? ['target'] : []), 'met', 'missed', 'pending'].map(
          (title) => h('th', { key: title }, title),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      props.rows.map(([label, row]) => {
        const target = TARGETS[label];
        const below =
          props.targets && row.rate !== null && target !== undefined && row.rate < target;
        return h(
          'tr',
          { key: label, class: below ? 'below-target' : '' },
          h('th', null, label),
          h('td', null, percent(row.rate)),
          props.targets ? h('td', null, percent(target ?? null)) : null,
          h('td', null, String(row.met)),
          h('td', null, String(row.missed)),
          h('td', null, String(row.pending)),
        );
      }),
    ),
  );
}

function Charts(props: { metrics: SlaMetrics }) {
  const { metrics } = props;
  const charts = useMemo(() => {
    const days = metrics.volume.daily;
    const x = days.map((day) => dayToSeconds(day.date));
    const categories = Object.keys(metrics.volume.byCategory).sort(
      (a, b) => (metrics.volume.byCategory[b] ?? 0) - (metrics.volume.byCategory[a] ?? 0),
    );
    return {
      attainment: {
        options: barOptions(
          SEVERITIES,
          [{ label: 'attainment %', stroke: PALETTE[0], fill: 'rgba(37,99,235,0.35)' }],
          '%',
          [0, 100],
        ),
        data: [
          SEVERITIES.map((_severity, index) => index),
          SEVERITIES.map((severity) => {
            const rate = metrics.attainment.bySeverity[severity].rate;
            return rate === null ? null : Math.round(rate * 100);
          }),
        ] as [number[], Array<number | null>],
      },
      volume: {
        options: dailyOptions(
          categories.map((category, index) => ({
            label: category,
            stroke: PALETTE[index % PALETTE.length],
          })),
          'complaints',
        ),
        data: [
          x,
          ...categories.map((category) => days.map((day) => day.byCategory[category] ?? 0)),
        ] as [number[], ...number[][]],
      },
      sentiment: {
        options: dailyOptions(
          [
            { label: 'negative', stroke: '#dc2626' },
            { label: 'neutral', stroke: '#6b7280' },
            { label: 'positive', stroke: '#16a34a' },
          ],
          'cases',
        ),
        data: [
          x,
          days.map((day) => day.bySentiment.negative),
          days.map((day) => day.bySentiment.neutral),
          days.map((day) => day.bySentiment.positive),
        ] as [number[], ...number[][]],
      },
      frt: {
        options: dailyOptions(
          [{ label: 'median first response (min)', stroke: PALETTE[3] }],
          'minutes',
        ),
        data: [
          x,
          days.map((day) =>
            day.frtMedianMs === null ? null : Math.round(day.frtMedianMs / 60_000),
          ),
        ] as [number[], Array<number | null>],
      },
    };
  }, [metrics]);
  return h(
    'div',
    { class: 'charts' },
    h(Chart, { label: 'SLA attainment per severity', ...charts.attainment }),
    h(Chart, { label: 'Complaints per day by category', ...charts.volume }),
    h(Chart, { label: 'Cases per day by sentiment', ...charts.sentiment }),
    h(Chart, { label: 'Median first-response time per day', ...charts.frt }),
  );
}

/** Response times, attainment, volume and quality of triage, from the audit log, cases, drafts and labels. */
export function MetricsPage() {
  const [days, setDays] = useState<number>(7);
  const [metrics, setMetrics] = useState<SlaMetrics | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    setError(null);
    api
      .get<{ data: SlaMetrics }>(
        `/api/metrics${query({ from: from.toISOString(), to: to.toISOString() })}`,
      )
      .then((body) => setMetrics(body.data))
      .catch((failure: unknown) => setError(messageOf(failure)));
  }, [days]);

  return h(
    'main',
    { class: 'page metrics-page' },
    h(
      'header',
      { class: 'detail-head' },
      h('h1', null, 'Metrics'),
      h(
        'div',
        { class: 'segmented push-right', role: 'group', 'aria-label': 'Range' },
        RANGES.map((range) =>
          h(
            'button',
            { key: range, class: range === days ? 'selected' : '', onClick: () => setDays(range) },
            `${range} days`,
          ),
        ),
      ),
    ),
    h(ErrorNote, { error }),
    metrics === null
      ? h('p', { class: 'muted' }, 'Loading…')
      : h(
          'div',
          null,
          h(
            'div',
            { class: 'stats' },
            h(Card, { label: 'cases', value: String(metrics.totals.cases) }),
            h(Card, { label: 'complaints', value: String(metrics.totals.complaints) }),
            h(Card, {
              label: 'SLA attainment',
              value: percent(metrics.attainment.overall.rate),
              hint: `${metrics.attainment.overall.met} of ${metrics.attainment.overall.due} on time`,
            }),
            h(Card, {
              label: 'first response (median)',
              value: duration(metrics.frt.overall.medianMs),
              hint: `p90 ${duration(metrics.frt.overall.p90Ms)}`,
            }),
            h(Card, {
              label: 'triage accuracy',
              value: percent(metrics.triage.accuracy),
              hint: `${metrics.triage.changed} of ${metrics.triage.labelled} decisions changed by people`,
            }),
            h(Card, {
              label: 'reopen rate',
              value: percent(metrics.reopen.rate),
              ...(metrics.reopen.note ? { hint: metrics.reopen.note } : {}),
            }),
            h(Card, {
              label: 'escalations notified',
              value: `${metrics.escalation.notified}/${metrics.escalation.escalated}`,
              hint: `p90 ${duration(metrics.escalation.postedToNotified.p90Ms)} from post`,
            }),
            h(Card, {
              label: 'rating change after reply',
              value:
                metrics.ratingChange === null
                  ? '—'
                  : `${metrics.ratingChange.averageChange >= 0 ? '+' : ''}${metrics.ratingChange.averageChange.toFixed(1)}★`,
              hint:
                metrics.ratingChange === null
                  ? 'no edited reviews after a reply yet'
                  : `${metrics.ratingChange.reviews} reviews`,
            }),
          ),
          h(Charts, { metrics }),
          h(
            'div',
            { class: 'tables' },
            h(
              'section',
              null,
              h('h2', null, 'SLA attainment'),
              h(AttainmentTable, {
                rows: rows(SEVERITIES, metrics.attainment.bySeverity),
                targets: true,
              }),
              h(AttainmentTable, { rows: rows(CHANNELS, metrics.attainment.byChannel) }),
              h(
                'p',
                { class: 'muted small' },
                'Cases routed to a person are answered outside earshot and are not counted here; see escalations.',
              ),
            ),
            h(
              'section',
              null,
              h('h2', null, 'First-response time'),
              h(DistributionTable, {
                title: 'by severity',
                rows: rows(SEVERITIES, metrics.frt.bySeverity),
              }),
              h(DistributionTable, {
                title: 'by channel',
                rows: rows(CHANNELS, metrics.frt.byChannel),
              }),
            ),
            h(
              'section',
              null,
              h('h2', null, 'Time to resolution'),
              h(DistributionTable, {
                title: 'by severity',
                rows: rows(SEVERITIES, metrics.ttr.bySeverity),
              }),
              h(DistributionTable, {
                title: 'by channel',
                rows: rows(CHANNELS, metrics.ttr.byChannel),
              }),
            ),
            h(
              'section',
              null,
              h('h2', null, 'Escalation timeliness'),
              h(DistributionTable, {
                title: 'until people were notified',
                rows: [
                  ['from the decision', metrics.escalation.decisionToNotified],
                  ['from the post', metrics.escalation.postedToNotified],
                ],
              }),
              metrics.escalation.unnotified > 0
                ? h(
                    'p',
                    { class: 'error' },
                    `${metrics.escalation.unnotified} escalation(s) notified nobody.`,
                  )
                : null,
            ),
          ),
        ),
  );
}
