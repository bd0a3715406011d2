import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.js';
import { actorOf } from '../auth.js';
import { ApiError, parseRequest } from '../http.js';

export const PeopleQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** `true` (default): items still waiting; `false`: items marked done, most recently done first. */
  open: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
});
export type PeopleQuery = z.infer<typeof PeopleQuery>;

/** `<reason>-<source>-<post id>`; store review ids bring ':' and base64 characters. */
export const PersonItemParams = z.object({
  id: z
    .string()
    .min(1)
    .max(400)
    .regex(/^[A-Za-z0-9._:=+/-]+$/, 'Item ids are letters, digits and . _ : = + / -'),
});
export type PersonItemParams = z.infer<typeof PersonItemParams>;

/** Marking done takes no fields: no body, or `{}`. */
export const DoneBody = z.strictObject({}).optional();
export type DoneBody = z.infer<typeof DoneBody>;

/**
 * The people queue: escalations, keyword-search hits and unclear outcomes waiting for a person, oldest
 * first, and marking an item done.
 */
export function registerPeopleRoutes(server: FastifyInstance, app: App): void {
  const ctx = app.context;

  server.get('/api/people', async (request) => {
    const { limit, open } = parseRequest(PeopleQuery, request.query, 'query');
    return { data: await ctx.people.list(limit, { open }) };
  });

  server.post('/api/people/:id/done', { config: { minRole: 'approver' } }, async (request) => {
    const { id } = parseRequest(PersonItemParams, request.params, 'params');
    parseRequest(DoneBody, request.body, 'body');
    const item = await ctx.people.done(id, actorOf(request).name, ctx.now());
    if (item === null) {
      throw new ApiError(404, 'not-found', `No people-queue item ${id}`);
    }
    return { data: item };
  });
}
