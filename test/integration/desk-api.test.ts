import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/app/drafts.js';
import type { SlaMetrics } from '../../src/core/sla-metrics.js';
import type { CaseDetail, CaseSummary } from '../../src/desk/routes/cases.js';
import type { SettingsView } from '../../src/desk/routes/settings.js';
import { createDeskServer } from '../../src/desk/server.js';
import type { DraftRecord } from '../../src/store/drafts.js';
import { redisKeys } from '../../src/store/keys.js';
import type { PersonItem } from '../../src/store/people-queue.js';
import { createUserStore, type UserStore } from '../../src/store/users.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const PASSWORD = 'a long enough password';
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

let harness: Harness;
let users: UserStore;
let server: FastifyInstance;
let publicDir: string;
const tokens = {} as Record<Role, string>;
let caseId: string;
let pending: DraftRecord;

function bearer(role: Role): Record<string, string> {
  return { authorization: `Bearer ${tokens[role]}` };
}

beforeAll(async () => {
  harness = await startHarness();
  await harness.app.start({ schedule: false });
  users = createUserStore(harness.redis, redisKeys(harness.prefix), { scrypt: FAST_SCRYPT });
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
    eventsPollMs: 100,
  });
  await harness.mention('@acme the website is down for me');
  await harness.app.pollOnce('x-mentions');
  await harness.app.drain();
  const [first] = await harness.app.drafts.list({ status: 'pending_approval' });
  if (first === undefined) {
    throw new Error('expected a pending draft');
  }
  pending = first;
  caseId = first.caseId;
});

afterAll(async () => {
  await server.close();
  await harness.close();
  rmSync(publicDir, { recursive: true, force: true });
});

describe('desk API: who may do what', () => {
  it.each`
    method    | url
    ${'GET'}  | ${'/api/cases'}
    ${'GET'}  | ${'/api/cases/x-1'}
    ${'POST'} | ${'/api/cases/x-1/relabel'}
    ${'POST'} | ${'/api/cases/x-1/escalate'}
    ${'GET'}  | ${'/api/people'}
    ${'GET'}  | ${'/api/settings'}
    ${'GET'}  | ${'/api/control'}
    ${'POST'} | ${'/api/control/pause'}
    ${'POST'} | ${'/api/control/resume'}
    ${'GET'}  | ${'/api/metrics'}
    ${'GET'}  | ${'/api/events'}
    ${'GET'}  | ${'/admin/queues'}
    ${'GET'}  | ${'/admin/queues/api/queues'}
  `('401 for $method $url without credentials', async ({ method, url }) => {
    const response = await server.inject({ method: method as 'GET', url: url as string });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'unauthorized' });
  });

  it.each`
    method    | url                          | payload
    ${'POST'} | ${'/api/cases/x-1/relabel'}  | ${{ complaint: true }}
    ${'POST'} | ${'/api/cases/x-1/escalate'} | ${{}}
    ${'POST'} | ${'/api/control/pause'}      | ${{ reason: 'x' }}
    ${'POST'} | ${'/api/control/resume'}     | ${{}}
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

  it('refuses a cookie-authenticated change without the CSRF header', async () => {
    const login = await server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { name: 'approver-1', password: PASSWORD },
    });
    const session = login.cookies.find((cookie) => cookie.name === 'earshot_session')?.value;

    const response = await server.inject({
      method: 'POST',
      url: '/api/control/pause',
      headers: { cookie: `earshot_session=${session}` },
      payload: { reason: 'forged' },
    });

    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'csrf' });
    expect((await harness.app.pauseState()).paused).toBe(false);
  });

  it('keeps Bull Board and its assets for admins', async () => {
    const asApprover = await server.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: bearer('approver'),
    });
    const assetAsApprover = await server.inject({
      method: 'GET',
      url: '/admin/queues/static/images/logo.svg',
      headers: bearer('approver'),
    });
    const assetAnonymous = await server.inject({
      method: 'GET',
      url: '/admin/queues/static/images/logo.svg',
    });
    const asAdmin = await server.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: bearer('admin'),
    });
    const queuesAsAdmin = await server.inject({
      method: 'GET',
      url: '/admin/queues/api/queues',
      headers: bearer('admin'),
    });

    expect(asApprover.statusCode).toBe(403);
    expect(assetAsApprover.statusCode).toBe(403);
    expect(assetAnonymous.statusCode).toBe(401);
    expect(asAdmin.statusCode).toBe(200);
    expect(asAdmin.headers['content-type']).toContain('text/html');
    expect(queuesAsAdmin.statusCode).toBe(200);
    const names = (queuesAsAdmin.json() as { queues: Array<{ name: string }> }).queues.map(
      (queue) => queue.name,
    );
    expect(names.sort()).toEqual([
      'notify',
      'poll',
      'send-app-store',
      'send-google-play',
      'send-x-dm',
      'send-x-post',
      'triage',
      'watchdog',
    ]);
  });
});

describe('desk API: cases', () => {
  it('lists the case with its opening post, classification and decision', async () => {
    const response = await server.inject({
      method: 'GET',
      url: '/api/cases',
      headers: bearer('viewer'),
    });

    expect(response.statusCode).toBe(200);
    const body = response.json() as { data: CaseSummary[]; truncated: boolean };
    const found = body.data.find((item) => item.id === caseId);
    expect(found).toMatchObject({
      id: caseId,
      source: 'x-mentions',
      opening: { text: '@acme the website is down for me', author: { username: 'sam' } },
      effective: { complaint: true, severity: 'P1' },
      decision: { action: 'draft_for_approval' },
    });
    expect(body.truncated).toBe(false);
  });

  it.each`
    query                              | found
    ${'severity=P1'}                   | ${true}
    ${'severity=P3'}                   | ${false}
    ${'q=WEBSITE'}                     | ${true}
    ${'q=sam'}                         | ${true}
    ${'q=refund'}                      | ${false}
    ${'source=x-mentions'}             | ${true}
    ${'source=google-play'}            | ${false}
    ${'state=new'}                     | ${true}
    ${'state=resolved'}                | ${false}
    ${'from=2000-01-01&to=2999-01-01'} | ${true}
    ${'to=2000-01-01'}                 | ${false}
  `('filters by $query (found: $found)', async ({ query, found }) => {
    const response = await server.inject({
      method: 'GET',
      url: `/api/cases?${query as string}`,
      headers: bearer('viewer'),
    });

    expect(response.statusCode).toBe(200);
    const ids = (response.json() as { data: CaseSummary[] }).data.map((item) => item.id);
    expect(ids.includes(caseId)).toBe(found);
  });

  it.each`
    query
    ${'severity=P9'}
    ${'state=open'}
    ${'from=yesterday'}
    ${'colour=red'}
    ${'limit=0'}
  `('400 for ?$query with the issue named', async ({ query }) => {
    const response = await server.inject({
      method: 'GET',
      url: `/api/cases?${query as string}`,
      headers: bearer('viewer'),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid-request' });
  });

  it('shows one case with mentions, drafts, audit timeline and people items', async () => {
    const response = await server.inject({
      method: 'GET',
      url: `/api/cases/${caseId}`,
      headers: bearer('viewer'),
    });

    expect(response.statusCode).toBe(200);
    const { data } = response.json() as { data: CaseDetail };
    expect(data.case.id).toBe(caseId);
    expect(data.mentions).toHaveLength(1);
    expect(data.mentions[0]?.classification?.reasons.length).toBeGreaterThan(0);
    expect(data.drafts.map((draft) => draft.id)).toContain(pending.id);
    expect(data.audit.map((record) => record.outcome)).toEqual(
      expect.arrayContaining(['stored', 'drafted']),
    );
  });

  it.each`
    url                          | status
    ${'/api/cases/x-404'}        | ${404}
    ${'/api/cases/%3Cscript%3E'} | ${400}
  `('$status for $url', async ({ url, status }) => {
    const response = await server.inject({
      method: 'GET',
      url: url as string,
      headers: bearer('viewer'),
    });

    expect(response.statusCode).toBe(status);
  });

  it('relabels: the label is stored for training and audited with the person', async () => {
    const response = await server.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/relabel`,
      headers: bearer('approver'),
      payload: { complaint: true, category: 'account', severity: 'P2' },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      data: { caseId, complaint: 1, category: 'account', severity: 'P2', by: 'approver-1' },
    });
    const labels = await harness.app.context.labels.all();
    expect(labels).toEqual([
      expect.objectContaining({ caseId, category: 'account', by: 'approver-1' }),
    ]);
    const audit = await harness.app.context.audit.forCase(caseId);
    expect(audit.at(-1)).toMatchObject({
      outcome: 'relabeled',
      actor: 'approver-1',
      category: 'account',
      severity: 'P2',
    });
    const listed = await server.inject({
      method: 'GET',
      url: '/api/cases?severity=P2&category=account',
      headers: bearer('viewer'),
    });
    expect((listed.json() as { data: CaseSummary[] }).data.map((item) => item.id)).toContain(
      caseId,
    );
  });

  it.each`
    payload                                     | status
    ${{ complaint: true, category: 'weather' }} | ${400}
    ${{ complaint: 'yes' }}                     | ${400}
    ${{ complaint: true, severity: 'P7' }}      | ${400}
    ${{ complaint: true, extra: 1 }}            | ${400}
  `('relabel answers $status for $payload', async ({ payload, status }) => {
    const response = await server.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/relabel`,
      headers: bearer('approver'),
      payload: payload as object,
    });

    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ error: 'invalid-request' });
  });

  it("relabels to a trained model's category, named as its CSV names it, when the desk knows the model", async () => {
    const withModel = createDeskServer({
      app: harness.app,
      users,
      logger: harness.app.context.logger,
      publicDir,
      bullBoard: false,
      categories: ['billing', 'Late Flight'],
    });
    try {
      const relabel = (category: string) =>
        withModel.inject({
          method: 'POST',
          url: `/api/cases/${caseId}/relabel`,
          headers: bearer('approver'),
          payload: { complaint: true, category },
        });
      const known = await relabel('Late Flight');
      const unknown = await relabel('account');

      expect(known.statusCode).toBe(200);
      expect(known.json()).toMatchObject({ data: { caseId, category: 'Late Flight' } });
      expect(unknown.statusCode).toBe(400);
      expect(JSON.stringify(unknown.json())).toContain('Use one of billing, Late Flight');
    } finally {
      await withModel.close();
    }
  });

  it('escalates: a people item, an audit record and the escalated state', async () => {
    const response = await server.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/escalate`,
      headers: bearer('approver'),
      payload: { note: 'Customer is a journalist' },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ data: { created: true } });
    const people = await server.inject({
      method: 'GET',
      url: '/api/people',
      headers: bearer('viewer'),
    });
    const items = (people.json() as { data: PersonItem[] }).data;
    expect(items).toEqual([expect.objectContaining({ caseId, reason: 'desk-escalation' })]);
    const audit = await harness.app.context.audit.forCase(caseId);
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          outcome: 'escalated_human',
          actor: 'approver-1',
          detail: 'Customer is a journalist',
        }),
        expect.objectContaining({ outcome: 'state_changed', detail: 'new → escalated' }),
        expect.objectContaining({ outcome: 'notified', reason: 'escalation' }),
      ]),
    );
    expect((await harness.app.context.cases.get(caseId))?.state).toBe('escalated');
  });
});

describe('desk API: settings, control and metrics', () => {
  it('shows the active policy and the check results of rules and templates', async () => {
    const response = await server.inject({
      method: 'GET',
      url: '/api/settings',
      headers: bearer('viewer'),
    });

    expect(response.statusCode).toBe(200);
    const { data } = response.json() as { data: SettingsView };
    expect(data.checks.rules.ok).toBe(true);
    expect(data.checks.policy.ok).toBe(true);
    expect(data.checks.templates.ok).toBe(true);
    expect(data.policy.version).toBe(harness.app.context.policy.version);
    expect(data.categories.map((category) => category.id)).toContain('billing');
    expect(data.templates.map((template) => template.id)).toContain('x/first-reply.en');
    expect(data.policy.rules.length).toBeGreaterThan(3);
  });

  it('pauses and resumes with the person recorded', async () => {
    const pause = await server.inject({
      method: 'POST',
      url: '/api/control/pause',
      headers: bearer('approver'),
      payload: { reason: 'Incident: outage statement pending' },
    });
    const paused = await server.inject({
      method: 'GET',
      url: '/api/control',
      headers: bearer('viewer'),
    });
    const resume = await server.inject({
      method: 'POST',
      url: '/api/control/resume',
      headers: bearer('approver'),
    });

    expect(pause.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({
      data: { paused: true, by: 'approver-1', reason: 'Incident: outage statement pending' },
    });
    expect(resume.json()).toMatchObject({ data: { paused: false } });
    const outcomes = (await harness.app.context.audit.list())
      .filter((record) => record.actor === 'approver-1')
      .map((record) => record.outcome);
    expect(outcomes).toEqual(expect.arrayContaining(['paused', 'resumed']));
  });

  it('refuses a pause without a reason', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/control/pause',
      headers: bearer('approver'),
      payload: { reason: '  ' },
    });

    expect(response.statusCode).toBe(400);
  });

  it('computes metrics over the last 7 days by default', async () => {
    const response = await server.inject({
      method: 'GET',
      url: '/api/metrics',
      headers: bearer('viewer'),
    });

    expect(response.statusCode).toBe(200);
    const { data } = response.json() as { data: SlaMetrics };
    expect(data.totals.cases).toBeGreaterThanOrEqual(1);
    expect(data.volume.daily.length).toBeGreaterThanOrEqual(7);
    expect(data.triage).toEqual({ labelled: 1, changed: 1, accuracy: 0 });
    expect(Object.keys(data.attainment.bySeverity)).toEqual(['P0', 'P1', 'P2', 'P3']);
  });

  it.each`
    query
    ${'from=2026-03-02&to=2026-03-01'}
    ${'from=2020-01-01&to=2026-01-01'}
    ${'from=soon'}
  `('400 for metrics ?$query', async ({ query }) => {
    const response = await server.inject({
      method: 'GET',
      url: `/api/metrics?${query as string}`,
      headers: bearer('viewer'),
    });

    expect(response.statusCode).toBe(400);
  });
});

describe('operations endpoints', () => {
  it('/readyz answers without credentials when Redis and every queue answer', async () => {
    const response = await server.inject({ method: 'GET', url: '/readyz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ok: true,
      checks: {
        redis: 'ok',
        'queue:poll': 'ok',
        'queue:triage': 'ok',
        'queue:send-x-post': 'ok',
        'queue:send-x-dm': 'ok',
        'queue:send-app-store': 'ok',
        'queue:send-google-play': 'ok',
        'queue:notify': 'ok',
        'queue:watchdog': 'ok',
      },
    });
  });

  it('/metrics exposes queue depths, decisions, posts, 429s and attainment', async () => {
    const response = await server.inject({ method: 'GET', url: '/metrics' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toMatch(/^earshot_queue_jobs\{queue="send-x-post",state="waiting"\} \d+$/m);
    expect(text).toMatch(/^earshot_queue_jobs\{queue="send-google-play",state="waiting"\} \d+$/m);
    expect(text).toMatch(/^earshot_queue_jobs\{queue="poll",state="completed"\} \d+$/m);
    expect(text).toMatch(/^earshot_decisions_total\{outcome="drafted"\} [1-9]/m);
    // One per relabel the tests above made.
    const relabels = (await harness.app.context.audit.forCase(caseId)).filter(
      (record) => record.outcome === 'relabeled',
    );
    expect(relabels.length).toBeGreaterThan(0);
    expect(text).toMatch(
      new RegExp(`^earshot_decisions_total\\{outcome="relabeled"\\} ${relabels.length}$`, 'm'),
    );
    expect(text).toContain('# TYPE earshot_posts_total counter');
    expect(text).toContain('# TYPE earshot_rate_limited_total counter');
    expect(text).toMatch(/^earshot_paused 0$/m);
    expect(text).toMatch(/^earshot_pending_drafts [1-9]/m);
    expect(text).toContain('# TYPE earshot_sla_attainment_ratio gauge');
  });

  it('/metrics counts each audit record once across scrapes', async () => {
    const first = await server.inject({ method: 'GET', url: '/metrics' });
    const second = await server.inject({ method: 'GET', url: '/metrics' });

    const drafted = (text: string) =>
      /earshot_decisions_total\{outcome="drafted"\} (\d+)/.exec(text)?.[1];
    expect(drafted(second.body)).toBe(drafted(first.body));
  });

  it('/metrics asks for the token when one is set', async () => {
    const guarded = createDeskServer({
      app: harness.app,
      users,
      logger: harness.app.context.logger,
      publicDir,
      metricsToken: 'scrape-secret',
      bullBoard: false,
    });
    try {
      const without = await guarded.inject({ method: 'GET', url: '/metrics' });
      const wrong = await guarded.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer nope' },
      });
      const right = await guarded.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer scrape-secret' },
      });
      const board = await guarded.inject({
        method: 'GET',
        url: '/admin/queues',
        headers: bearer('admin'),
      });

      expect(without.statusCode).toBe(401);
      expect(wrong.statusCode).toBe(401);
      expect(right.statusCode).toBe(200);
      expect(board.statusCode).toBe(404);
    } finally {
      await guarded.close();
    }
  });
});

describe('the web UI shell', () => {
  it.each`
    url
    ${'/'}
    ${'/login'}
    ${'/cases'}
    ${'/cases/x-1860000000000000001'}
    ${'/people'}
    ${'/sla'}
    ${'/settings'}
  `('serves the HTML shell at $url without credentials, with the CSP', async ({ url }) => {
    const response = await server.inject({ method: 'GET', url: url as string });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.body).toContain('<div id="app">');
  });

  it('serves the bundle under /static/ and nothing outside the public directory', async () => {
    const asset = await server.inject({ method: 'GET', url: '/static/app.js' });
    const escape = await server.inject({ method: 'GET', url: '/static/..%2f..%2fpackage.json' });

    expect(asset.statusCode).toBe(200);
    expect(escape.statusCode).toBeGreaterThanOrEqual(400);
    expect(escape.body).not.toContain('"name"');
  });

  it('says how to build the UI when it is missing', async () => {
    const bare = createDeskServer({
      drafts: harness.app.drafts,
      users,
      logger: harness.app.context.logger,
      publicDir: join(publicDir, 'missing'),
    });
    try {
      const response = await bare.inject({ method: 'GET', url: '/' });

      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('npm run build:ui');
    } finally {
      await bare.close();
    }
  });
});
