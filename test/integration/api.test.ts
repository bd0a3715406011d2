import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DraftActionError,
  type Actor,
  type DraftErrorCode,
  type DraftService,
} from '../../src/app/drafts.js';
import { createDeskServer, type DeskServerDeps } from '../../src/desk/server.js';
import type { DraftRecord } from '../../src/store/drafts.js';
import { redisKeys } from '../../src/store/keys.js';
import { createUserStore, type UserStore, type UserStoreOptions } from '../../src/store/users.js';
import { captureLogs, type CapturedLog } from '../helpers/log-capture.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const PASSWORD = 'a long enough password';

function draft(id: string, overrides: Partial<DraftRecord> = {}): DraftRecord {
  return {
    id,
    caseId: `case-${id}`,
    source: 'x-mentions',
    mentionId: '1860000000000000001',
    authorId: '42',
    authorUsername: 'sam',
    kind: 'first-reply',
    channel: 'public-reply',
    text: 'Hi Sam, sorry about that. We are looking into it.',
    templateId: 'ack-generic',
    origin: 'template',
    automated: true,
    status: 'pending_approval',
    severity: 'P2',
    category: 'bug',
    confidence: 0.9,
    deadline: '2026-03-01T12:00:00.000Z',
    approvalReasons: [],
    ruleId: 'default',
    ruleVersion: '1',
    classifierVersion: '1',
    createdAt: '2026-03-01T11:00:00.000Z',
    createdBy: 'earshot',
    decidedAt: null,
    decidedBy: null,
    note: null,
    editedFrom: null,
    sentAt: null,
    platformResponseId: null,
    failure: null,
    ...overrides,
  } as DraftRecord;
}

interface FakeDrafts extends DraftService {
  records: Map<string, DraftRecord>;
  /** Every call that reached the service, with the actor: what the audit log would record. */
  calls: Array<{ action: string; id?: string; actor?: Actor }>;
  /** The next action throws this code. */
  failNext: DraftErrorCode | null;
}

/** The DraftService contract in memory: the real one is integration-tested with the pipeline. */
function fakeDrafts(initial: DraftRecord[]): FakeDrafts {
  const records = new Map(initial.map((record) => [record.id, record]));
  const fake: FakeDrafts = {
    records,
    calls: [],
    failNext: null,

    async list(filter = {}) {
      fake.calls.push({ action: 'list' });
      const all = [...records.values()];
      if (filter.caseId !== undefined) {
        return all.filter(
          (record) =>
            record.caseId === filter.caseId &&
            (filter.status === undefined || record.status === filter.status),
        );
      }
      return all.filter((record) => record.status === (filter.status ?? 'pending_approval'));
    },

    async get(id) {
      fake.calls.push({ action: 'get', id });
      return records.get(id) ?? null;
    },

    async approve(id, actor) {
      const record = decide('approve', id, actor);
      return store({ ...record, status: 'approved', decidedBy: actor.name });
    },

    async reject(id, actor, note) {
      const record = decide('reject', id, actor);
      return store({ ...record, status: 'rejected', decidedBy: actor.name, note });
    },

    async edit(id, actor, text) {
      const record = decide('edit', id, actor);
      if (text.trim() === '' || text.length > 280) {
        throw new DraftActionError('invalid-text', 'The reply text is empty or too long');
      }
      store({ ...record, status: 'superseded', decidedBy: actor.name });
      return store({
        ...record,
        id: `edit-${id}`,
        text: text.trim(),
        origin: 'edited',
        createdBy: actor.name,
        editedFrom: id,
      });
    },
  };

  function store(record: DraftRecord): DraftRecord {
    records.set(record.id, record);
    return record;
  }

  function decide(action: string, id: string, actor: Actor): DraftRecord {
    fake.calls.push({ action, id, actor });
    if (fake.failNext !== null) {
      const code = fake.failNext;
      fake.failNext = null;
      throw new DraftActionError(code, `refused: ${code}`);
    }
    if (actor.role === 'viewer') {
      throw new DraftActionError('forbidden', 'viewers cannot decide');
    }
    const record = records.get(id);
    if (record === undefined) {
      throw new DraftActionError('not-found', `No draft ${id}`);
    }
    if (record.status !== 'pending_approval') {
      throw new DraftActionError('not-pending', `Draft ${id} is ${record.status}`);
    }
    return record;
  }

  return fake;
}

interface World {
  prefix: string;
  redis: Redis;
  users: UserStore;
  drafts: FakeDrafts;
  server: FastifyInstance;
  logs: CapturedLog[];
}

// Every world a test set up, including one it replaced: each is closed and its keys deleted afterwards.
let worlds: World[] = [];

function setUp(
  options: { store?: UserStoreOptions; server?: Partial<DeskServerDeps> } = {},
): World {
  const prefix = uniquePrefix();
  const redis = new Redis(REDIS_URL);
  const users = createUserStore(redis, redisKeys(prefix), options.store);
  const drafts = fakeDrafts([
    draft('ack-x-3', { deadline: '2026-03-01T15:00:00.000Z' }),
    draft('ack-x-1', { deadline: '2026-03-01T12:00:00.000Z' }),
    draft('ack-x-2', { deadline: '2026-03-01T13:00:00.000Z' }),
    draft('ack-x-9', { status: 'sent' }),
  ]);
  const { logger, lines } = captureLogs('debug');
  const server = createDeskServer({ drafts, users, logger, ...options.server });
  const world = { prefix, redis, users, drafts, server, logs: lines };
  worlds.push(world);
  return world;
}

afterEach(async () => {
  for (const world of worlds) {
    await world.server.close();
    world.redis.disconnect();
    await deletePrefix(world.prefix);
  }
  worlds = [];
});

async function tokenFor(users: UserStore, name: string, role: Actor['role']): Promise<string> {
  await users.addUser(name, role, PASSWORD);
  return (await users.createApiToken(name, 'test')).token;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

interface SignedIn {
  cookie: string;
  csrfToken: string;
  sessionId: string;
  response: LightMyRequestResponse;
}

async function signIn(
  server: FastifyInstance,
  name: string,
  password = PASSWORD,
): Promise<SignedIn> {
  const response = await server.inject({
    method: 'POST',
    url: '/api/session',
    payload: { name, password },
  });
  expect(response.statusCode).toBe(200);
  const sessionId =
    response.cookies.find((cookie) => cookie.name === 'earshot_session')?.value ?? '';
  const csrfToken = (response.json() as { csrfToken: string }).csrfToken;
  return { cookie: `earshot_session=${sessionId}`, csrfToken, sessionId, response };
}

describe('the JSON API: authentication comes first', () => {
  let w: World;
  beforeEach(() => {
    w = setUp();
  });

  it('answers /healthz without credentials, with the security headers', async () => {
    const response = await w.server.inject({ method: 'GET', url: '/healthz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it.each`
    what                                   | method    | url                              | headers                                              | payload
    ${'no credentials'}                    | ${'GET'}  | ${'/api/drafts'}                 | ${{}}                                                | ${undefined}
    ${'no credentials on a draft'}         | ${'GET'}  | ${'/api/drafts/ack-x-1'}         | ${{}}                                                | ${undefined}
    ${'an unknown draft id'}               | ${'POST'} | ${'/api/drafts/nope/approve'}    | ${{}}                                                | ${undefined}
    ${'a malformed JSON body'}             | ${'POST'} | ${'/api/drafts/nope/reject'}     | ${{ 'content-type': 'application/json' }}            | ${'{"note": '}
    ${'an invalid body'}                   | ${'POST'} | ${'/api/drafts/ack-x-1/edit'}    | ${{ 'content-type': 'application/json' }}            | ${'{"text": 42}'}
    ${'a non-JSON body'}                   | ${'POST'} | ${'/api/drafts/ack-x-1/reject'}  | ${{ 'content-type': 'text/plain' }}                  | ${'note'}
    ${'an invalid path parameter'}         | ${'GET'}  | ${'/api/drafts/%20%3Cscript%3E'} | ${{}}                                                | ${undefined}
    ${'an unknown route'}                  | ${'GET'}  | ${'/api/secrets'}                | ${{}}                                                | ${undefined}
    ${'a made-up token'}                   | ${'GET'}  | ${'/api/drafts'}                 | ${bearer('esk_' + 'a'.repeat(43))}                   | ${undefined}
    ${'a token of the wrong shape'}        | ${'GET'}  | ${'/api/drafts'}                 | ${bearer('hunter2')}                                 | ${undefined}
    ${'Basic auth'}                        | ${'GET'}  | ${'/api/drafts'}                 | ${{ authorization: 'Basic YW5hOnB3' }}               | ${undefined}
    ${'a made-up session cookie'}          | ${'GET'}  | ${'/api/drafts'}                 | ${{ cookie: 'earshot_session=' + 'b'.repeat(43) }}   | ${undefined}
    ${'a CSRF cookie without the session'} | ${'POST'} | ${'/api/drafts/ack-x-1/approve'} | ${{ cookie: 'earshot_csrf=x', 'x-csrf-token': 'x' }} | ${undefined}
    ${'an oversized body'}                 | ${'POST'} | ${'/api/drafts/ack-x-1/edit'}    | ${{ 'content-type': 'application/json' }}            | ${JSON.stringify({ text: 'x'.repeat(200_000) })}
  `(
    '401 for $what, before any route logic',
    async ({
      method,
      url,
      headers,
      payload,
    }: {
      method: 'GET' | 'POST';
      url: string;
      headers: Record<string, string>;
      payload: string | undefined;
    }) => {
      const response = await w.server.inject({ method, url, headers, payload });

      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
      expect(response.headers['www-authenticate']).toBe('Bearer realm="earshot"');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(w.drafts.calls).toEqual([]);
    },
  );

  it('401 once the session is destroyed or has expired', async () => {
    await w.users.addUser('ana', 'approver', PASSWORD);
    const session = await signIn(w.server, 'ana');
    const loggedOut = await w.server.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    });

    const afterLogout = await w.server.inject({
      method: 'GET',
      url: '/api/drafts',
      headers: { cookie: session.cookie },
    });

    expect(loggedOut.statusCode).toBe(204);
    expect(afterLogout.statusCode).toBe(401);
  });

  it('401 when the session has expired', async () => {
    await w.server.close();
    w = setUp({ store: { sessionTtlMs: 100 } });
    await w.users.addUser('ana', 'approver', PASSWORD);
    const session = await signIn(w.server, 'ana');
    await new Promise((resolve) => setTimeout(resolve, 250));

    const response = await w.server.inject({
      method: 'GET',
      url: '/api/drafts',
      headers: { cookie: session.cookie },
    });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('slides the session on each request', async () => {
    await w.server.close();
    w = setUp({ store: { sessionTtlMs: 400 } });
    await w.users.addUser('ana', 'approver', PASSWORD);
    const session = await signIn(w.server, 'ana');

    for (let step = 0; step < 4; step += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const response = await w.server.inject({
        method: 'GET',
        url: '/api/drafts',
        headers: { cookie: session.cookie },
      });
      expect(response.statusCode).toBe(200);
    }
  });

  it("401 for a removed user's token and session", async () => {
    const token = await tokenFor(w.users, 'ana', 'approver');
    const session = await signIn(w.server, 'ana');
    await w.users.removeUser('ana');
    await w.users.addUser('ana', 'admin', 'another good password');

    const byToken = await w.server.inject({
      method: 'GET',
      url: '/api/drafts',
      headers: bearer(token),
    });
    const bySession = await w.server.inject({
      method: 'GET',
      url: '/api/drafts',
      headers: { cookie: session.cookie },
    });

    expect(byToken.statusCode).toBe(401);
    expect(bySession.statusCode).toBe(401);
  });

  it('401 for a revoked token', async () => {
    const token = await tokenFor(w.users, 'ana', 'approver');
    await w.users.revokeApiToken(token);

    const response = await w.server.inject({
      method: 'GET',
      url: '/api/drafts',
      headers: bearer(token),
    });

    expect(response.statusCode).toBe(401);
  });

  it('does not fall back to the session cookie when the Authorization header is bad', async () => {
    await w.users.addUser('ana', 'approver', PASSWORD);
    const session = await signIn(w.server, 'ana');

    const response = await w.server.inject({
      method: 'GET',
      url: '/api/drafts',
      headers: { cookie: session.cookie, ...bearer('esk_' + 'a'.repeat(43)) },
    });

    expect(response.statusCode).toBe(401);
  });
});

describe('the JSON API: roles and drafts', () => {
  let w: World;
  let viewer: string;
  let approver: string;
  let admin: string;
  beforeEach(async () => {
    w = setUp();
    viewer = await tokenFor(w.users, 'vic', 'viewer');
    approver = await tokenFor(w.users, 'ana', 'approver');
    admin = await tokenFor(w.users, 'root', 'admin');
  });

  it('lets a viewer list pending drafts, nearest deadline first', async () => {
    const response = await w.server.inject({
      method: 'GET',
      url: '/api/drafts',
      headers: bearer(viewer),
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const { data } = response.json() as { data: DraftRecord[] };
    expect(data.map((record) => record.id)).toEqual(['ack-x-1', 'ack-x-2', 'ack-x-3']);
  });

  it('filters by status and case', async () => {
    const byStatus = await w.server.inject({
      method: 'GET',
      url: '/api/drafts?status=sent',
      headers: bearer(viewer),
    });
    const byCase = await w.server.inject({
      method: 'GET',
      url: '/api/drafts?caseId=case-ack-x-2',
      headers: bearer(viewer),
    });

    expect((byStatus.json() as { data: DraftRecord[] }).data.map((record) => record.id)).toEqual([
      'ack-x-9',
    ]);
    expect((byCase.json() as { data: DraftRecord[] }).data.map((record) => record.id)).toEqual([
      'ack-x-2',
    ]);
  });

  it('returns one draft, or 404', async () => {
    const found = await w.server.inject({
      method: 'GET',
      url: '/api/drafts/ack-x-2',
      headers: bearer(viewer),
    });
    const missing = await w.server.inject({
      method: 'GET',
      url: '/api/drafts/ack-x-404',
      headers: bearer(viewer),
    });

    expect(found.statusCode).toBe(200);
    expect((found.json() as { data: DraftRecord }).data.id).toBe('ack-x-2');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'not-found', message: 'No draft ack-x-404' });
  });

  it.each`
    action
    ${'approve'}
    ${'reject'}
    ${'edit'}
  `(
    '403 for a viewer who tries to $action, before the service is asked',
    async ({ action }: { action: string }) => {
      const response = await w.server.inject({
        method: 'POST',
        url: `/api/drafts/ack-x-1/${action}`,
        headers: bearer(viewer),
        payload: { note: 'no', text: 'no' },
      });

      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({
        error: 'forbidden',
        message: expect.stringContaining('viewer'),
      });
      expect(w.drafts.calls.filter((call) => call.action === action)).toEqual([]);
    },
  );

  it('lets an approver approve, recording who', async () => {
    const response = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/approve',
      headers: bearer(approver),
    });

    expect(response.statusCode).toBe(200);
    expect((response.json() as { data: DraftRecord }).data).toMatchObject({
      id: 'ack-x-1',
      status: 'approved',
      decidedBy: 'ana',
    });
    expect(w.drafts.calls).toContainEqual({
      action: 'approve',
      id: 'ack-x-1',
      actor: { name: 'ana', role: 'approver' },
    });
  });

  it('accepts an approve with an empty JSON body', async () => {
    const response = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/approve',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      payload: '',
    });

    expect(response.statusCode).toBe(200);
  });

  it('lets an approver reject with a note', async () => {
    const response = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-2/reject',
      headers: bearer(approver),
      payload: { note: '  Tone is off; ask about the order first.  ' },
    });

    expect(response.statusCode).toBe(200);
    expect((response.json() as { data: DraftRecord }).data).toMatchObject({
      status: 'rejected',
      note: 'Tone is off; ask about the order first.',
      decidedBy: 'ana',
    });
  });

  it('lets an admin edit, answering with the new draft', async () => {
    const response = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-3/edit',
      headers: bearer(admin),
      payload: { text: 'Hi Sam, we are sorry. Could you DM us the order number?' },
    });

    expect(response.statusCode).toBe(200);
    expect((response.json() as { data: DraftRecord }).data).toMatchObject({
      id: 'edit-ack-x-3',
      editedFrom: 'ack-x-3',
      text: 'Hi Sam, we are sorry. Could you DM us the order number?',
      createdBy: 'root',
    });
  });

  it.each`
    code              | status
    ${'not-found'}    | ${404}
    ${'not-pending'}  | ${409}
    ${'forbidden'}    | ${403}
    ${'invalid-text'} | ${422}
  `(
    'maps DraftActionError $code to $status',
    async ({ code, status }: { code: DraftErrorCode; status: number }) => {
      w.drafts.failNext = code;

      const response = await w.server.inject({
        method: 'POST',
        url: '/api/drafts/ack-x-1/approve',
        headers: bearer(approver),
      });

      expect(response.statusCode).toBe(status);
      expect(response.json()).toEqual({ error: code, message: `refused: ${code}` });
    },
  );

  it('409 when approving a draft twice, 404 for an unknown one, 422 for a blank edit', async () => {
    const first = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/approve',
      headers: bearer(approver),
    });
    const again = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/approve',
      headers: bearer(approver),
    });
    const unknown = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-404/approve',
      headers: bearer(approver),
    });
    const blank = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-2/edit',
      headers: bearer(approver),
      payload: { text: '   ' },
    });

    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'not-pending' });
    expect(unknown.statusCode).toBe(404);
    expect(blank.statusCode).toBe(422);
    expect(blank.json()).toMatchObject({ error: 'invalid-text' });
  });

  it.each`
    what                          | url                             | payload                          | path
    ${'a missing note'}           | ${'/api/drafts/ack-x-1/reject'} | ${{}}                            | ${'note'}
    ${'a blank note'}             | ${'/api/drafts/ack-x-1/reject'} | ${{ note: '   ' }}               | ${'note'}
    ${'a long note'}              | ${'/api/drafts/ack-x-1/reject'} | ${{ note: 'n'.repeat(1001) }}    | ${'note'}
    ${'a note of the wrong type'} | ${'/api/drafts/ack-x-1/reject'} | ${{ note: 7 }}                   | ${'note'}
    ${'a missing text'}           | ${'/api/drafts/ack-x-1/edit'}   | ${{}}                            | ${'text'}
    ${'an empty text'}            | ${'/api/drafts/ack-x-1/edit'}   | ${{ text: '' }}                  | ${'text'}
    ${'a text over 10 000'}       | ${'/api/drafts/ack-x-1/edit'}   | ${{ text: 't'.repeat(10_001) }}  | ${'text'}
    ${'an unknown field'}         | ${'/api/drafts/ack-x-1/edit'}   | ${{ text: 'ok', sendNow: true }} | ${'body'}
    ${'an array body'}            | ${'/api/drafts/ack-x-1/edit'}   | ${['text']}                      | ${'body'}
  `(
    '400 naming the field for $what',
    async ({ url, payload, path }: { url: string; payload: unknown; path: string }) => {
      const response = await w.server.inject({
        method: 'POST',
        url,
        headers: { ...bearer(approver), 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });

      expect(response.statusCode).toBe(400);
      const body = response.json() as {
        error: string;
        message: string;
        issues: Array<{ path: string }>;
      };
      expect(body.error).toBe('invalid-request');
      expect(body.issues.map((issue) => issue.path)).toContain(path);
      expect(body.message).toContain(path);
      expect(w.drafts.calls.filter((call) => call.action !== 'list')).toEqual([]);
    },
  );

  it('400 naming the query field for an unknown status', async () => {
    const response = await w.server.inject({
      method: 'GET',
      url: '/api/drafts?status=maybe',
      headers: bearer(viewer),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: 'invalid-request',
      issues: [{ path: 'status', message: expect.any(String) }],
    });
  });

  it('400 for malformed JSON from an authenticated caller', async () => {
    const response = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/reject',
      headers: { ...bearer(approver), 'content-type': 'application/json' },
      payload: '{"note": ',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'invalid-request',
      message: 'The request body is not valid JSON',
    });
  });

  it.each`
    contentType
    ${'text/plain'}
    ${'application/x-www-form-urlencoded'}
    ${'multipart/form-data; boundary=x'}
  `('415 for a $contentType body', async ({ contentType }: { contentType: string }) => {
    const response = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/reject',
      headers: { ...bearer(approver), 'content-type': contentType },
      payload: 'note=hello',
    });

    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ error: 'unsupported-media-type' });
    expect(w.drafts.calls).toEqual([]);
  });

  it('404 with the API error shape for unknown routes', async () => {
    const response = await w.server.inject({
      method: 'GET',
      url: '/api/nothing',
      headers: bearer(viewer),
    });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'not-found', message: 'No route GET /api/nothing' });
  });

  it('500 with a generic message when the service breaks, logging the error', async () => {
    w.drafts.get = async () => {
      throw new Error('Redis went away');
    };

    const response = await w.server.inject({
      method: 'GET',
      url: '/api/drafts/ack-x-1',
      headers: bearer(viewer),
    });

    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'internal', message: expect.any(String) });
    expect(JSON.stringify(response.json())).not.toContain('Redis went away');
    expect(w.logs.some((line) => line.msg === 'API request failed')).toBe(true);
  });
});

describe('the JSON API: sessions and CSRF', () => {
  let w: World;
  beforeEach(async () => {
    w = setUp();
    await w.users.addUser('ana', 'approver', PASSWORD);
  });

  it('signs in with an httpOnly, SameSite=Strict, Path=/ cookie and returns the CSRF token', async () => {
    const { response, csrfToken } = await signIn(w.server, 'ana');

    expect(response.json()).toEqual({ user: { name: 'ana', role: 'approver' }, csrfToken });
    const cookies = response.headers['set-cookie'] as string[];
    const session = cookies.find((cookie) => cookie.startsWith('earshot_session='));
    const csrf = cookies.find((cookie) => cookie.startsWith('earshot_csrf='));
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).toMatch(/; Path=\//);
    expect(session).not.toMatch(/; Secure/);
    expect(csrf).toBe(`earshot_csrf=${csrfToken}; Path=/; SameSite=Strict`);
  });

  it('marks cookies Secure behind an https proxy when trusted', async () => {
    await w.server.close();
    w = setUp({ server: { trustProxy: true } });
    await w.users.addUser('ana', 'approver', PASSWORD);

    const response = await w.server.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { name: 'ana', password: PASSWORD },
    });

    expect(response.statusCode).toBe(200);
    for (const cookie of response.headers['set-cookie'] as string[]) {
      expect(cookie).toMatch(/; Secure/);
    }
  });

  it('marks cookies Secure when told to', async () => {
    await w.server.close();
    w = setUp({ server: { secureCookies: true } });
    await w.users.addUser('ana', 'approver', PASSWORD);

    const { response } = await signIn(w.server, 'ana');

    for (const cookie of response.headers['set-cookie'] as string[]) {
      expect(cookie).toMatch(/; Secure/);
    }
  });

  it('tells who is signed in', async () => {
    const { cookie, csrfToken } = await signIn(w.server, 'ana');

    const response = await w.server.inject({
      method: 'GET',
      url: '/api/session',
      headers: { cookie },
    });

    expect(response.json()).toEqual({
      user: { name: 'ana', role: 'approver' },
      via: 'session',
      csrfToken,
    });
  });

  it('needs the CSRF header for cookie-authenticated changes', async () => {
    const { cookie, csrfToken } = await signIn(w.server, 'ana');

    const without = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/approve',
      headers: { cookie },
    });
    const wrong = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/approve',
      headers: { cookie: `${cookie}; earshot_csrf=forged`, 'x-csrf-token': 'forged' },
    });
    const logout = await w.server.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: { cookie },
    });
    const right = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/approve',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });

    for (const refused of [without, wrong, logout]) {
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ error: 'csrf' });
    }
    expect(right.statusCode).toBe(200);
    expect(w.drafts.calls.filter((call) => call.action === 'approve')).toHaveLength(1);
  });

  it("does not accept another session's CSRF token", async () => {
    await w.users.addUser('bo', 'approver', PASSWORD);
    const ana = await signIn(w.server, 'ana');
    const bo = await signIn(w.server, 'bo');

    const response = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/approve',
      headers: { cookie: ana.cookie, 'x-csrf-token': bo.csrfToken },
    });

    expect(response.statusCode).toBe(403);
  });

  it('does not need CSRF for reads or for bearer tokens', async () => {
    const { cookie } = await signIn(w.server, 'ana');
    const { token } = await w.users.createApiToken('ana', 'ci');

    const read = await w.server.inject({ method: 'GET', url: '/api/drafts', headers: { cookie } });
    const bearerPost = await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/approve',
      headers: bearer(token),
    });

    expect(read.statusCode).toBe(200);
    expect(bearerPost.statusCode).toBe(200);
  });

  it('signs out, clearing the cookies', async () => {
    const { cookie, csrfToken } = await signIn(w.server, 'ana');

    const response = await w.server.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });

    expect(response.statusCode).toBe(204);
    const cleared = response.cookies.map((each) => [each.name, each.value]);
    expect(cleared).toEqual([
      ['earshot_session', ''],
      ['earshot_csrf', ''],
    ]);
  });

  it('ends the old session when someone signs in again with its cookie', async () => {
    const first = await signIn(w.server, 'ana');

    const second = await w.server.inject({
      method: 'POST',
      url: '/api/session',
      headers: { cookie: first.cookie },
      payload: { name: 'ana', password: PASSWORD },
    });
    const old = await w.server.inject({
      method: 'GET',
      url: '/api/session',
      headers: { cookie: first.cookie },
    });

    expect(second.statusCode).toBe(200);
    expect(old.statusCode).toBe(401);
  });

  it('answers a wrong password and an unknown name alike', async () => {
    const wrongPassword = await w.server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { name: 'ana', password: 'not the password' },
    });
    const unknownName = await w.server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { name: 'nobody', password: 'not the password' },
    });

    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownName.statusCode).toBe(401);
    expect(unknownName.json()).toEqual(wrongPassword.json());
    expect(wrongPassword.cookies).toEqual([]);
  });

  it('400 for a sign-in without a password', async () => {
    const response = await w.server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { name: 'ana' },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ issues: [{ path: 'password' }] });
  });

  it('429 with Retry-After after 5 failed sign-ins for a name, even with the right password', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await w.server.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: `10.0.0.${attempt + 1}`,
        payload: { name: 'ana', password: `guess number ${attempt}` },
      });
      statuses.push(response.statusCode);
    }

    const blocked = await w.server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { name: 'ana', password: PASSWORD },
    });

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ error: 'rate-limited' });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(blocked.cookies).toEqual([]);
  });

  it('throttles unknown names the same way, so the limit does not reveal who exists', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await w.server.inject({
        method: 'POST',
        url: '/api/session',
        payload: { name: 'nobody', password: `guess number ${attempt}` },
      });
    }

    const blocked = await w.server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { name: 'nobody', password: 'guess again' },
    });

    expect(blocked.statusCode).toBe(429);
  });

  it('429 for an address that keeps failing across names, not for other addresses', async () => {
    await w.server.close();
    w = setUp({ store: { loginLimits: { perName: 5, perIp: 3, windowMs: 60_000 } } });
    await w.users.addUser('ana', 'approver', PASSWORD);
    for (const name of ['a1', 'a2', 'a3']) {
      await w.server.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: '203.0.113.7',
        payload: { name, password: 'spray spray spray' },
      });
    }

    const sameAddress = await w.server.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: '203.0.113.7',
      payload: { name: 'ana', password: PASSWORD },
    });
    const otherAddress = await w.server.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: '198.51.100.1',
      payload: { name: 'ana', password: PASSWORD },
    });

    expect(sameAddress.statusCode).toBe(429);
    expect(otherAddress.statusCode).toBe(200);
  });

  it('restarts the name counter after a successful sign-in', async () => {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await w.server.inject({
        method: 'POST',
        url: '/api/session',
        payload: { name: 'ana', password: `guess number ${attempt}` },
      });
    }
    await signIn(w.server, 'ana');

    const failed = await w.server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { name: 'ana', password: 'one more typo' },
    });
    const again = await w.server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { name: 'ana', password: PASSWORD },
    });

    expect(failed.statusCode).toBe(401);
    expect(again.statusCode).toBe(200);
  });
});

describe('the JSON API: logs', () => {
  it('never contain credentials, cookies, CSRF tokens, passwords or bodies', async () => {
    const w = setUp();
    const token = await tokenFor(w.users, 'ana', 'approver');
    const note = 'a very particular rejection note';

    const session = await signIn(w.server, 'ana');
    await w.server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { name: PASSWORD, password: 'typed into the wrong field' },
    });
    await w.server.inject({ method: 'GET', url: '/api/drafts', headers: bearer(token) });
    await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-1/reject',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
      payload: { note },
    });
    await w.server.inject({
      method: 'POST',
      url: '/api/drafts/ack-x-2/approve',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: '{"broken": ',
    });
    w.drafts.get = async () => {
      throw new Error('boom');
    };
    await w.server.inject({ method: 'GET', url: '/api/drafts/ack-x-1', headers: bearer(token) });

    w.server.log.info(
      {
        req: { headers: { authorization: `Bearer ${token}`, cookie: session.cookie } },
        headers: { cookie: session.cookie },
        body: { note },
        login: { password: PASSWORD },
      },
      'whatever a route might log',
    );

    const printed = JSON.stringify(w.logs);
    expect(w.logs.filter((line) => line.msg === 'API request').length).toBeGreaterThanOrEqual(4);
    expect(w.logs.some((line) => line.msg === 'Sign-in failed')).toBe(true);
    expect(w.logs.find((line) => line.msg === 'whatever a route might log')).toMatchObject({
      headers: { cookie: '[redacted]' },
      body: '[redacted]',
      login: { password: '[redacted]' },
    });
    for (const secret of [
      token,
      token.slice(4),
      PASSWORD,
      'typed into the wrong field',
      session.sessionId,
      session.csrfToken,
      note,
      'broken',
      'authorization',
      'earshot_session',
    ]) {
      expect(printed).not.toContain(secret);
    }
  });
});
