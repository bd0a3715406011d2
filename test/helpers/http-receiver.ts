import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { beforeEach } from 'vitest';

import { useSuiteResource } from './suite-resource.js';

/** One request as the receiver saw it; `rawBody` holds the exact bytes, for signature checks. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  body: string;
}

/**
 * How to answer one request: a status (body `ok` for 2xx, the status text otherwise), a full answer, or
 * `'hang'` to never answer (until `close()`), for timeout tests.
 */
export type ReceiverReply =
  number | 'hang' | { status: number; headers?: Record<string, string>; body?: string };

export interface HttpReceiver {
  /** `http://127.0.0.1:<port>`; append any path. */
  url: string;
  requests: RecordedRequest[];
  /** Replaces the queue of answers; requests past its end get the fallback. */
  reply(sequence: readonly ReceiverReply[]): void;
  /** Resolves once at least `count` requests have been recorded. */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Forgets recorded requests and queued answers. */
  reset(): void;
  /** Drops open connections (hanging ones included) and stops listening. */
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 with an ephemeral port that records every request and answers from a
 * programmable sequence, e.g. `[500, { status: 429, headers: { 'retry-after': '1' } }, 200]`.
 *
 * @example
 * const receiver = await startHttpReceiver({ replies: [500, 200] });
 * await fetch(`${receiver.url}/hook`, { method: 'POST', body: '{}' });
 * expect(receiver.requests[0]?.path).toBe('/hook');
 * await receiver.close();
 */
export async function startHttpReceiver(
  options: { replies?: readonly ReceiverReply[]; fallback?: ReceiverReply } = {},
): Promise<HttpReceiver> {
  const requests: RecordedRequest[] = [];
  let queue: ReceiverReply[] = [...(options.replies ?? [])];
  const fallback = options.fallback ?? 200;
  const waiters = new Set<() => void>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody,
        body: rawBody.toString('utf8'),
      });
      for (const wake of waiters) {
        wake();
      }
      answer(res, queue.shift() ?? fallback);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply(sequence) {
      queue = [...sequence];
    },
    waitForRequests(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        function check(): void {
          if (requests.length >= count) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(requests);
          }
        }
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} requests, got ${requests.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    reset() {
      requests.length = 0;
      queue = [];
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

/**
 * One receiver for the enclosing file or describe, forgotten (requests and queued answers) before each test and
 * closed after the last. The receiver is usable from the first hook on.
 *
 * @example
 * const receiver = useHttpReceiver();
 *
 * it('posts once', async () => {
 *   receiver.reply([500]);
 *   await fetch(`${receiver.url}/hook`, { method: 'POST', body: '{}' });
 *   expect(receiver.requests).toHaveLength(1);
 * });
 */
export function useHttpReceiver(): HttpReceiver {
  const started = useSuiteResource('receiver', startHttpReceiver, (receiver) => receiver.close());

  beforeEach(() => {
    started().reset();
  });

  return {
    get url() {
      return started().url;
    },
    get requests() {
      return started().requests;
    },
    reply: (sequence) => started().reply(sequence),
    waitForRequests: (count, timeoutMs) => started().waitForRequests(count, timeoutMs),
    reset: () => started().reset(),
    close: () => started().close(),
  };
}

function answer(res: ServerResponse, reply: ReceiverReply): void {
  if (reply === 'hang') {
    return;
  }
  if (typeof reply === 'number') {
    const body = reply >= 200 && reply <= 299 ? 'ok' : String(reply);
    res.writeHead(reply, { 'content-type': 'text/plain' }).end(body);
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
  res.end(reply.body ?? '');
}
