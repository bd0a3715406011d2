import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.js';
import { parseRequest } from '../http.js';

export const PeopleQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type PeopleQuery = z.infer<typeof PeopleQuery>;

/** The people queue: escalations, keyword-search hits and unclear outcomes waiting for a person, oldest first. */
export function registerPeopleRoutes(server: FastifyInstance, app: App): void {
  server.get('/api/people', async (request) => {
    const { limit } = parseRequest(PeopleQuery, request.query, 'query');
    return { data: await app.context.people.list(limit) };
  });
}
