import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../src/errors.js';
import type { NotifyEvent } from '../../src/responders/notify/types.js';
import {
  createWebhookNotifier,
  signWebhookBody,
  verifyWebhookSignature,
  WebhookDelivery,
} from '../../src/responders/webhook/index.js';
import { webhookBody } from '../../src/responders/webhook/index.js';

const SECRET = 'whsec-0123456789abcdef';
const NOW = Date.UTC(2026, 10, 20, 10, 0, 0);
const TIMESTAMP = NOW / 1000;
const BODY = '{"type":"earshot.page","id":"page-x-1","data":{}}';

function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function verify(overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}): boolean {
  return verifyWebhookSignature({
    secret: SECRET,
    timestamp: String(TIMESTAMP),
    body: BODY,
    signature: signWebhookBody({ secret: SECRET, timestamp: TIMESTAMP, body: BODY }),
    now: NOW,
    ...overrides,
  });
}

describe('signWebhookBody', () => {
  it('is sha256= and the hex HMAC of "<timestamp>.<body>"', () => {
    const signature = signWebhookBody({ secret: SECRET, timestamp: TIMESTAMP, body: BODY });

    expect(signature).toBe(`sha256=${hmacHex(SECRET, `${TIMESTAMP}.${BODY}`)}`);
  });

  it('signs bytes and the same text alike', () => {
    const fromBytes = signWebhookBody({
      secret: SECRET,
      timestamp: TIMESTAMP,
      body: Buffer.from('{"text":"café ☕"}'),
    });

    expect(fromBytes).toBe(
      signWebhookBody({ secret: SECRET, timestamp: TIMESTAMP, body: '{"text":"café ☕"}' }),
    );
  });
});

describe('verifyWebhookSignature', () => {
  it('accepts an untouched delivery, as a string or as raw bytes', () => {
    expect(verify()).toBe(true);
    expect(verify({ body: Buffer.from(BODY), timestamp: TIMESTAMP })).toBe(true);
  });

  it.each`
    case                             | overrides
    ${'a tampered body'}             | ${{ body: BODY.replace('page-x-1', 'page-x-2') }}
    ${'a tampered timestamp'}        | ${{ timestamp: String(TIMESTAMP + 1) }}
    ${'the wrong secret'}            | ${{ secret: 'another-secret-0123456789' }}
    ${'an old timestamp (301 s)'}    | ${{ now: NOW + 301_000 }}
    ${'a future timestamp (301 s)'}  | ${{ now: NOW - 301_000 }}
    ${'a missing signature'}         | ${{ signature: undefined }}
    ${'a missing timestamp'}         | ${{ timestamp: null }}
    ${'a non-numeric timestamp'}     | ${{ timestamp: '17951688OO' }}
    ${'a signature without sha256='} | ${{ signature: hmacHex(SECRET, `${TIMESTAMP}.${BODY}`) }}
    ${'a truncated signature'}       | ${{ signature: `sha256=${hmacHex(SECRET, `${TIMESTAMP}.${BODY}`).slice(0, 63)}` }}
    ${'an empty secret'}             | ${{ secret: '' }}
  `('rejects $case', ({ overrides }: { overrides: Parameters<typeof verify>[0] }) => {
    expect(verify(overrides)).toBe(false);
  });

  it('accepts timestamps inside the tolerance and honours a custom one', () => {
    expect(verify({ now: NOW + 300_000 })).toBe(true);
    expect(verify({ now: NOW + 60_000, toleranceSeconds: 30 })).toBe(false);
  });

  it('accepts any of several secrets during a rotation', () => {
    expect(verify({ secret: ['new-secret-0123456789abc', SECRET] })).toBe(true);
    expect(verify({ secret: ['new-secret-0123456789abc'] })).toBe(false);
  });
});

describe('webhookBody', () => {
  it('wraps the event as { type: "earshot.<kind>", id, data } that receivers can parse', () => {
    const event: NotifyEvent = {
      id: 'sla-warning-x-1860000000000000001',
      kind: 'sla-warning',
      caseId: 'x-1860000000000000001',
      severity: 'P1',
      category: 'billing',
      deadline: '2026-11-20T11:00:00.000Z',
      summary: 'P1 billing complaint from @sam: "charged twice"',
      text: '@acme charged twice for one order',
      author: { username: 'sam', name: 'Sam Lee', followersCount: null, verified: false },
      source: 'x-mentions',
      link: 'https://desk.example.com/cases/x-1860000000000000001',
      postUrl: null,
      at: '2026-11-20T10:30:00.000Z',
    };

    const body = webhookBody(event);

    expect(JSON.parse(body)).toEqual({ type: 'earshot.sla-warning', id: event.id, data: event });
    expect(WebhookDelivery.parse(JSON.parse(body))).toEqual({
      type: 'earshot.sla-warning',
      id: event.id,
      data: event,
    });
  });
});

describe('createWebhookNotifier', () => {
  it.each`
    case                | options                                                 | message
    ${'a relative URL'} | ${{ url: '/hooks/earshot', secret: SECRET }}            | ${'NOTIFY_WEBHOOK_URL must be an http(s) URL'}
    ${'an ftp URL'}     | ${{ url: 'ftp://example.com/hook', secret: SECRET }}    | ${'NOTIFY_WEBHOOK_URL must be an http(s) URL'}
    ${'a short secret'} | ${{ url: 'https://example.com/hook', secret: 'short' }} | ${'NOTIFY_WEBHOOK_SECRET must be at least 16 characters'}
  `(
    'refuses $case at construction',
    ({ options, message }: { options: { url: string; secret: string }; message: string }) => {
      expect(() => createWebhookNotifier(options)).toThrow(ConfigError);
      expect(() => createWebhookNotifier(options)).toThrow(message);
    },
  );
});
