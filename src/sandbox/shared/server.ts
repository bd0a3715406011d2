import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import type { Logger } from '../../lib/logger.js';
import {
  queryRecord,
  readBody,
  requestUrl,
  send,
  type SandboxHttpRequest,
  type SandboxHttpResponse,
} from './http.js';

/** One request a sandbox answered on its platform surface; each platform's log entry has these fields. */
export interface SandboxRequestEntry {
  method: string;
  /** Path without the query string, as sent (percent-encoding kept). */
  path: string;
  query: Record<string, string>;
  status: number;
  /** Epoch milliseconds from the sandbox clock when the response was sent. */
  at: number;
}

/**
 * What one platform plugs into the shared request cycle: read the body, route admin calls, answer, log, send.
 *
 * @example
 * const routes: SandboxRoutes = {
 *   adminPrefix: '/__sandbox/x',
 *   admin: (request) => handleAdmin(sandbox, request),
 *   api: (request) => handleXApi(sandbox, request),
 *   failure,
 *   record: (entry) => sandbox.log.push(entry),
 * };
 */
export interface SandboxRoutes {
  /** Requests on this path or below it go to `admin`, are not logged and never reach `api`. */
  adminPrefix: string;
  admin(request: SandboxHttpRequest): SandboxHttpResponse | Promise<SandboxHttpResponse>;
  /** Every other request: the platform's surface, unknown routes included. */
  api(request: SandboxHttpRequest): SandboxHttpResponse | Promise<SandboxHttpResponse>;
  /** The platform's answer when reading or answering a request threw, e.g. on a BodyTooLargeError. */
  failure(error: unknown): SandboxHttpResponse;
  /** Keeps the entry for the sandbox's `requests()`, before the answer is sent. */
  record(entry: SandboxRequestEntry): void;
  /** Extra fields for the per-request debug line. */
  debugFields?(): Record<string, unknown>;
}

export interface SandboxServerOptions<Entry extends SandboxRequestEntry> {
  /** Names the sandbox in log lines and errors, e.g. `App Store` gives "App Store sandbox listening". */
  name: string;
  /** Default 127.0.0.1. */
  host?: string | undefined;
  /** Default 0: an ephemeral port. */
  port?: number | undefined;
  /** The sandbox clock in epoch ms, for the request log. */
  now: () => number;
  logger?: Logger | undefined;
  /** The routes for one request; `origin` is the server's own base URL, e.g. `http://127.0.0.1:53211`. */
  routes(origin: string): SandboxRoutes;
  /** The request log `routes.record` keeps, as `requests()` returns it. */
  log: readonly Entry[];
  /** What the sandbox's `reset()` does (the same as its admin `POST /reset`). */
  reset(): void;
}

export interface SandboxServer<Entry extends SandboxRequestEntry> {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:53211`. */
  url: string;
  port: number;
  close(): Promise<void>;
  reset(): void;
  /** A copy of the request log, oldest first. */
  requests(): Entry[];
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

async function serve<Entry extends SandboxRequestEntry>(
  options: SandboxServerOptions<Entry>,
  origin: string,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const routes = options.routes(origin);
  const method = (incoming.method ?? 'GET').toUpperCase();
  let url = new URL('/', origin);
  let reply: SandboxHttpResponse;
  try {
    url = requestUrl(incoming, origin);
    const body = await readBody(incoming);
    const request: SandboxHttpRequest = { method, url, headers: incoming.headers, body };
    if (isUnder(url.pathname, routes.adminPrefix)) {
      send(outgoing, await routes.admin(request));
      return;
    }
    reply = await routes.api(request);
  } catch (error) {
    options.logger?.error(
      { err: error, method, path: url.pathname },
      `${options.name} sandbox request failed`,
    );
    reply = routes.failure(error);
  }
  routes.record({
    method,
    path: url.pathname,
    query: queryRecord(url),
    status: reply.status,
    at: options.now(),
  });
  options.logger?.debug(
    { method, path: url.pathname, status: reply.status, ...routes.debugFields?.() },
    `${options.name} sandbox request`,
  );
  send(outgoing, reply);
}

/** Starts a sandbox's HTTP server on loopback and resolves once it listens. */
export async function startSandboxServer<Entry extends SandboxRequestEntry>(
  options: SandboxServerOptions<Entry>,
): Promise<SandboxServer<Entry>> {
  const host = options.host ?? '127.0.0.1';
  let origin = `http://${host}`;
  const server = createServer((incoming, outgoing) => {
    void serve(options, origin, incoming, outgoing);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error(`${options.name} sandbox did not bind a TCP port`);
  }
  const { port } = address;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  options.logger?.info({ url: origin }, `${options.name} sandbox listening`);

  return {
    url: origin,
    port,
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
    reset: () => options.reset(),
    requests() {
      return options.log.map((entry) => ({ ...entry, query: { ...entry.query } }));
    },
  };
}
