import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.js';
import { actorOf } from '../auth.js';
import { parseRequest } from '../http.js';

export const PauseBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export type PauseBody = z.infer<typeof PauseBody>;

/** The kill switch: anyone may see it; approvers and admins may pull it (the audit log records who). */
export function registerControlRoutes(server: FastifyInstance, app: App): void {
  server.get('/api/control', async () => ({ data: await app.pauseState() }));

  server.post('/api/control/pause', { config: { minRole: 'approver' } }, async (request) => {
    const { reason } = parseRequest(PauseBody, request.body, 'body');
    await app.pause(actorOf(request).name, reason);
    return { data: await app.pauseState() };
  });

  server.post('/api/control/resume', { config: { minRole: 'approver' } }, async (request) => {
    parseRequest(z.strictObject({}).optional(), request.body, 'body');
    await app.resume(actorOf(request).name);
    return { data: await app.pauseState() };
  });
}
