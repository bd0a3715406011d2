import type { Logger } from '../../lib/logger.js';

/** The X API v2 endpoints the sandbox serves, named as X's rate-limit tables name them. */
export type XEndpointKey =
  | 'GET /2/users/me'
  | 'GET /2/users/:id/mentions'
  | 'GET /2/tweets/search/recent'
  | 'GET /2/tweets'
  | 'POST /2/tweets'
  | 'POST /2/dm_conversations/with/:participant_id/messages'
  | 'GET /2/dm_conversations/with/:participant_id/dm_events';

/**
 * Limits for one endpoint. A number sets the limit, `null` removes it, an absent key keeps the default.
 *
 * Per-user limits count user-context requests (OAuth 1.0a or OAuth 2 user token). The per-app 15-minute
 * limit counts app-only (bearer) requests. The per-app 24-hour limit counts every request made by the app.
 *
 * @example
 * { perUser15m: 100, perApp24h: 10_000 } // POST /2/tweets on pay-per-use
 */
export interface XEndpointLimits {
  perUser15m?: number | null;
  perApp15m?: number | null;
  perUser24h?: number | null;
  perApp24h?: number | null;
}

/** Rate limits per endpoint. Defaults are X's pay-per-use table (platform-facts §1.10 B). */
export type XRateLimits = Record<XEndpointKey, XEndpointLimits>;

/** One request the sandbox answered on the X API surface (admin calls are not logged). */
export interface SandboxRequestLog {
  method: string;
  /** Path without the query string, e.g. `/2/users/42/mentions`. */
  path: string;
  /** Decoded query parameters; the last value wins when a key repeats. */
  query: Record<string, string>;
  status: number;
  /** Epoch milliseconds from the sandbox clock when the response was sent. */
  at: number;
}

export interface XSandboxOptions {
  /** The account the sandbox's user-context credentials belong to. */
  brand: { id: string; username: string; name: string };
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Per-endpoint overrides merged over the defaults. */
  limits?: Partial<XRateLimits>;
  /** Length of the "15-minute" window in ms. Default 900_000; tests shorten it. */
  windowMs?: number;
  /** Clock in epoch ms. Default Date.now. */
  now?: () => number;
  logger?: Logger;
}

export interface XSandbox {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:53211`. X paths live under `/2/`. */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Clears posts, users, DMs, rate-limit counters and the request log. Limits stay as configured. */
  reset(): void;
  requests(): SandboxRequestLog[];
}
