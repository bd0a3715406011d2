import { afterEach, describe, expect, it } from 'vitest';
import { changeCaseState } from '../../src/app/case-state.js';
import { relabelCase } from '../../src/app/relabel.js';
import type { PolicyDecision } from '../../src/core/policy/index.js';
import {
  createWebhookNotifier,
  verifyWebhookSignature,
} from '../../src/responders/webhook/index.js';
import { Queue, QueueEvents } from 'bullmq';
import { jobIds, QUEUE_NAMES } from '../../src/queue/jobs.js';
import { REDIS_URL } from '../helpers/redis.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';

const SECRET = 'test-webhook-secret-0123456789';
const MINUTE = 60_000;

let harness: Harness | undefined;
let receiver: HttpReceiver | undefined;

afterEach(async () => {
  await harness?.close();
  await receiver?.close();
  harness = undefined;
  receiver = undefined;
});

interface Delivered {
  type: string;
  data: { id: string; kind: string; caseId: string; severity: string | null; deadline: string };
}

function lookups(h: Harness): Array<{ ids: string | undefined; status: number }> {
  return h.sandbox
    .requests()
    .filter((request) => request.method === 'GET' && request.path === '/2/tweets')
    .map((request) => ({ ids: request.query.ids, status: request.status }));
}

describe('the engagement watch', () => {
  it('raises an everyday complaint that spreads after it was polled to P0, pages once, and does it once', async () => {
    let now = Date.parse('2026-11-23T10:00:00.000Z');
    receiver = await startHttpReceiver();
    harness = await startHarness({
      clock: () => now,
      notifiers: [createWebhookNotifier({ url: receiver.url, secret: SECRET, now: () => now })],
    });
    const postId = await harness.mention('@acme my package is 5 days late');
    const caseId = `x-${postId}`;
    await harness.app.start({ schedule: false });
    now += MINUTE;
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const before = await harness.app.context.mentions.get('x-mentions', postId);

    now += 39 * MINUTE;
    await harness.setMetrics(postId, { retweet_count: 60 });
    const first = await harness.app.engagementWatchOnce();
    await harness.app.drain();
    const [request] = await receiver.waitForRequests(1);
    const second = await harness.app.engagementWatchOnce();
    await harness.app.drain();

    expect(before?.classification?.severity).toBe('P2');
    expect(before?.mention.engagement).toMatchObject({ shares: 0 });
    expect(first).toMatchObject({
      requests: 1,
      lookedUp: 1,
      raised: [{ caseId, from: 'P2', to: 'P0' }],
    });
    expect(second).toMatchObject({ requests: 0, lookedUp: 0, raised: [] });
    expect(lookups(harness)).toEqual([{ ids: postId, status: 200 }]);

    const body = JSON.parse(request?.rawBody.toString('utf8') ?? '{}') as Delivered;
    expect(body.type).toBe('earshot.page');
    expect(body.data).toMatchObject({
      id: `page-x-mentions-${postId}-p0`,
      kind: 'page',
      caseId,
      severity: 'P0',
    });
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        timestamp: request?.headers['x-earshot-timestamp'],
        body: request?.rawBody ?? '',
        signature: request?.headers['x-earshot-signature'],
        now,
      }),
    ).toBe(true);
    expect(receiver.requests).toHaveLength(1);

    const stored = await harness.app.context.mentions.get('x-mentions', postId);
    expect((await harness.brandPosts()).map((post) => post.in_reply_to_tweet_id)).toEqual([postId]);
    expect(stored?.mention.engagement).toEqual({
      shares: 60,
      replies: 0, // X counts our acknowledgment as a reply; the watch does not
      likes: 0,
      observedAt: '2026-11-23T10:40:00.000Z',
    });
    expect(stored?.mention.revision).toBeUndefined();
    expect(stored?.classification?.severity).toBe('P0');
    expect(stored?.decidedAt).toBe(before?.decidedAt);
    const audit = await harness.app.context.audit.forCase(caseId);
    const raised = audit.filter((record) => record.outcome === 'severity_raised');
    expect(raised).toEqual([
      expect.objectContaining({
        reason: 'engagement-spreading',
        ruleId: 'engagement:spreading',
        severity: 'P0',
        detail: expect.stringMatching(/^P2 → P0: shared 60 times in 40 min \(90\/h ≥ 25\/h\)/),
      }),
    ]);
    expect(audit.filter((record) => record.reason === 'page')).toHaveLength(1);
    // The acknowledgment went out before the spread: the case was answered, so its deadline stays.
    expect(await harness.app.context.cases.get(caseId)).toMatchObject({ state: 'acknowledged' });
    expect(stored?.decision?.deadline).toBe(before?.decision?.deadline);
    expect(audit.filter((record) => record.outcome === 'stored')).toHaveLength(1);
  });

  it('hands a queued automated reply back to a person when the case is raised to P0, and moves its deadline', async () => {
    let now = Date.parse('2026-11-23T10:00:00.000Z');
    harness = await startHarness({ clock: () => now });
    await harness.app.start({ schedule: false });
    await harness.app.pause('test', 'hold the acknowledgment');
    const postId = await harness.mention('@acme my package is 5 days late');
    const caseId = `x-${postId}`;
    now += MINUTE;
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const [draft] = await harness.app.context.drafts.forCase(caseId);
    const sendQueue = harness.app.context.queues.send['x:post'];
    const stateBefore = await (await sendQueue.getJob(jobIds.send(draft?.id ?? '')))?.getState();

    now += 39 * MINUTE;
    await harness.setMetrics(postId, { retweet_count: 60 });
    const report = await harness.app.engagementWatchOnce();
    await harness.app.resume('test');
    await harness.app.drain();
    const postsBeforeApproval = await harness.brandPosts();

    expect(report.raised).toEqual([{ caseId, from: 'P2', to: 'P0' }]);
    expect(draft).toMatchObject({ status: 'approved', automated: true });
    expect(stateBefore).toBe('prioritized');
    expect(await sendQueue.getJob(jobIds.send(draft?.id ?? ''))).toBeUndefined();
    expect(postsBeforeApproval).toEqual([]);
    expect(await harness.app.context.drafts.get(draft?.id ?? '')).toMatchObject({
      status: 'superseded',
      note: `returned to a person as raised-${draft?.id}`,
    });
    const pending = await harness.app.context.drafts.get(`raised-${draft?.id}`);
    expect(pending).toMatchObject({
      status: 'pending_approval',
      automated: false,
      severity: 'P0',
      text: draft?.text,
      approvalReasons: ['severity-p0'],
      // P0 is due 15 minutes after the spread was seen (10:40), earlier than the 60-minute acknowledgment.
      deadline: '2026-11-23T10:55:00.000Z',
      safeAckAt: null,
    });
    const decision = (await harness.app.context.mentions.get('x-mentions', postId))
      ?.decision as PolicyDecision;
    expect(decision.responseDeadline).toBe('2026-11-23T10:55:00.000Z');
    expect(decision.deadline).toBe('2026-11-23T10:55:00.000Z');
    expect(decision.acknowledgeBy).toBe('2026-11-23T11:00:00.000Z');
    const audit = await harness.app.context.audit.forCase(caseId);
    expect(audit.filter((record) => record.reason === 'severity-raised-needs-approval')).toEqual([
      expect.objectContaining({ outcome: 'drafted', severity: 'P0', text: draft?.text }),
    ]);

    await harness.app.drafts.approve(`raised-${draft?.id}`, { name: 'ana', role: 'approver' });
    await harness.app.drain();
    expect((await harness.brandPosts()).map((post) => post.text)).toEqual([draft?.text]);
  });

  it('sends an acknowledgment held for quiet hours at once when a fast-growing thread raises it to P1', async () => {
    let now = Date.parse('2026-11-23T23:00:00.000Z');
    harness = await startHarness({
      clock: () => now,
      policy: (p) => ({
        ...p,
        quietHours: { from: '22:00', to: '07:00', exceptSeverities: ['P0', 'P1'] },
      }),
    });
    await harness.app.start({ schedule: false });
    const postId = await harness.mention('@acme my package is 5 days late');
    const caseId = `x-${postId}`;
    now += MINUTE;
    await harness.app.pollOnce('x-mentions');
    const sendQueue = harness.app.context.queues.send['x:post'];
    // drain() would wait for the held reply itself: wait until triage has queued it instead.
    const heldBefore = await waitFor(() => sendQueue.getJob(jobIds.send(`ack-x-${postId}`)));
    const stateBefore = await heldBefore.getState();
    const draft = await harness.app.context.drafts.get(`ack-x-${postId}`);

    now += 39 * MINUTE;
    for (let i = 0; i < 12; i += 1) {
      await harness.post(
        `@sam same here ${i}`,
        { username: `r${i}`, name: `R ${i}` },
        {
          in_reply_to_tweet_id: postId,
          conversation_id: postId,
        },
      );
    }
    const report = await harness.app.engagementWatchOnce();
    await harness.app.drain();

    expect(stateBefore).toBe('delayed');
    expect(report.raised).toEqual([{ caseId, from: 'P2', to: 'P1' }]);
    expect((await harness.brandPosts()).map((post) => post.text)).toEqual([draft?.text]);
    expect(await harness.app.context.drafts.get(draft?.id ?? '')).toMatchObject({
      status: 'sent',
      severity: 'P1',
      automated: true,
    });
  });

  it('shows the raised severity on the waiting people-queue item of a spreading search hit', async () => {
    let now = Date.parse('2026-11-23T10:00:00.000Z');
    harness = await startHarness({ clock: () => now, searchQueries: ['acme'] });
    const postId = await harness.post('acme lost my package, 5 days late', { username: 'kim' });
    await harness.app.start({ schedule: false });
    now += MINUTE;
    await harness.app.pollOnce('x-search');
    await harness.app.drain();
    const [before] = await harness.app.context.people.forCase(`x-${postId}`);

    now += 39 * MINUTE;
    await harness.setMetrics(postId, { retweet_count: 60 });
    const report = await harness.app.engagementWatchOnce();

    expect(before?.classification?.severity).toBe('P2');
    expect(report.raised).toEqual([{ caseId: `x-${postId}`, from: 'P2', to: 'P0' }]);
    const [after] = await harness.app.context.people.forCase(`x-${postId}`);
    expect(after).toEqual({
      ...before,
      classification: { ...before?.classification, severity: 'P0' },
    });
  });

  it('leaves alone a case a person relabelled "not a complaint", however far it spreads', async () => {
    let now = Date.parse('2026-11-23T10:00:00.000Z');
    harness = await startHarness({ clock: () => now });
    const relabelled = await harness.mention('@acme my package is 5 days late', { username: 'a' });
    const kept = await harness.mention('@acme my package is 6 days late', { username: 'b' });
    await harness.app.start({ schedule: false });
    now += MINUTE;
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    await relabelCase(
      { ...harness.app.context, now: () => new Date(now) },
      { caseId: `x-${relabelled}`, complaint: 0, category: null, by: 'ana' },
    );

    now += 39 * MINUTE;
    await harness.setMetrics(relabelled, { retweet_count: 60 });
    await harness.setMetrics(kept, { retweet_count: 60 });
    const report = await harness.app.engagementWatchOnce();

    expect(report.raised).toEqual([{ caseId: `x-${kept}`, from: 'P2', to: 'P0' }]);
    expect(lookups(harness).map((lookup) => lookup.ids)).toEqual([kept]);
  });

  it('looks up open X complaints of the last 24 hours only, search hits included', async () => {
    let now = Date.parse('2026-11-23T10:00:00.000Z');
    harness = await startHarness({ clock: () => now, searchQueries: ['acme'] });
    const old = await harness.mention(
      '@acme my package is 5 days late',
      { username: 'old' },
      { created_at: new Date(now - 25 * 60 * MINUTE).toISOString() },
    );
    const settled = await harness.mention('@acme my package is 5 days late', {
      username: 'settled',
    });
    const open = await harness.mention('@acme my package is 5 days late', { username: 'open' });
    const praise = await harness.mention('@acme thank you, the delivery was perfect', {
      username: 'happy',
    });
    const searched = await harness.post('acme lost my package, 5 days late', {
      username: 'searcher',
    });
    await harness.app.start({ schedule: false });
    now += MINUTE;
    await harness.app.pollOnce('x-mentions');
    await harness.app.pollOnce('x-search');
    await harness.app.drain();
    await changeCaseState(harness.app.context, {
      caseId: `x-${settled}`,
      to: 'resolved',
      by: 'ana',
    });
    now += 5 * MINUTE;

    const report = await harness.app.engagementWatchOnce();

    const [lookup] = lookups(harness);
    expect(lookup?.status).toBe(200);
    expect(lookup?.ids?.split(',').sort()).toEqual([open, searched].sort());
    expect(lookup?.ids).not.toContain(old);
    expect(lookup?.ids).not.toContain(settled);
    expect(lookup?.ids).not.toContain(praise);
    expect(report).toMatchObject({ requests: 1, lookedUp: 2, left: 0, raised: [] });
  });

  it('skips the run on a 429 without throwing or changing anything, until X resets', async () => {
    let now = Date.parse('2026-11-23T10:00:00.000Z');
    harness = await startHarness({
      clock: () => now,
      sandbox: { limits: { 'GET /2/tweets': { perUser15m: 0 } } },
    });
    const postId = await harness.mention('@acme my package is 5 days late');
    await harness.app.start({ schedule: false });
    now += MINUTE;
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const before = await harness.app.context.mentions.get('x-mentions', postId);
    now += 39 * MINUTE;
    await harness.setMetrics(postId, { retweet_count: 60 });

    const limited = await harness.app.engagementWatchOnce();
    const again = await harness.app.engagementWatchOnce();

    expect(limited).toMatchObject({ requests: 0, raised: [], deferredUntil: expect.any(Number) });
    expect(limited.deferredUntil).toBeGreaterThan(now);
    expect(again.deferredUntil).toBe(limited.deferredUntil);
    expect(lookups(harness)).toEqual([{ ids: postId, status: 429 }]);
    expect(await harness.app.context.mentions.get('x-mentions', postId)).toEqual(before);
    const audit = await harness.app.context.audit.forCase(`x-${postId}`);
    expect(audit.filter((record) => record.outcome === 'severity_raised')).toEqual([]);
  });

  it('is scheduled on the watchdog queue and runs there, beside the SLA watchdog', async () => {
    let offset = 0;
    harness = await startHarness({ clock: () => Date.now() + offset });
    const postId = await harness.mention('@acme my package is 5 days late');
    await harness.app.start();
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    // The next read of a post is due 5 minutes after the first.
    offset += 5 * MINUTE;
    const connection = { url: REDIS_URL };
    const queue = new Queue(QUEUE_NAMES.watchdog, { connection, prefix: harness.prefix });
    const events = new QueueEvents(QUEUE_NAMES.watchdog, { connection, prefix: harness.prefix });
    await events.waitUntilReady();

    try {
      const schedulers = await queue.getJobSchedulers();
      const job = await queue.add('engagement-watch', {});
      const result = (await job.waitUntilFinished(events, 10_000)) as { lookedUp: number };

      expect(schedulers.map((scheduler) => [scheduler.key, scheduler.every]).sort()).toEqual([
        ['engagement-watch', 300_000],
        ['sla-watchdog', 30_000],
      ]);
      expect(result).toMatchObject({ lookedUp: 1, raised: [] });
      expect(lookups(harness)).toContainEqual({ ids: postId, status: 200 });
    } finally {
      await events.close();
      await queue.close();
    }
  });
});
