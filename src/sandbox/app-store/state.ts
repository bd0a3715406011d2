import { randomBytes } from 'node:crypto';

import type { TerritoryCode } from '../../sources/app-store/territories.js';

/** A review written through the admin API: served by App Store Connect and, in its storefront, by the feed. */
export interface SandboxReview {
  kind: 'review';
  /** App Store Connect id, e.g. `00000028-b08c-0014-729e-fbd500000000`. */
  id: string;
  /** The public feed's numeric id for the same review (a different id space). */
  feedId: string;
  /** Insertion order: breaks ties between equal dates. */
  seq: number;
  rating: number;
  title: string;
  body: string;
  reviewerNickname: string;
  territory: TerritoryCode;
  /** Shown by the feed (`im:version`) only; App Store Connect has no version on a review. */
  appVersion: string;
  createdDate: number;
  /** Changes on every edit; the feed's `updated`. */
  lastModified: number;
}

/** A customerReviews resource stored verbatim, to feed consumers malformed data on purpose. */
export interface RawApiReview {
  kind: 'raw-api';
  id: string | null;
  seq: number;
  resource: Record<string, unknown>;
  /** From `attributes.createdDate` when parseable, else the sandbox clock at injection. */
  sortDate: number;
}

/** A feed entry stored verbatim and served in one storefront's feed. */
export interface RawFeedEntry {
  kind: 'raw-feed';
  seq: number;
  territory: TerritoryCode;
  entry: Record<string, unknown>;
  /** From `updated.label` when parseable, else the sandbox clock at injection. */
  sortDate: number;
}

export interface SandboxResponse {
  id: string;
  reviewId: string;
  responseBody: string;
  lastModifiedDate: number;
  /** When the response turns from PENDING_PUBLISH to PUBLISHED on the sandbox clock. */
  publishAt: number;
}

export type ResponseState = 'PENDING_PUBLISH' | 'PUBLISHED';

export interface SandboxState {
  appId: string;
  reviews: Map<string, SandboxReview>;
  rawApi: RawApiReview[];
  rawFeed: RawFeedEntry[];
  responses: Map<string, SandboxResponse>;
  seq: number;
  nextFeedId: bigint;
  publishDelayMs: number;
  rssMetadataEntry: boolean;
  now: () => number;
}

const FIRST_FEED_ID = 10_400_000_000n;

export function createState(options: {
  appId: string;
  publishDelayMs: number;
  rssMetadataEntry: boolean;
  now: () => number;
}): SandboxState {
  return {
    ...options,
    reviews: new Map(),
    rawApi: [],
    rawFeed: [],
    responses: new Map(),
    seq: 0,
    nextFeedId: FIRST_FEED_ID,
  };
}

/** Forgets reviews and responses; sequences keep increasing so ids are never reused. */
export function resetState(state: SandboxState): void {
  state.reviews.clear();
  state.rawApi.length = 0;
  state.rawFeed.length = 0;
  state.responses.clear();
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** An id shaped like App Store Connect's (`00000028-b08c-0014-729e-fbd500000000`). */
export function newResourceId(prefix: '0000002a' | '0000003c'): string {
  return `${prefix}-${hex(2)}-${hex(2)}-${hex(2)}-${hex(2)}00000000`;
}

export function nextSeq(state: SandboxState): number {
  state.seq += 1;
  return state.seq;
}

export function newFeedId(state: SandboxState): string {
  const id = state.nextFeedId;
  state.nextFeedId += 1n + BigInt(Math.floor(Math.random() * 50));
  return id.toString();
}

export function responseState(response: SandboxResponse, now: number): ResponseState {
  return now >= response.publishAt ? 'PUBLISHED' : 'PENDING_PUBLISH';
}

export function responseForReview(
  state: SandboxState,
  reviewId: string,
): SandboxResponse | undefined {
  for (const response of state.responses.values()) {
    if (response.reviewId === reviewId) {
      return response;
    }
  }
  return undefined;
}

/** Whether App Store Connect knows a review with this id (raw ones included, so they can be answered). */
export function reviewExists(state: SandboxState, reviewId: string): boolean {
  return state.reviews.has(reviewId) || state.rawApi.some((raw) => raw.id === reviewId);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseDate(value: unknown): number | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
