import { getEventListeners } from 'node:events';
import { beforeEach, describe, expect, it } from 'vitest';

import type { Notifier, NotifyEvent } from '../../src/responders/notify/types.js';
import {
  createWebhookNotifier,
  verifyWebhookSignature,
  WebhookDelivery,
} from '../../src/responders/webhook/index.js';
import { startHttpReceiver, useHttpReceiver } from '../helpers/http-receiver.js';
import { notifyFailure } from '../helpers/notify.js';

const SECRET = 'whsec-integration-0123456789';
const NOW = Date.UTC(2026, 10, 20, 10, 0, 0);

const EVENT: NotifyEvent = {
  id: 'page-x-1860000000000000001',
  kind: 'page',
  caseId: 'x-1860000000000000001',
  severity: 'P0',
  category: 'safety',
  deadline: '2026-11-20T10:15:00.000Z',
  summary: 'P0 safety complaint from @sam: "the charger started smoking"',
  text: '@acme the charger started smoking <!channel> & café ☕',
  author: { username: 'sam', name: 'Sam Lee', followersCount: 1240, verified: false },
  source: 'x-mentions',
  link: 'https://desk.example.com/cases/x-1860000000000000001',
  postUrl: 'https://x.com/sam/status/1860000000000000001',
  at: '2026-11-20T10:00:00.000Z',
};

describe('webhook notifier over real HTTP', () => {
  const receiver = useHttpReceiver();
  let notifier: Notifier;

  beforeEach(() => {
    notifier = createWebhookNotifier({
      url: `${receiver.url}/hooks/earshot`,
      secret: SECRET,
      now: () => NOW,
      timeoutMs: 2000,
    });
  });

  it('delivers a signed POST with the documented headers and body', async () => {
    await notifier.notify(EVENT);

    const [request] = receiver.requests;
    expect(receiver.requests).toHaveLength(1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/earshot');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'earshot',
      'x-earshot-event': 'page',
      'x-earshot-delivery': 'page-x-1860000000000000001',
      'x-earshot-timestamp': String(NOW / 1000),
    });
    expect(request?.headers['x-earshot-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        timestamp: request?.headers['x-earshot-timestamp'],
        body: request?.rawBody ?? Buffer.alloc(0),
        signature: request?.headers['x-earshot-signature'],
        now: NOW + 5000,
      }),
    ).toBe(true);
    expect(WebhookDelivery.parse(JSON.parse(request?.body ?? ''))).toEqual({
      type: 'earshot.page',
      id: EVENT.id,
      data: EVENT,
    });
  });

  it('treats any 2xx as delivered', async () => {
    receiver.reply([202, 204]);

    await notifier.notify(EVENT);
    await notifier.notify(EVENT);

    expect(receiver.requests).toHaveLength(2);
  });

  it('makes one attempt per call through 500, 429 and 200, as the queue would retry', async () => {
    receiver.reply([500, { status: 429, headers: { 'retry-after': '1' } }, 200]);

    const first = await notifyFailure(notifier.notify(EVENT));
    const second = await notifyFailure(notifier.notify(EVENT));
    await notifier.notify(EVENT);

    expect(first).toMatchObject({ retryable: true, reason: 'server-error', status: 500 });
    expect(second).toMatchObject({ retryable: true, reason: 'rate-limited', retryAfterMs: 1000 });
    expect(receiver.requests.map((request) => request.headers['x-earshot-delivery'])).toEqual([
      EVENT.id,
      EVENT.id,
      EVENT.id,
    ]);
  });

  it('answers 500 with a retryable error', async () => {
    receiver.reply([{ status: 500, body: 'database down\nstack trace…' }]);

    const error = await notifyFailure(notifier.notify(EVENT));

    expect(error).toMatchObject({
      notifier: 'webhook',
      code: 'transient-network',
      reason: 'server-error',
      retryable: true,
      status: 500,
      retryAfterMs: null,
      message: 'The webhook receiver answered 500 database down',
    });
  });

  it('answers 404 with a non-retryable error that names the setting to check', async () => {
    receiver.reply([{ status: 404, body: 'Not Found' }]);

    const error = await notifyFailure(notifier.notify(EVENT));

    expect(error).toMatchObject({
      code: 'config-invalid',
      reason: 'rejected',
      retryable: false,
      status: 404,
      message:
        "The webhook receiver answered 404 Not Found: check NOTIFY_WEBHOOK_URL and the receiver's logs",
    });
  });

  it('answers 401 with a hint about the secret', async () => {
    receiver.reply([{ status: 401, body: 'bad signature' }]);

    const error = await notifyFailure(notifier.notify(EVENT));

    expect(error.code).toBe('auth-failed');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('check NOTIFY_WEBHOOK_SECRET');
  });

  it('answers 429 with Retry-After as an HTTP date', async () => {
    receiver.reply([{ status: 429, headers: { 'retry-after': 'Fri, 20 Nov 2026 10:01:00 GMT' } }]);

    const error = await notifyFailure(notifier.notify(EVENT));

    expect(error).toMatchObject({ code: 'rate-limited', retryable: true, retryAfterMs: 60_000 });
  });

  it('does not follow a redirect with the signed body', async () => {
    receiver.reply([{ status: 302, headers: { location: `${receiver.url}/elsewhere` } }]);

    const error = await notifyFailure(notifier.notify(EVENT));

    expect(error).toMatchObject({ retryable: false, status: 302 });
    expect(error.message).toContain('set NOTIFY_WEBHOOK_URL to the final URL');
    expect(receiver.requests).toHaveLength(1);
  });

  it('times out a receiver that never answers, retryably', async () => {
    receiver.reply(['hang']);
    const slow = createWebhookNotifier({
      url: receiver.url,
      secret: SECRET,
      now: () => NOW,
      timeoutMs: 150,
    });

    const started = performance.now();
    const error = await notifyFailure(slow.notify(EVENT));

    expect(error).toMatchObject({ reason: 'timeout', retryable: true, status: null });
    expect(error.message).toBe('The webhook receiver did not answer within 150 ms');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("stops when the caller's signal aborts, retryably", async () => {
    receiver.reply(['hang']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const error = await notifyFailure(notifier.notify(EVENT, controller.signal));

    expect(error).toMatchObject({ reason: 'aborted', retryable: true });
  });

  it('sends nothing when the signal is already aborted', async () => {
    const error = await notifyFailure(notifier.notify(EVENT, AbortSignal.abort()));

    expect(error).toMatchObject({ reason: 'aborted', retryable: true });
    expect(receiver.requests).toHaveLength(0);
  });

  it("leaves no listener on the caller's long-lived signal", async () => {
    const shutdown = new AbortController();
    receiver.reply([200, 500, 'hang']);
    const quick = createWebhookNotifier({ url: receiver.url, secret: SECRET, timeoutMs: 150 });

    await quick.notify(EVENT, shutdown.signal);
    await notifyFailure(quick.notify(EVENT, shutdown.signal));
    await notifyFailure(quick.notify(EVENT, shutdown.signal));

    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });

  it('reports an unreachable receiver as a retryable network error', async () => {
    const gone = await startHttpReceiver();
    const url = gone.url;
    await gone.close();
    const unreachable = createWebhookNotifier({ url, secret: SECRET, now: () => NOW });

    const error = await notifyFailure(unreachable.notify(EVENT));

    expect(error).toMatchObject({ reason: 'network', retryable: true, status: null });
    expect(error.message).toBe(
      'The webhook receiver could not be reached (ECONNREFUSED); check NOTIFY_WEBHOOK_URL if this persists',
    );
  });

  it('refuses, without sending, an event id that cannot travel in a header', async () => {
    const error = await notifyFailure(notifier.notify({ ...EVENT, id: 'page x\n1' }));

    expect(error).toMatchObject({ reason: 'invalid-event', retryable: false });
    expect(receiver.requests).toHaveLength(0);
  });
});
