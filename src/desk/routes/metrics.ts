import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.js';
import { computeMetrics } from '../../app/report.js';
import { ApiError, parseRequest } from '../http.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longer ranges scan too many cases for an interactive page; the weekly report covers history. */
const MAX_RANGE_DAYS = 92;

const instant = z
  .string()
  .max(40)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'Expected an ISO date or date-time')
  .transform((value) => new Date(value));

export const MetricsQuery = z.strictObject({ from: instant.optional(), to: instant.optional() });
export type MetricsQuery = z.infer<typeof MetricsQuery>;

/** SLA metrics over cases posted in [from, to): the last 7 days by default. */
export function registerMetricsRoutes(server: FastifyInstance, app: App): void {
  server.get('/api/metrics', async (request) => {
    const query = parseRequest(MetricsQuery, request.query, 'query');
    const now = app.context.now();
    const to = query.to ?? now;
    const from = query.from ?? new Date(to.getTime() - 7 * DAY_MS);
    if (from.getTime() >= to.getTime()) {
      throw new ApiError(400, 'invalid-request', 'Invalid query: from must be before to', {
        issues: [{ path: 'from', message: 'must be before to' }],
      });
    }
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
      throw new ApiError(400, 'invalid-request', `Invalid query: at most ${MAX_RANGE_DAYS} days`, {
        issues: [{ path: 'from', message: `the range may span at most ${MAX_RANGE_DAYS} days` }],
      });
    }
    return { data: await computeMetrics(app.context, { from, to }, now) };
  });
}
