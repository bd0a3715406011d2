import { afterEach, describe, expect, it } from 'vitest';
import {
  createWebhookNotifier,
  verifyWebhookSignature,
} from '../../src/responders/webhook/index.js';
import type { PublicReplyResponder } from '../../src/responders/types.js';
import { SANDBOX_X_CREDENTIALS } from '../../src/sandbox/x/index.js';
import {
  startHarness,
  UNREACHABLE_URL,
  xReplyResponder,
  type Harness,
  type HarnessOptions,
} from '../helpers/harness.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { sandboxClient } from './sandbox-x-client.js';

const SECRET = 'test-webhook-secret-0123456789';

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
  data: { kind: string; caseId: string; severity: string | null; link: string; summary: string };
}

describe('escalation to people, the SLA watchdog and posting budgets', () => {
  it('pages a person at once for a P0, through a signed webhook', async () => {
    receiver = await startHttpReceiver();
    harness = await startHarness({
      notifiers: [createWebhookNotifier({ url: receiver.url, secret: SECRET })],
    });
    const postId = await harness.mention(
      '@acme the charger you sold me started smoking last night. this is unsafe',
    );
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const [request] = await receiver.waitForRequests(1);

    const body = JSON.parse(request?.rawBody.toString('utf8') ?? '{}') as Delivered;
    expect(body.type).toBe('earshot.page');
    expect(body.data).toMatchObject({ kind: 'page', caseId: `x-${postId}`, severity: 'P0' });
    expect(body.data.link).toBe(`http://desk.test/cases/x-${postId}`);
    const valid = verifyWebhookSignature({
      secret: SECRET,
      timestamp: request?.headers['x-earshot-timestamp'],
      body: request?.rawBody ?? '',
      signature: request?.headers['x-earshot-signature'],
      now: Date.now(),
    });
    expect(valid).toBe(true);
    expect(await harness.brandPosts()).toEqual([]);
  });

  it('pages at once for an everyday complaint that is spreading fast, and says why', async () => {
    receiver = await startHttpReceiver();
    harness = await startHarness({
      notifiers: [createWebhookNotifier({ url: receiver.url, secret: SECRET })],
    });
    const quiet = await harness.mention('@acme my package is 5 days late', { username: 'quiet' });
    const spreading = await harness.mention(
      '@acme my package is 5 days late',
      { username: 'spreading' },
      { retweet_count: 55, created_at: new Date(Date.now() - 30 * 60_000).toISOString() },
    );
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const [request] = await receiver.waitForRequests(1);

    const body = JSON.parse(request?.rawBody.toString('utf8') ?? '{}') as Delivered;
    expect(body.data).toMatchObject({ kind: 'page', caseId: `x-${spreading}`, severity: 'P0' });
    const stored = await harness.app.context.mentions.get('x-mentions', spreading);
    expect(stored?.mention.engagement).toMatchObject({ shares: 55, replies: 0, likes: 0 });
    expect(stored?.classification?.reasons).toContainEqual(
      expect.objectContaining({ field: 'severity', rule: 'engagement:spreading' }),
    );
    const other = await harness.app.context.mentions.get('x-mentions', quiet);
    expect(other?.classification?.severity).toBe('P2');
    expect(receiver.requests).toHaveLength(1);
  });

  it('retries a failed notification until it is delivered', async () => {
    receiver = await startHttpReceiver({ replies: [500, 503, 200] });
    harness = await startHarness({
      notifiers: [createWebhookNotifier({ url: receiver.url, secret: SECRET })],
      workers: { notifyBackoffMs: 50 },
    });
    await harness.mention(
      '@acme the charger you sold me started smoking last night. this is unsafe',
    );
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    const requests = await receiver.waitForRequests(3, 10_000);
    await harness.app.drain();

    expect(requests.map((request) => request.headers['x-earshot-delivery'])).toEqual([
      requests[0]?.headers['x-earshot-delivery'],
      requests[0]?.headers['x-earshot-delivery'],
      requests[0]?.headers['x-earshot-delivery'],
    ]);
    const failed = (await harness.app.context.audit.list()).filter(
      (record) => record.reason === 'notify-failed',
    );
    expect(failed).toEqual([]);
  });

  it('makes a notification that cannot be delivered visible in the audit log instead of dropping it', async () => {
    receiver = await startHttpReceiver({ fallback: 404 });
    harness = await startHarness({
      notifiers: [createWebhookNotifier({ url: receiver.url, secret: SECRET })],
    });
    const postId = await harness.mention(
      '@acme the charger you sold me started smoking last night. this is unsafe',
    );
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await receiver.waitForRequests(1);
    await harness.app.drain();

    const audit = await harness.app.context.audit.forCase(`x-${postId}`);
    const failed = audit.find((record) => record.reason === 'notify-failed');
    expect(failed?.outcome).toBe('failed');
    expect(failed?.detail).toContain('webhook');
    const failedJobs = await harness.app.context.queues.notify.getFailed();
    expect(failedJobs.map((job) => job.data.event.kind)).toEqual(['page']);
  });

  it('warns people before the deadline and posts a safe acknowledgment before 60 minutes run out', async () => {
    let now = Date.parse('2026-11-23T10:00:00.000Z');
    receiver = await startHttpReceiver();
    harness = await startHarness({
      clock: () => now,
      notifiers: [createWebhookNotifier({ url: receiver.url, secret: SECRET, now: () => now })],
    });
    const postId = await harness.mention('@acme the website is down for me');
    await harness.app.start({ schedule: false });
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();
    const [waiting] = await harness.app.drafts.list({ status: 'pending_approval' });

    now += 46 * 60_000;
    const at46 = await harness.app.watchdogOnce();
    await harness.app.drain();
    const postsAt46 = await harness.brandPosts();
    now += 5 * 60_000;
    const at51 = await harness.app.watchdogOnce();
    await harness.app.drain();

    expect(waiting).toMatchObject({
      severity: 'P1',
      notifyAt: '2026-11-23T10:45:00.000Z',
      safeAckAt: '2026-11-23T10:50:00.000Z',
    });
    expect(at46).toEqual({ warned: [waiting?.id], breached: [], safeAcks: [] });
    expect(postsAt46).toEqual([]);
    expect(at51.safeAcks).toEqual([waiting?.id]);
    const posts = await harness.brandPosts();
    expect(posts.map((post) => post.in_reply_to_tweet_id)).toEqual([postId]);
    expect(posts[0]?.text).not.toEqual(waiting?.text);
    expect((await harness.app.drafts.get(waiting?.id ?? ''))?.status).toBe('pending_approval');
    const kinds = receiver.requests.map(
      (request) => (JSON.parse(request.rawBody.toString('utf8')) as Delivered).data.kind,
    );
    expect(kinds).toEqual(['page', 'sla-warning']);
  });

  it('follows the remaining count X reports after every post, so posts made outside earshot cause no 429', async () => {
    harness = await startHarness({
      // Our own bucket would allow 3 posts now; X's window (3 s here) has room for 3 in all.
      budgets: { 'x:post': { capacity: 3, refillTokens: 1, refillEveryMs: 500 } },
      sandbox: { limits: { 'POST /2/tweets': { perUser15m: 3 } }, windowMs: 3_000 },
    });
    // The team posts from the brand's account in the X app: the same per-user limit.
    const { client } = sandboxClient(harness.sandbox);
    await client.v2.tweet('Our spring schedule is out');
    await client.v2.tweet('Happy Friday from the Acme team');
    const first = await harness.mention('@acme my delivery is two weeks late', { username: 'lee' });
    const second = await harness.mention('@acme order arrived damaged, really disappointed', {
      username: 'ida',
    });
    await harness.app.start({ schedule: false });

    await harness.app.pollOnce('x-mentions');
    await harness.app.drain(20_000);

    const replies = (await harness.brandPosts()).map((post) => post.in_reply_to_tweet_id);
    expect(replies.filter((id) => id !== null).sort()).toEqual([first, second].sort());
    const statuses = harness.sandbox
      .requests()
      .filter((request) => request.method === 'POST' && request.path === '/2/tweets')
      .map((request) => request.status);
    expect(statuses).toEqual([201, 201, 201, 201]);
  });

  it('spends a small posting budget without ever drawing a 429, most severe first', async () => {
    harness = await startHarness({
      budgets: { 'x:post': { capacity: 1, refillTokens: 1, refillEveryMs: 400 } },
      sandbox: { limits: { 'POST /2/tweets': { perUser15m: 5 } } },
    });
    await harness.app.start({ schedule: false });
    await harness.app.pause('test', 'queue a burst');
    const p3 = await harness.mention(
      '@acme waited 40 minutes in the queue and the store staff were rude',
      {
        username: 'p3a',
        name: 'Pat',
      },
    );
    const p2a = await harness.mention('@acme my delivery is two weeks late', {
      username: 'p2a',
      name: 'Lee',
    });
    const p2b = await harness.mention('@acme order arrived damaged, really disappointed', {
      username: 'p2b',
      name: 'Ida',
    });
    const p2c = await harness.mention('@acme the checkout page is broken for me', {
      username: 'p2c',
      name: 'Max',
    });
    await harness.app.pollOnce('x-mentions');
    await harness.app.drain();

    await harness.app.resume('test');
    await harness.app.drain(20_000);

    const posts = (await harness.brandPosts()).map((post) => post.in_reply_to_tweet_id);
    expect(posts).toEqual([p2a, p2b, p2c, p3]);
    const statuses = harness.sandbox
      .requests()
      .filter((request) => request.path === '/2/tweets')
      .map((r) => r.status);
    expect(statuses).toEqual([201, 201, 201, 201]);
  });
});

const COMPLAINT = '@acme my parcel is a week late and tracking has not moved';

/**
 * Swaps the X public-reply responder for one talking to `baseUrl()` (read when the first reply is sent, so it can
 * name the harness's own sandbox) with `keys`.
 */
function xResponderAt(
  baseUrl: () => string,
  keys = SANDBOX_X_CREDENTIALS,
): (real: PublicReplyResponder) => PublicReplyResponder {
  return (real) => {
    if (real.platform !== 'x') {
      return real;
    }
    let responder: PublicReplyResponder | undefined;
    const connected = (): PublicReplyResponder => (responder ??= xReplyResponder(baseUrl(), keys));
    return {
      ...real,
      reply: (request) => connected().reply(request),
      findReply: (request) => connected().findReply(request),
    };
  };
}

/** Starts a harness that notifies a webhook receiver, polls one P2 complaint and lets every queue run dry. */
async function runComplaint(options: HarnessOptions): Promise<{ postId: string; caseId: string }> {
  receiver = await startHttpReceiver();
  harness = await startHarness({
    ...options,
    notifiers: [createWebhookNotifier({ url: receiver.url, secret: SECRET })],
  });
  const postId = await harness.mention(COMPLAINT);
  await harness.app.start({ schedule: false });
  await harness.app.pollOnce('x-mentions');
  await harness.app.drain();
  return { postId, caseId: `x-${postId}` };
}

async function notifications(): Promise<Delivered['data'][]> {
  await receiver!.waitForRequests(1);
  return receiver!.requests.map((request) => (JSON.parse(request.body) as Delivered).data);
}

describe('sending gives up to a person, who is told (real Redis, real client over HTTP)', () => {
  it('X unreachable through every attempt: the reply fails to a person, nothing is posted', async () => {
    // Nothing listens on port 1: every call is refused before X could have taken it.
    const { postId, caseId } = await runComplaint({
      wrapResponder: xResponderAt(() => UNREACHABLE_URL),
      workers: { sendAttempts: 3, sendBackoffMs: 10 },
    });

    expect(await harness!.brandPosts()).toEqual([]);
    const [draft] = await harness!.app.context.drafts.forCase(caseId);
    expect([draft?.status, draft?.failure]).toEqual(['failed', 'send-failed']);
    const people = await harness!.app.context.people.list();
    expect(people.map((item) => [item.reason, item.draftId, item.mention.id])).toEqual([
      ['send-failed', draft?.id, postId],
    ]);
    const audit = await harness!.app.context.audit.forCase(caseId);
    const attempts = audit.filter((record) => record.reason === 'transient-network');
    expect(attempts).toHaveLength(3);
    const gaveUp = audit.filter((record) => record.reason === 'send-failed');
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]?.outcome).toBe('failed');
    expect(gaveUp[0]?.detail).toMatch(
      /^gave up after 3 attempts \(X request failed: .*ECONNREFUSED.*\); x did not take it/,
    );
    expect(await harness!.app.context.sentGuard.get('x', draft?.id ?? '')).toBeNull();
    expect(await notifications()).toEqual([
      expect.objectContaining({ kind: 'needs-person', caseId, severity: 'P2' }),
    ]);
  });

  it('X refuses the credentials: no retry, the reply goes to a person at once', async () => {
    const { caseId } = await runComplaint({
      wrapResponder: xResponderAt(() => harness!.sandbox.url, {
        ...SANDBOX_X_CREDENTIALS,
        appSecret: 'not-the-secret',
      }),
    });

    expect(await harness!.brandPosts()).toEqual([]);
    const posts = harness!.sandbox
      .requests()
      .filter((request) => request.method === 'POST' && request.path === '/2/tweets');
    expect(posts.map((request) => request.status)).toEqual([401]);
    const [draft] = await harness!.app.context.drafts.forCase(caseId);
    expect([draft?.status, draft?.failure]).toEqual(['failed', 'send-failed']);
    const audit = await harness!.app.context.audit.forCase(caseId);
    expect(audit.find((record) => record.reason === 'send-failed')?.detail).toMatch(
      /^gave up after 1 attempt \(X rejected the credentials \(401\)/,
    );
    expect((await harness!.app.context.people.list()).map((item) => item.reason)).toEqual([
      'send-failed',
    ]);
    expect((await notifications()).map((event) => event.kind)).toEqual(['needs-person']);
  });

  it('a reply blocked at the last check goes to a person, and people are told once', async () => {
    const { caseId } = await runComplaint({
      policy: (shipped) => ({ ...shipped, gate: { ...shipped.gate, dailyPostCap: 0 } }),
    });

    expect(await harness!.brandPosts()).toEqual([]);
    const [draft] = await harness!.app.context.drafts.forCase(caseId);
    expect(draft?.status).toBe('blocked');
    expect((await harness!.app.context.people.list()).map((item) => item.reason)).toEqual([
      'blocked-daily-post-cap',
    ]);
    expect(await notifications()).toEqual([
      expect.objectContaining({ kind: 'needs-person', caseId, severity: 'P2' }),
    ]);
  });
});
