import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { writeEvent, type DeskEvent, type EventHub } from '../events.js';
import { SECURITY_HEADERS } from '../http.js';

export interface EventRouteOptions {
  hub: EventHub;
  /** Comment lines keep proxies from closing an idle stream. */
  heartbeatMs: number;
}

/**
 * `GET /api/events`: a server-sent event stream, authenticated by the session cookie like every API route.
 * First a `hello` with the pending draft ids and the pause state, then `drafts` and `control` events.
 */
export function registerEventRoutes(server: FastifyInstance, options: EventRouteOptions): void {
  const open = new Set<ServerResponse>();

  server.addHook('preClose', async () => {
    // Open streams would keep server.close() waiting for ever.
    for (const stream of open) {
      stream.end();
    }
    options.hub.close();
  });

  server.get('/api/events', async (request, reply) => {
    const actor = actorOf(request);
    const stream = reply.raw;
    const listener = (event: DeskEvent) => {
      if (event.type === 'drafts') {
        writeEvent(stream, 'drafts', {
          pending: event.pending,
          added: event.added,
          removed: event.removed,
        });
        return;
      }
      writeEvent(stream, 'control', event.state);
    };
    const { snapshot, unsubscribe } = await options.hub.subscribe(listener);
    reply.hijack();
    stream.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    stream.write('retry: 3000\n\n');
    writeEvent(stream, 'hello', {
      user: actor,
      pending: snapshot.pending,
      control: snapshot.control,
    });
    open.add(stream);
    const heartbeat = setInterval(() => stream.write(': ping\n\n'), options.heartbeatMs);
    heartbeat.unref();
    const cleanup = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(stream);
    };
    request.raw.on('close', cleanup);
    stream.on('close', cleanup);
  });
}
