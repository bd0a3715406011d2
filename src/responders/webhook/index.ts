import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { NotifyFailed } from '../notify/errors.js';
import { checkEndpoint, deliverOnce } from '../notify/http.js';
import type { Notifier, NotifyEvent } from '../notify/types.js';
import type { WebhookDelivery } from './schema.js';
import { signWebhookBody } from './signature.js';

export { WebhookDelivery } from './schema.js';
export { DEFAULT_TOLERANCE_SECONDS, signWebhookBody, verifyWebhookSignature } from './signature.js';

export interface WebhookNotifierOptions {
  /** The receiver's URL (NOTIFY_WEBHOOK_URL). */
  url: string;
  /** The shared HMAC secret (NOTIFY_WEBHOOK_SECRET), at least 16 characters. */
  secret: string;
  fetch?: typeof fetch;
  /** Per attempt; default 10 000 ms. */
  timeoutMs?: number;
  /** Epoch ms, for the signed timestamp and Retry-After dates; default Date.now. */
  now?: () => number;
}

const URL_KEY = 'NOTIFY_WEBHOOK_URL';
const SECRET_KEY = 'NOTIFY_WEBHOOK_SECRET';
const Secret = z.string().min(16);
/** Visible ASCII only: the id travels in a header, and fetch refuses anything else before sending. */
const HeaderSafeId = z.string().regex(/^[\x21-\x7e]{1,200}$/);

function webhookHint(status: number): string {
  if (status === 401 || status === 403) {
    return `the receiver refused the signature; check ${SECRET_KEY} matches the receiver's secret and both clocks are in sync`;
  }
  if (status >= 300 && status <= 399) {
    return `the URL redirects; set ${URL_KEY} to the final URL`;
  }
  if (status === 413) {
    return `the receiver refused the body size; raise its limit (posts can be long)`;
  }
  return `check ${URL_KEY} and the receiver's logs`;
}

/** The exact JSON sent for one event; the signature covers these bytes. */
export function webhookBody(event: NotifyEvent): string {
  const delivery: WebhookDelivery = { type: `earshot.${event.kind}`, id: event.id, data: event };
  return JSON.stringify(delivery);
}

/**
 * POSTs each event, signed, to a generic webhook: one attempt, any 2xx is delivered. Headers:
 * `x-earshot-event` (kind), `x-earshot-delivery` (event id, stable across retries: dedupe on it),
 * `x-earshot-timestamp` (unix seconds) and `x-earshot-signature` (`sha256=` hex HMAC of `${timestamp}.${body}`;
 * check it with verifyWebhookSignature). Failures throw NotifyFailed with the retry decision.
 *
 * @example
 * const hook = createWebhookNotifier({ url: config.NOTIFY_WEBHOOK_URL, secret: config.NOTIFY_WEBHOOK_SECRET });
 * await hook.notify(event);
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): Notifier {
  const timeoutMs = checkEndpoint(URL_KEY, options.url, options.timeoutMs);
  if (!Secret.safeParse(options.secret).success) {
    throw new ConfigError(`${SECRET_KEY} must be at least 16 characters`);
  }
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  return {
    id: 'webhook',
    async notify(event, signal) {
      if (!HeaderSafeId.safeParse(event.id).success) {
        throw new NotifyFailed({
          notifier: 'webhook',
          reason: 'invalid-event',
          retryable: false,
          status: null,
          retryAfterMs: null,
          message: `event id ${JSON.stringify(event.id.slice(0, 200))} cannot be sent in a header (1–200 visible ASCII characters); this is a bug in earshot`,
        });
      }
      const body = webhookBody(event);
      const timestamp = Math.floor(now() / 1000);
      await deliverOnce({
        notifier: 'webhook',
        peer: 'The webhook receiver',
        urlKey: URL_KEY,
        url: options.url,
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'earshot',
          'x-earshot-event': event.kind,
          'x-earshot-delivery': event.id,
          'x-earshot-timestamp': String(timestamp),
          'x-earshot-signature': signWebhookBody({ secret: options.secret, timestamp, body }),
        },
        fetch: fetchImpl,
        timeoutMs,
        signal,
        now,
        hint: webhookHint,
      });
    },
  };
}
