import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { classifyStatus, NotifyFailed, parseRetryAfter } from './errors.js';

export const DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;

/** Enough for Slack's one-word errors and the first line of a receiver's error page. */
const MAX_DETAIL_BYTES = 1024;
const MAX_DETAIL_CHARS = 200;

/** One POST to a notification endpoint, and how to explain its failures to an operator. */
export interface DeliveryRequest {
  /** The notifier's id, copied onto NotifyFailed. */
  notifier: string;
  /** Who answers, as the start of a sentence: `Slack`, `The webhook receiver`. */
  peer: string;
  /** The config key holding the URL, named in hints: `SLACK_WEBHOOK_URL`. */
  urlKey: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  now: () => number;
  /** What the operator should check when the peer rejected the request with `status`. */
  hint(status: number, detail: string): string;
}

/**
 * Makes exactly one attempt. Resolves on any 2xx; otherwise throws NotifyFailed with the retry decision.
 * Redirects are not followed: a 3xx means the configured URL is stale, and following it would resend a
 * signed body to a host nobody configured.
 */
export async function deliverOnce(request: DeliveryRequest): Promise<void> {
  // One controller per attempt rather than AbortSignal.any/timeout: the caller's signal is usually the worker's
  // long-lived one, and composites hung on it pile up (nodejs/node#55351); here the listener goes in `finally`.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`no answer within ${request.timeoutMs} ms`, 'TimeoutError'));
  }, request.timeoutMs);
  const caller = request.signal;
  function onCallerAbort(): void {
    controller.abort(caller?.reason);
  }
  if (caller?.aborted) {
    onCallerAbort();
  }
  caller?.addEventListener('abort', onCallerAbort, { once: true });

  try {
    let response: Response;
    try {
      response = await request.fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
        redirect: 'manual',
      });
    } catch (error) {
      throw failureWithoutAnswer(request, error, timedOut);
    }
    if (response.status >= 200 && response.status <= 299) {
      await discardBody(response);
      return;
    }
    const detail = await readDetail(response);
    throw failureFromAnswer(request, response, detail);
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onCallerAbort);
  }
}

function failureWithoutAnswer(
  request: DeliveryRequest,
  error: unknown,
  timedOut: boolean,
): NotifyFailed {
  const common = { notifier: request.notifier, retryable: true, status: null, retryAfterMs: null };
  if (request.signal?.aborted && !timedOut) {
    return new NotifyFailed(
      { ...common, reason: 'aborted', message: `${request.peer} delivery was aborted` },
      { cause: error },
    );
  }
  if (timedOut) {
    return new NotifyFailed(
      {
        ...common,
        reason: 'timeout',
        message: `${request.peer} did not answer within ${request.timeoutMs} ms`,
      },
      { cause: error },
    );
  }
  return new NotifyFailed(
    {
      ...common,
      reason: 'network',
      message: `${request.peer} could not be reached (${networkDetail(error)}); check ${request.urlKey} if this persists`,
    },
    { cause: error },
  );
}

function failureFromAnswer(
  request: DeliveryRequest,
  response: Response,
  detail: string,
): NotifyFailed {
  const status = response.status;
  const { reason, retryable } = classifyStatus(status);
  const answered = `${request.peer} answered ${status}${detail === '' ? '' : ` ${detail}`}`;
  const common = { notifier: request.notifier, reason, retryable, status };
  if (!retryable) {
    return new NotifyFailed({
      ...common,
      retryAfterMs: null,
      message: `${answered}: ${request.hint(status, detail)}`,
    });
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), request.now());
  const wait = retryAfterMs === null ? '' : `; it asked to retry after ${retryAfterMs} ms`;
  return new NotifyFailed({ ...common, retryAfterMs, message: `${answered}${wait}` });
}

function networkDetail(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const cause = error.cause;
  if (cause instanceof Error) {
    return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
  }
  return error.message;
}

async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // The answer is already known; a body that fails to close changes nothing.
  }
}

/** The first line of the answer, capped and stripped of control characters: it ends up in logs and the audit. */
async function readDetail(response: Response): Promise<string> {
  if (response.body === null) {
    return '';
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_DETAIL_BYTES) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut off mid-read still tells us the status, which is what decides the retry.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, MAX_DETAIL_BYTES).toString('utf8');
  const line = text
    .split(/\r?\n/)
    .map((part) => part.replace(/\p{Cc}/gu, ' ').trim())
    .find((part) => part !== '');
  return (line ?? '').replace(/\s+/g, ' ').slice(0, MAX_DETAIL_CHARS);
}

const TimeoutMs = z.int().min(1).max(600_000);

/**
 * Validates a notifier's URL and timeout once, at construction, so a typo fails at startup. The URL is never
 * echoed: a Slack webhook URL is itself the credential.
 */
export function checkEndpoint(urlKey: string, url: string, timeoutMs: number | undefined): number {
  const parsed = z.url({ protocol: /^https?$/ }).safeParse(url);
  if (!parsed.success) {
    throw new ConfigError(`${urlKey} must be an http(s) URL`);
  }
  const timeout = TimeoutMs.safeParse(timeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS);
  if (!timeout.success) {
    throw new ConfigError(`the ${urlKey} timeout must be a whole number of ms from 1 to 600000`);
  }
  return timeout.data;
}
