import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import { safeEqual } from '../store/users.js';
import { unauthorized } from './auth.js';
import { sendError } from './http.js';
import type { PrometheusExporter } from './prometheus.js';
import type { DeskQueues } from './queues.js';

export const BULL_BOARD_PATH = '/admin/queues';
const PROBE_TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /readyz`: Redis answers and every queue can be read. Public, like /healthz; 503 when not ready. */
export function registerReadiness(server: FastifyInstance, queues: DeskQueues): void {
  server.get('/readyz', { config: { public: true } }, async (_request, reply) => {
    const checks: Record<string, string> = { redis: await probe(() => queues.redis.ping()) };
    for (const { name, queue } of queues.all) {
      checks[`queue:${name}`] = await probe(() => queue.getJobCounts('waiting'));
    }
    const ok = Object.values(checks).every((result) => result === 'ok');
    return reply.code(ok ? 200 : 503).send({ ok, checks });
  });
}

/**
 * `GET /metrics` in the Prometheus text format. Without a token it is public (it holds counts, never text or
 * names): bind the desk to a private address or set a token, which scrapers send as `Authorization: Bearer`.
 */
export function registerPrometheus(
  server: FastifyInstance,
  exporter: PrometheusExporter,
  token: string | null,
): void {
  server.get('/metrics', { config: { public: true } }, async (request, reply) => {
    if (token !== null) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (match?.[1] === undefined || !safeEqual(match[1], token)) {
        return sendError(reply, unauthorized('Send the metrics token as Authorization: Bearer'));
      }
    }
    const text = await exporter.render();
    return reply.type(exporter.contentType).send(text);
  });
}

/**
 * Bull Board at /admin/queues for admins only: every route it adds, its static assets included, is marked
 * `minRole: admin` so the auth hook refuses everyone else. Read-only: retrying or removing jobs from there
 * would bypass the audit log, and its requests carry no CSRF token.
 */
export function registerBullBoard(server: FastifyInstance, queues: DeskQueues): void {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.all.map(({ queue }) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'earshot queues' } },
  });
  server.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: false, minRole: 'admin' };
    });
    await scope.register(adapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
  });
}
