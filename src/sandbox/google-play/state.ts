import type { CryptoKey } from 'jose';

import { createHash, randomBytes } from 'node:crypto';

/** Timestamps are kept in nanoseconds so every edit can move `lastModified` strictly forward. */
export const NANOS_PER_MS = 1_000_000n;
const NANOS_PER_SECOND = 1_000_000_000n;

export interface DeviceMetadata {
  productName?: string;
  manufacturer?: string;
  deviceClass?: string;
  screenWidthPx?: number;
  screenHeightPx?: number;
  nativePlatform?: string;
  screenDensityDpi?: number;
  glEsVersion?: number;
  cpuModel?: string;
  cpuMake?: string;
  ramMb?: number;
}

/** What the reviewer wrote and the device facts Play attaches to it. */
export interface UserCommentFields {
  body: string;
  /** Rendered before the body, joined by a TAB, as Play does for reviews that have a title. */
  title?: string;
  starRating: number;
  reviewerLanguage?: string;
  device?: string;
  androidOsVersion?: number;
  appVersionCode?: number;
  appVersionName?: string;
  thumbsUpCount: number;
  thumbsDownCount: number;
  deviceMetadata?: DeviceMetadata;
}

/**
 * review: created through the admin API, rendered per the discovery schema.
 * raw: injected verbatim by tests to feed consumers malformed items; never edited, rendered as stored.
 */
export type SandboxReview =
  | {
      kind: 'review';
      reviewId: string;
      authorName: string;
      comment: UserCommentFields;
      lastModifiedNs: bigint;
    }
  | { kind: 'raw'; reviewId: string; raw: Record<string, unknown>; lastModifiedNs: bigint };

export interface SandboxReply {
  reviewId: string;
  text: string;
  lastEditedNs: bigint;
}

export interface ServiceAccountRecord {
  clientEmail: string;
  privateKeyId: string;
  publicKey: CryptoKey;
}

export interface AccessTokenRecord {
  clientEmail: string;
  scopes: string[];
  expiresAt: number;
}

export interface PlayState {
  packageName: string;
  reviews: Map<string, SandboxReview>;
  /** One reply per review: a new reply replaces the old one, as reviews.reply does. */
  replies: Map<string, SandboxReply>;
  /** By private_key_id. Survives reset, like credentials. */
  accounts: Map<string, ServiceAccountRecord>;
  /** Issued access tokens. Survive reset, so a client's cached token keeps working across tests. */
  tokens: Map<string, AccessTokenRecord>;
  /** Counts every review id ever issued, so ids are never reused after a reset. */
  issued: number;
}

export function createState(packageName: string): PlayState {
  return {
    packageName,
    reviews: new Map(),
    replies: new Map(),
    accounts: new Map(),
    tokens: new Map(),
    issued: 0,
  };
}

export function resetState(state: PlayState): void {
  state.reviews.clear();
  state.replies.clear();
}

/** A review id shaped like Play's (`gp:AOqpTO…`), deterministic per package and sequence number. */
export function newReviewId(state: PlayState): string {
  state.issued += 1;
  const digest = createHash('sha256')
    .update(`${state.packageName}\n${state.issued}`)
    .digest('base64url');
  return `gp:AOqpTO${digest.slice(0, 40)}`;
}

export function newAccessToken(): string {
  return `ya29.sandbox-${randomBytes(24).toString('base64url')}`;
}

export function msToNanos(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * NANOS_PER_MS;
}

/** A later instant than both `at` and `previous`: edits in the same millisecond still move forward. */
export function after(previous: bigint, at: bigint): bigint {
  return at > previous ? at : previous + 1n;
}

/**
 * Google's Timestamp JSON: seconds as an int64 string; `nanos` omitted when zero, as proto3 JSON omits
 * default values (real payloads show `{"seconds":"1741046400"}`).
 */
export function timestamp(ns: bigint): { seconds: string; nanos?: number } {
  const seconds = ns / NANOS_PER_SECOND;
  const nanos = Number(ns % NANOS_PER_SECOND);
  return nanos === 0 ? { seconds: String(seconds) } : { seconds: String(seconds), nanos };
}

/** The instant a raw item claims in comments[0].userComment.lastModified, if it is readable. */
export function rawLastModified(raw: Record<string, unknown>): bigint | undefined {
  const comments = raw.comments;
  if (!Array.isArray(comments)) {
    return undefined;
  }
  const first = comments[0] as { userComment?: { lastModified?: unknown } } | undefined;
  const lastModified = first?.userComment?.lastModified as
    { seconds?: unknown; nanos?: unknown } | undefined;
  const seconds = lastModified?.seconds;
  if (typeof seconds !== 'string' && typeof seconds !== 'number') {
    return undefined;
  }
  if (!/^\d{1,12}$/.test(String(seconds))) {
    return undefined;
  }
  const nanos = typeof lastModified?.nanos === 'number' ? Math.trunc(lastModified.nanos) : 0;
  return BigInt(String(seconds)) * NANOS_PER_SECOND + BigInt(Math.max(0, nanos));
}

/** Reviews sorted by most recent activity first (ties: larger id first, so the order is stable). */
export function newestFirst(reviews: Iterable<SandboxReview>): SandboxReview[] {
  return [...reviews].sort((a, b) => {
    if (a.lastModifiedNs !== b.lastModifiedNs) {
      return a.lastModifiedNs > b.lastModifiedNs ? -1 : 1;
    }
    if (a.reviewId === b.reviewId) {
      return 0;
    }
    return a.reviewId > b.reviewId ? -1 : 1;
  });
}
