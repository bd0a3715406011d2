import { z } from 'zod';
import { EarshotError, type ErrorCode } from '../../errors.js';

/**
 * Why one delivery attempt failed.
 *
 * - `network`: no HTTP answer (DNS, refused, reset, TLS).
 * - `timeout`: no answer within the notifier's timeout, or the receiver answered 408.
 * - `aborted`: the caller's signal aborted the attempt (e.g. the worker is shutting down).
 * - `rate-limited`: 429; see `retryAfterMs`.
 * - `server-error`: 5xx.
 * - `rejected`: any other non-2xx answer: a wrong URL or secret, or a payload the receiver refuses.
 * - `invalid-event`: the event cannot be sent as it is (a bug upstream); nothing was sent.
 */
export type NotifyFailureReason =
  | 'invalid-event'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'rate-limited'
  | 'server-error'
  | 'rejected';

/**
 * One notification attempt failed. `retryable` is the retry decision: the `notify` queue retries when true and
 * records the failure and stops when false (an operator must fix the URL or secret named in `message`).
 *
 * @example
 * catch (error) {
 *   if (error instanceof NotifyFailed && !error.retryable) throw new UnrecoverableError(error.message);
 *   if (error instanceof NotifyFailed && error.retryAfterMs !== null) { await worker.rateLimit(error.retryAfterMs); throw Worker.RateLimitError(); }
 *   throw error;
 * }
 */
export class NotifyFailed extends EarshotError {
  /** The notifier's id, e.g. `slack`. */
  readonly notifier: string;
  readonly reason: NotifyFailureReason;
  readonly retryable: boolean;
  /** The HTTP status, or null when there was no answer. */
  readonly status: number | null;
  /** How long the receiver asked us to wait (Retry-After), or null when it did not say. */
  readonly retryAfterMs: number | null;

  constructor(
    details: {
      notifier: string;
      reason: NotifyFailureReason;
      retryable: boolean;
      status: number | null;
      retryAfterMs: number | null;
      message: string;
    },
    options?: { cause?: unknown },
  ) {
    super(codeOf(details.reason, details.status), details.message, options);
    this.notifier = details.notifier;
    this.reason = details.reason;
    this.retryable = details.retryable;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

function codeOf(reason: NotifyFailureReason, status: number | null): ErrorCode {
  if (reason === 'rate-limited') {
    return 'rate-limited';
  }
  if (reason === 'invalid-event') {
    return 'config-invalid';
  }
  if (reason !== 'rejected') {
    return 'transient-network';
  }
  if (status === 401 || status === 403) {
    return 'auth-failed';
  }
  return 'config-invalid';
}

/**
 * The retry decision for one HTTP status that is not 2xx. 408, 429 and 5xx can succeed later; every other
 * answer (3xx included: we never follow redirects with a signed body) means the configuration is wrong.
 */
export function classifyStatus(status: number): {
  reason: Exclude<NotifyFailureReason, 'network' | 'aborted' | 'invalid-event'>;
  retryable: boolean;
} {
  if (status === 408) {
    return { reason: 'timeout', retryable: true };
  }
  if (status === 429) {
    return { reason: 'rate-limited', retryable: true };
  }
  if (status >= 500 && status <= 599) {
    return { reason: 'server-error', retryable: true };
  }
  return { reason: 'rejected', retryable: false };
}

const DeltaSeconds = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);
// RFC 9110 §5.6.7 IMF-fixdate, the only HTTP-date form senders may generate.
const HttpDate = z
  .string()
  .regex(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
  .transform((value) => Date.parse(value))
  .pipe(z.number().refine((at) => !Number.isNaN(at)));

/**
 * Parses a Retry-After header (delta-seconds or an HTTP-date) into milliseconds from `now`.
 *
 * @example
 * parseRetryAfter('30', now) // 30_000
 * parseRetryAfter('Fri, 20 Nov 2026 10:00:30 GMT', Date.parse('2026-11-20T10:00:00Z')) // 30_000
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) {
    return null;
  }
  const trimmed = value.trim();
  const seconds = DeltaSeconds.safeParse(trimmed);
  if (seconds.success) {
    return seconds.data * 1000;
  }
  const date = HttpDate.safeParse(trimmed);
  if (date.success) {
    return Math.max(0, date.data - now);
  }
  return null;
}
