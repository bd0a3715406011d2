import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeskServer } from '../../src/desk/server.js';
import { redisKeys } from '../../src/store/keys.js';
import { createUserStore } from '../../src/store/users.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const PASSWORD = 'a long enough password';

interface ServerSentEvent {
  event: string;
  data: unknown;
}

/** Reads server-sent events from a streaming response, one parsed event at a time. */
function eventReader(response: Response): { next(timeoutMs?: number): Promise<ServerSentEvent> } {
  const reader = response.body?.getReader();
  if (reader === undefined) {
    throw new Error('no body');
  }
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
          const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
          if (event !== undefined && data !== undefined) {
            return { event, data: JSON.parse(data) as unknown };
          }
          continue;
        }
        if (Date.now() > deadline) {
          throw new Error(`no event within ${timeoutMs} ms; buffer: ${buffer}`);
        }
        const { value, done } = await reader.read();
        if (done) {
          throw new Error('stream ended');
        }
        buffer += decoder.decode(value, { stream: true });
      }
    },
  };
}

let harness: Harness;
let server: FastifyInstance;
let base: string;
let cookie: string;

beforeEach(async () => {
  harness = await startHarness();
  await harness.app.start({ schedule: false });
  const users = createUserStore(harness.redis, redisKeys(harness.prefix), {
    scrypt: { N: 1024, r: 8, p: 1 },
  });
  await users.addUser('vera', 'viewer', PASSWORD);
  server = createDeskServer({
    app: harness.app,
    users,
    logger: harness.app.context.logger,
    eventsPollMs: 100,
    bullBoard: false,
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const login = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'vera', password: PASSWORD }),
  });
  const session = /earshot_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  cookie = `earshot_session=${session}`;
});

afterEach(async () => {
  await server.close();
  await harness.close();
});

describe('GET /api/events', () => {
  it('refuses a browser without a session', async () => {
    const response = await fetch(`${base}/api/events`);

    expect(response.status).toBe(401);
  });

  it('sends hello, then a drafts event when a new draft appears, and a control event on pause', async () => {
    const abort = new AbortController();
    const response = await fetch(`${base}/api/events`, {
      headers: { cookie, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    try {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      const events = eventReader(response);

      const hello = await events.next();
      await harness.mention('@acme the website is down for me');
      await harness.app.pollOnce('x-mentions');
      await harness.app.drain();
      const [draft] = await harness.app.drafts.list({ status: 'pending_approval' });
      const drafts = await events.next();
      await harness.app.pause('ana', 'incident');
      const control = await events.next();

      expect(hello).toEqual({
        event: 'hello',
        data: {
          user: { name: 'vera', role: 'viewer' },
          pending: [],
          control: { paused: false, by: null, at: null, reason: null },
        },
      });
      expect(drafts).toEqual({
        event: 'drafts',
        data: { pending: [draft?.id], added: [draft?.id], removed: [] },
      });
      expect(control).toMatchObject({
        event: 'control',
        data: { paused: true, by: 'ana', reason: 'incident' },
      });
    } finally {
      abort.abort();
    }
  });

  it('lets the server close while a stream is open', async () => {
    const abort = new AbortController();
    const response = await fetch(`${base}/api/events`, {
      headers: { cookie },
      signal: abort.signal,
    });
    await eventReader(response).next();

    const closed = await Promise.race([
      server.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 5000)),
    ]);

    expect(closed).toBe('closed');
    abort.abort();
  });
});
