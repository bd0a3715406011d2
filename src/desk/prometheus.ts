import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { App } from '../app.js';
import { computeMetrics } from '../app/report.js';
import { SEVERITIES, platformOf, type AuditRecord } from '../core/types.js';
import { redisKeys } from '../store/keys.js';
import type { DeskQueues } from './queues.js';

const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** Entries read per XRANGE while catching up with the audit stream. */
const AUDIT_BATCH = 1000;

export interface PrometheusOptions {
  app: App;
  queues: DeskQueues;
  /** How long the 7-day SLA attainment is reused between scrapes; it scans a week of cases. */
  attainmentCacheMs?: number;
}

export interface PrometheusExporter {
  contentType: string;
  /** The exposition text, after reading audit records appended since the last scrape. */
  render(): Promise<string>;
}

/** The id after `id` in a stream (XRANGE's start is inclusive; `(id` needs Redis 6.2). */
export function nextStreamId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${BigInt(seq) + 1n}`;
}

/**
 * Prometheus metrics in a registry of this server's own: queue depths (BullMQ), decisions by outcome, posts by
 * platform and 429 deferrals (counted from the audit stream, so every desk process reports the same totals),
 * the kill switch, pending drafts, the people queue and the last 7 days' SLA attainment per severity.
 */
export function createPrometheus(options: PrometheusOptions): PrometheusExporter {
  const { app, queues } = options;
  const ctx = app.context;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'earshot_' });
  const auditKey = redisKeys(queues.prefix).audit();
  let lastId: string | null = null;
  let attainment: { at: number; values: Map<string, number> } | null = null;
  const cacheMs = options.attainmentCacheMs ?? 60_000;

  const decisions = new Counter({
    name: 'earshot_decisions_total',
    help: 'Audit records by outcome (every decision, send, block, escalation and person action)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const posts = new Counter({
    name: 'earshot_posts_total',
    help: 'Replies and DMs the platforms accepted, by platform and channel',
    labelNames: ['platform', 'channel'],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'earshot_rate_limited_total',
    help: 'Sends deferred by a platform 429 or by the shared posting budget, by platform',
    labelNames: ['platform'],
    registers: [registry],
  });
  new Gauge({
    name: 'earshot_queue_jobs',
    help: 'Jobs per BullMQ queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { name, queue } of queues.all) {
        const counts = await queue.getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) {
          this.set({ queue: name, state }, counts[state] ?? 0);
        }
      }
    },
  });
  new Gauge({
    name: 'earshot_paused',
    help: '1 while the kill switch holds all posting',
    registers: [registry],
    async collect() {
      this.set((await ctx.control.isPaused()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'earshot_pending_drafts',
    help: 'Drafts waiting for a person to approve them',
    registers: [registry],
    async collect() {
      this.set((await ctx.drafts.pending(10_000)).length);
    },
  });
  new Gauge({
    name: 'earshot_people_queue_items',
    help: 'Items waiting in the people queue (escalations, keyword hits, unclear outcomes)',
    registers: [registry],
    async collect() {
      this.set(await ctx.people.countOpen());
    },
  });
  new Gauge({
    name: 'earshot_sla_attainment_ratio',
    help: 'Share of complaints of the last 7 days whose first response met its deadline, by severity',
    labelNames: ['severity'],
    registers: [registry],
    async collect() {
      const now = Date.now();
      if (attainment === null || now - attainment.at > cacheMs) {
        const to = ctx.now();
        const metrics = await computeMetrics(ctx, {
          from: new Date(to.getTime() - WEEK_MS),
          to,
        });
        const values = new Map<string, number>();
        for (const severity of SEVERITIES) {
          const rate = metrics.attainment.bySeverity[severity].rate;
          if (rate !== null) {
            values.set(severity, rate);
          }
        }
        attainment = { at: now, values };
      }
      this.reset();
      for (const [severity, rate] of attainment.values) {
        this.set({ severity }, rate);
      }
    },
  });

  function count(record: AuditRecord): void {
    decisions.inc({ outcome: record.outcome });
    if (record.source === null) {
      return;
    }
    const platform = platformOf(record.source);
    if (record.outcome === 'sent') {
      posts.inc({ platform, channel: record.reason === 'dm-sent' ? 'dm' : 'public-reply' });
    }
    if (record.outcome === 'deferred') {
      rateLimited.inc({ platform });
    }
  }

  async function catchUp(): Promise<void> {
    const redis = queues.redis;
    for (;;) {
      const start = lastId === null ? '-' : nextStreamId(lastId);
      const entries = await redis.xrange(auditKey, start, '+', 'COUNT', AUDIT_BATCH);
      for (const [id, fields] of entries) {
        lastId = id;
        const json = fields[1];
        if (json !== undefined) {
          count(JSON.parse(json) as AuditRecord);
        }
      }
      if (entries.length < AUDIT_BATCH) {
        return;
      }
    }
  }

  return {
    contentType: registry.contentType,
    async render() {
      await catchUp();
      return registry.metrics();
    },
  };
}
