import type { Logger } from '../../lib/logger.js';

/** Quotas and the review window, per app. Defaults are Play's (platform-facts §5.3). */
export interface PlayLimits {
  /** GET requests (reviews.list and reviews.get) per rolling hour. Default 200. */
  readsPerHour: number;
  /** POST reviews.reply per day; days end at midnight Pacific time, like Google's daily quotas. Default 2,000. */
  repliesPerDay: number;
  /** Only reviews created or modified within this many days are listed or returned. Default 7. */
  windowDays: number;
}

/** One request the sandbox answered on the Google surface (`/token`, `/androidpublisher/...`, unknown routes). */
export interface PlayRequestLog {
  method: string;
  /** Path without the query string, as sent (percent-encoding kept). */
  path: string;
  query: Record<string, string>;
  status: number;
  /** Epoch milliseconds from the sandbox clock. */
  at: number;
}

export interface GooglePlaySandboxOptions {
  /** The one app whose reviews the sandbox serves, e.g. `com.acme.shop`. */
  packageName: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Clock in epoch ms. Default Date.now. */
  now?: () => number;
  readsPerHour?: number;
  repliesPerDay?: number;
  windowDays?: number;
  logger?: Logger;
}

export interface GooglePlaySandbox {
  /** Base URL without a trailing slash; API paths live under `/androidpublisher/v3/`, the token endpoint at `/token`. */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Clears reviews, replies, quota counters and the request log. Service accounts, tokens and limits stay. */
  reset(): void;
  requests(): PlayRequestLog[];
}
