import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStateChange } from '../../src/app/case-state.js';
import type { Role } from '../../src/app/drafts.js';
import type { SlaMetrics } from '../../src/core/sla-metrics.js';
import type { CaseDetail } from '../../src/desk/routes/cases.js';
import { createDeskServer } from '../../src/desk/server.js';
import { caseIdFor } from '../../src/store/cases.js';
import { redisKeys } from '../../src/store/keys.js';
import type { PersonItem } from '../../src/store/people-queue.js';
import { createUserStore } from '../../src/store/users.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const PASSWORD = 'a long enough password';
const HOUR = 60 * 60 * 1000;

let offsetMs = 0;
let harness: Harness;
let server: FastifyInstance;
let publicDir: string;
const tokens = {} as Record<Role, string>;
/** Worked through its life cycle by the tests below, in order. */
let caseId: string;
/** A second case whose people item is marked done by hand. */
let otherCaseId: string;

function bearer(role: Role): Record<string, string> {
  return { authorization: `Bearer ${tokens[role]}` };
}

async function changeState(id: string, payload: object, role: Role = 'approver') {
  return server.inject({
    method: 'POST',
    url: `/api/cases/${encodeURIComponent(id)}/state`,
    headers: bearer(role),
    payload,
  });
}

async function people(open: boolean): Promise<PersonItem[]> {
  const response = await server.inject({
    method: 'GET',
    url: `/api/people?open=${open}`,
    headers: bearer('viewer'),
  });
  return (response.json() as { data: PersonItem[] }).data;
}

async function caseDetail(id: string): Promise<CaseDetail> {
  const response = await server.inject({
    method: 'GET',
    url: `/api/cases/${encodeURIComponent(id)}`,
    headers: bearer('viewer'),
  });
  return (response.json() as { data: CaseDetail }).data;
}

async function escalate(id: string): Promise<{ item: PersonItem; created: boolean }> {
  const response = await server.inject({
    method: 'POST',
    url: `/api/cases/${encodeURIComponent(id)}/escalate`,
    headers: bearer('approver'),
    payload: {},
  });
  return (response.json() as { data: { item: PersonItem; created: boolean } }).data;
}

async function caseOf(text: string, username: string): Promise<string> {
  const mentionId = await harness.mention(text, { username, name: username });
  await harness.app.pollOnce('x-mentions');
  await harness.app.drain();
  const stored = await harness.app.context.mentions.get('x-mentions', mentionId);
  if (stored === null) {
    throw new Error(`expected ${mentionId} to be stored`);
  }
  return caseIdFor(stored.mention);
}

beforeAll(async () => {
  harness = await startHarness({ clock: () => Date.now() + offsetMs });
  await harness.app.start({ schedule: false });
  const users = createUserStore(harness.redis, redisKeys(harness.prefix), {
    scrypt: { N: 1024, r: 8, p: 1 },
  });
  for (const role of ['viewer', 'approver', 'admin'] as const) {
    await users.addUser(`${role}-1`, role, PASSWORD);
    tokens[role] = (await users.createApiToken(`${role}-1`, 'test')).token;
  }
  publicDir = mkdtempSync(join(tmpdir(), 'earshot-desk-'));
  writeFileSync(join(publicDir, 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(publicDir, 'app.js'), 'export {};');
  server = createDeskServer({
    app: harness.app,
    users,
    logger: harness.app.context.logger,
    publicDir,
    bullBoard: false,
  });
  caseId = await caseOf('@acme the website is down for me', 'sam');
  otherCaseId = await caseOf('@acme checkout is broken and I cannot pay', 'kim');
});

afterAll(async () => {
  await server?.close();
  await harness?.close();
  rmSync(publicDir, { recursive: true, force: true });
});

describe('case state and people done: who may do what', () => {
  it.each`
    url
    ${'/api/cases/x-1/state'}
    ${'/api/people/item-1/done'}
  `('401 for POST $url without credentials', async ({ url }) => {
    const response = await server.inject({
      method: 'POST',
      url: url as string,
      payload: { to: 'resolved' },
    });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'unauthorized' });
  });

  it.each`
    url                          | payload
    ${'/api/cases/x-1/state'}    | ${{ to: 'resolved' }}
    ${'/api/people/item-1/done'} | ${{}}
  `('403 for a viewer on $url', async ({ url, payload }) => {
    const response = await server.inject({
      method: 'POST',
      url: url as string,
      headers: bearer('viewer'),
      payload: payload as object,
    });

    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'forbidden' });
  });

  it('refuses a cookie-authenticated state change without the CSRF header', async () => {
    const login = await server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { name: 'approver-1', password: PASSWORD },
    });
    const session = login.cookies.find((cookie) => cookie.name === 'earshot_session')?.value;

    const response = await server.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/state`,
      headers: { cookie: `earshot_session=${session}` },
      payload: { to: 'invalid' },
    });

    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'csrf' });
    expect((await harness.app.context.cases.get(caseId))?.state).toBe('new');
  });

  it.each`
    payload                                       | path
    ${{}}                                         | ${'to'}
    ${{ to: 'open' }}                             | ${'to'}
    ${{ to: 'resolved', extra: 1 }}               | ${'body'}
    ${{ to: 'resolved', note: 'x'.repeat(1001) }} | ${'note'}
    ${{ to: 'resolved', note: 42 }}               | ${'note'}
  `('400 for the body $payload, naming $path', async ({ payload, path }) => {
    const response = await changeState(caseId, payload as object);

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: 'invalid-request',
      issues: [expect.objectContaining({ path })],
    });
  });

  it.each`
    url                                     | payload
    ${'/api/cases/x-404/state'}             | ${{ to: 'resolved' }}
    ${'/api/people/desk-escalation-x/done'} | ${{}}
  `('404 for $url', async ({ url, payload }) => {
    const response = await server.inject({
      method: 'POST',
      url: url as string,
      headers: bearer('approver'),
      payload: payload as object,
    });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not-found' });
  });
});

describe('case state: the life cycle over the API', () => {
  it('lists the allowed next states on the case page', async () => {
    const detail = await caseDetail(caseId);

    expect(detail.case.state).toBe('new');
    expect(detail.nextStates).toEqual([
      'acknowledged',
      'waiting_on_customer',
      'escalated',
      'resolved',
      'merged',
      'invalid',
    ]);
  });

  it('409 for a move the life cycle refuses, naming both states', async () => {
    const response = await changeState(caseId, { to: 'closed' });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      error: 'invalid-transition',
      message: expect.stringContaining(`Case ${caseId} cannot move from new to closed`),
    });
    expect((await harness.app.context.cases.get(caseId))?.state).toBe('new');
  });

  it('moves to waiting on customer, audited with the person', async () => {
    await escalate(caseId);

    const response = await changeState(caseId, { to: 'waiting_on_customer' });

    expect(response.statusCode).toBe(200);
    expect((response.json() as { data: CaseStateChange }).data).toMatchObject({
      from: 'escalated',
      to: 'waiting_on_customer',
      by: 'approver-1',
      note: null,
      resolvedAt: null,
      peopleDone: [],
    });
    const audit = await harness.app.context.audit.forCase(caseId);
    expect(audit.at(-1)).toMatchObject({
      outcome: 'state_changed',
      reason: 'case-waiting_on_customer',
      actor: 'approver-1',
      detail: 'escalated → waiting_on_customer',
      source: 'x-mentions',
    });
    expect((await people(true)).map((item) => item.caseId)).toContain(caseId);
  });

  it('resolves two hours on: resolvedAt, the audit record, and the case’s people items done', async () => {
    offsetMs = 2 * HOUR;

    const response = await changeState(caseId, { to: 'resolved', note: '  Refund sent  ' });

    expect(response.statusCode).toBe(200);
    const change = (response.json() as { data: CaseStateChange }).data;
    expect(change).toMatchObject({
      from: 'waiting_on_customer',
      to: 'resolved',
      note: 'Refund sent',
      peopleDone: [expect.stringMatching(/^desk-escalation-/)],
    });
    expect(change.resolvedAt).toBe(change.at);
    expect((await harness.app.context.cases.get(caseId))?.resolvedAt).toBe(change.at);
    expect((await harness.app.context.audit.forCase(caseId)).at(-1)).toMatchObject({
      outcome: 'state_changed',
      reason: 'case-resolved',
      actor: 'approver-1',
      detail: 'waiting_on_customer → resolved: Refund sent',
    });
    expect((await people(true)).map((item) => item.caseId)).not.toContain(caseId);
    expect(await people(false)).toEqual([
      expect.objectContaining({ caseId, doneBy: 'approver-1', doneAt: change.at }),
    ]);
    const detail = await caseDetail(caseId);
    expect(detail.case).toMatchObject({ state: 'resolved', resolvedAt: change.at });
    expect(detail.nextStates).toEqual(['closed', 'new']);
    expect(detail.people).toEqual([expect.objectContaining({ doneBy: 'approver-1' })]);
  });

  it('shows the time to resolution in GET /api/metrics', async () => {
    const response = await server.inject({
      method: 'GET',
      url: '/api/metrics',
      headers: bearer('viewer'),
    });

    expect(response.statusCode).toBe(200);
    const { data } = response.json() as { data: SlaMetrics };
    expect(data.totals.resolved).toBe(1);
    expect(data.ttr.overall.count).toBe(1);
    expect(data.ttr.overall.medianMs).toBeGreaterThanOrEqual(2 * HOUR - 60_000);
    expect(data.ttr.overall.medianMs).toBeLessThan(3 * HOUR);
    expect(data.ttr.bySeverity.P1.count).toBe(1);
    expect(data.ttr.byChannel['x-mentions'].count).toBe(1);
  });

  it.each`
    to                       | message
    ${'resolved'}            | ${'is already resolved'}
    ${'waiting_on_customer'} | ${'cannot move from resolved to waiting_on_customer: from resolved it can move to closed, new'}
  `('409 for resolved → $to', async ({ to, message }) => {
    const response = await changeState(caseId, { to: to as string });

    expect(response.statusCode).toBe(409);
    expect((response.json() as { message: string }).message).toContain(message as string);
  });

  it('closes, then reopens: the reopen counts in the reopen rate', async () => {
    offsetMs = 3 * HOUR;

    const closed = await changeState(caseId, { to: 'closed' });
    const reopened = await changeState(caseId, { to: 'new', note: 'Customer wrote again' });

    expect(closed.statusCode).toBe(200);
    expect(reopened.statusCode).toBe(200);
    expect((reopened.json() as { data: CaseStateChange }).data).toMatchObject({
      from: 'closed',
      to: 'new',
    });
    expect((await harness.app.context.audit.forCase(caseId)).at(-1)).toMatchObject({
      reason: 'case-new',
      detail: 'closed → new: Customer wrote again',
    });
    const metrics = await server.inject({
      method: 'GET',
      url: '/api/metrics',
      headers: bearer('viewer'),
    });
    expect((metrics.json() as { data: SlaMetrics }).data.reopen).toMatchObject({ reopened: 1 });
  });

  it('puts a done escalation back in the queue when the case is escalated again', async () => {
    const again = await escalate(caseId);

    expect(again.created).toBe(true);
    const waiting = (await people(true)).find((item) => item.caseId === caseId);
    expect(waiting).toBeDefined();
    expect(waiting?.doneAt).toBeUndefined();
  });
});

describe('people queue: marking an item done', () => {
  it('marks it done with the person, once, and the queue no longer lists it', async () => {
    const { item } = await escalate(otherCaseId);

    const first = await server.inject({
      method: 'POST',
      url: `/api/people/${encodeURIComponent(item.id)}/done`,
      headers: bearer('approver'),
    });
    const second = await server.inject({
      method: 'POST',
      url: `/api/people/${encodeURIComponent(item.id)}/done`,
      headers: bearer('admin'),
      payload: {},
    });

    expect(first.statusCode).toBe(200);
    const done = (first.json() as { data: PersonItem }).data;
    expect(done).toMatchObject({ id: item.id, caseId: otherCaseId, doneBy: 'approver-1' });
    expect(second.statusCode).toBe(200);
    expect((second.json() as { data: PersonItem }).data).toEqual(done);
    expect((await people(true)).map((entry) => entry.id)).not.toContain(item.id);
    expect((await people(false)).map((entry) => entry.id)).toContain(item.id);
    expect((await harness.app.context.people.list()).map((entry) => entry.id)).not.toContain(
      item.id,
    );
    expect((await caseDetail(otherCaseId)).people).toEqual([
      expect.objectContaining({ id: item.id, doneBy: 'approver-1' }),
    ]);
  });

  it('400 for a body with fields', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/people/some-item/done',
      headers: bearer('approver'),
      payload: { by: 'someone-else' },
    });

    expect(response.statusCode).toBe(400);
  });
});
