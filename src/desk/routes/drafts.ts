import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DraftService } from '../../app/drafts.js';
import type { DraftRecord, DraftStatus } from '../../store/drafts.js';
import { actorOf } from '../auth.js';
import { ApiError, parseRequest } from '../http.js';

const DRAFT_STATUSES = [
  'pending_approval',
  'approved',
  'rejected',
  'superseded',
  'sent',
  'failed',
  'blocked',
] as const satisfies readonly DraftStatus[];

const draftId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'Draft ids are letters, digits and . _ : -');

export const DraftParams = z.object({ id: draftId });
export type DraftParams = z.infer<typeof DraftParams>;

export const DraftListQuery = z.strictObject({
  status: z.enum(DRAFT_STATUSES).optional(),
  caseId: z.string().min(1).max(200).optional(),
});
export type DraftListQuery = z.infer<typeof DraftListQuery>;

export const RejectBody = z.strictObject({ note: z.string().trim().min(1).max(1000) });
export type RejectBody = z.infer<typeof RejectBody>;

export const EditBody = z.strictObject({ text: z.string().min(1).max(10_000) });
export type EditBody = z.infer<typeof EditBody>;

function byDeadline(a: DraftRecord, b: DraftRecord): number {
  if (a.deadline === b.deadline) {
    return 0;
  }
  if (a.deadline === null) {
    return 1;
  }
  if (b.deadline === null) {
    return -1;
  }
  return Date.parse(a.deadline) - Date.parse(b.deadline);
}

/** The drafts API: viewers read, approvers and admins decide. Every decision is audited with the actor. */
export function registerDraftRoutes(server: FastifyInstance, drafts: DraftService): void {
  server.get('/api/drafts', async (request) => {
    const query = parseRequest(DraftListQuery, request.query, 'query');
    const filter: { status?: DraftStatus; caseId?: string } = {};
    if (query.status !== undefined) {
      filter.status = query.status;
    }
    if (query.caseId !== undefined) {
      filter.caseId = query.caseId;
    }
    const data = await drafts.list(filter);
    const pendingOnly = data.every((draft) => draft.status === 'pending_approval');
    return { data: pendingOnly ? [...data].sort(byDeadline) : data };
  });

  server.get('/api/drafts/:id', async (request) => {
    const { id } = parseRequest(DraftParams, request.params, 'params');
    const data = await drafts.get(id);
    if (data === null) {
      throw new ApiError(404, 'not-found', `No draft ${id}`);
    }
    return { data };
  });

  server.post('/api/drafts/:id/approve', { config: { minRole: 'approver' } }, async (request) => {
    const { id } = parseRequest(DraftParams, request.params, 'params');
    return { data: await drafts.approve(id, actorOf(request)) };
  });

  server.post('/api/drafts/:id/reject', { config: { minRole: 'approver' } }, async (request) => {
    const { id } = parseRequest(DraftParams, request.params, 'params');
    const { note } = parseRequest(RejectBody, request.body, 'body');
    return { data: await drafts.reject(id, actorOf(request), note) };
  });

  server.post('/api/drafts/:id/edit', { config: { minRole: 'approver' } }, async (request) => {
    const { id } = parseRequest(DraftParams, request.params, 'params');
    const { text } = parseRequest(EditBody, request.body, 'body');
    return { data: await drafts.edit(id, actorOf(request), text) };
  });
}
