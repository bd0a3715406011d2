import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Five minutes, as Stripe: wide enough for clock skew and queue delay, narrow enough to limit replays. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const UnixSeconds = z.union([
  z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
  z.int().min(0),
]);

function digest(secret: string, timestamp: number, body: string | Uint8Array): Buffer {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8');
  if (typeof body === 'string') {
    hmac.update(body, 'utf8');
  } else {
    hmac.update(body);
  }
  return hmac.digest();
}

/**
 * The `x-earshot-signature` value for a body sent at `timestamp` (unix seconds):
 * `sha256=` + hex HMAC-SHA256(secret, `${timestamp}.${body}`).
 *
 * @example
 * signWebhookBody({ secret, timestamp: 1795168800, body: '{"type":"earshot.page",…}' }) // 'sha256=5d1f…'
 */
export function signWebhookBody(input: {
  secret: string;
  timestamp: number;
  body: string | Uint8Array;
}): string {
  return `sha256=${digest(input.secret, input.timestamp, input.body).toString('hex')}`;
}

/**
 * Checks an earshot webhook the way a receiver should: the signature must match the raw body and the
 * timestamp header, and the timestamp must be within `toleranceSeconds` of `now` (either side) so a captured
 * request cannot be replayed later. Compares in constant time. Pass the raw bytes as received: re-serialised
 * JSON will not match. `secret` may list several secrets while one is being rotated. Header values may be passed as
 * Node gives them (`string | string[] | undefined`); a repeated header never verifies.
 *
 * @example
 * const ok = verifyWebhookSignature({
 *   secret, timestamp: req.headers['x-earshot-timestamp'],
 *   body: rawBody, signature: req.headers['x-earshot-signature'], now: Date.now(),
 * });
 */
export function verifyWebhookSignature(input: {
  secret: string | readonly string[];
  timestamp: string | number | readonly string[] | null | undefined;
  body: string | Uint8Array;
  signature: string | readonly string[] | null | undefined;
  /** Epoch milliseconds. */
  now: number;
  toleranceSeconds?: number;
}): boolean {
  const timestamp = UnixSeconds.safeParse(input.timestamp);
  const match = SIGNATURE.exec(typeof input.signature === 'string' ? input.signature : '');
  if (!timestamp.success || match === null || match[1] === undefined) {
    return false;
  }
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(input.now / 1000 - timestamp.data) > tolerance) {
    return false;
  }
  const given = Buffer.from(match[1], 'hex');
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  let valid = false;
  for (const secret of secrets) {
    if (secret === '') {
      continue;
    }
    // No early exit: the time taken must not reveal which secret matched.
    valid = timingSafeEqual(given, digest(secret, timestamp.data, input.body)) || valid;
  }
  return valid;
}
