import type { KeyObject } from 'node:crypto';

import type { CryptoKey } from 'jose';

import type { Logger } from '../../lib/logger.js';

/** One request the sandbox answered on the App Store surfaces (admin calls are not logged). */
export interface AppStoreRequestLog {
  /** `api` for App Store Connect (`/v1/...` and unknown routes), `rss` for the public review feed. */
  surface: 'api' | 'rss';
  method: string;
  /** Path without the query string, e.g. `/v1/apps/1/customerReviews`. */
  path: string;
  /** Decoded query parameters; the last value wins when a key repeats. */
  query: Record<string, string>;
  status: number;
  /** Epoch milliseconds from the sandbox clock when the response was sent. */
  at: number;
  /** Why a bearer token was refused (401 only), for tests and debugging; Apple never says. */
  authFailure?: string;
}

export interface AppStoreSandboxOptions {
  /** The app whose reviews the sandbox serves (App Store Connect's numeric app id, e.g. `682658836`). */
  appId: string;
  /** The issuer id tokens must carry as `iss`. */
  issuerId: string;
  /** The key id tokens must carry as `kid`. */
  keyId: string;
  /** The public half of the API key: SPKI PEM, a CryptoKey or a KeyObject. See createSandboxAppleKeys(). */
  publicKey: string | CryptoKey | KeyObject;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Clock in epoch ms. Default Date.now. */
  now?: () => number;
  /** Requests per rolling hour (`user-hour-lim`). Default 3600. */
  hourlyLimit?: number;
  /** How long a response stays PENDING_PUBLISH on the sandbox clock. Default 300_000 (5 minutes). */
  publishDelayMs?: number;
  /** Put an app-metadata entry (no `im:rating`) first on RSS page 1, as older feeds did. Default false. */
  rssMetadataEntry?: boolean;
  logger?: Logger;
}

export interface AppStoreSandbox {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:53211`. API paths live under `/v1/`. */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Clears reviews, responses, rate-limit counters and the request log. Limits stay as configured. */
  reset(): void;
  requests(): AppStoreRequestLog[];
}
