import { createHash } from 'node:crypto';

import { territoryOf } from '../../../sources/app-store/territories.js';
import { appleDate } from '../dates.js';
import type { SandboxHttpResponse } from '../http.js';
import type { SandboxReview, SandboxState } from '../state.js';

/** About 50 entries a page and at most 10 pages per storefront (platform-facts §4.1). */
export const FEED_PAGE_SIZE = 50;
export const FEED_MAX_PAGES = 10;

const FEED_CONTENT_TYPE = 'application/json; charset=utf-8';
const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

export interface FeedRequest {
  storefront: string;
  page: number;
  appId: string;
  sortBy: string;
  format: string;
}

const FEED_PATHS: ReadonlyArray<{ pattern: RegExp; parse(match: RegExpExecArray): FeedRequest }> = [
  {
    // /us/rss/customerreviews/page=1/id=123/sortby=mostrecent/json (app-store-scraper's order)
    pattern:
      /^\/([A-Za-z]{2})\/rss\/customerreviews\/page=(\d+)\/id=(\d+)\/sortby=(\w+)\/(json|xml)$/i,
    parse: (match) => ({
      storefront: match[1] ?? '',
      page: Number(match[2]),
      appId: match[3] ?? '',
      sortBy: match[4] ?? '',
      format: match[5] ?? '',
    }),
  },
  {
    // /us/rss/customerreviews/id=123/sortBy=mostRecent/page=1/json (the other order seen in public code)
    pattern:
      /^\/([A-Za-z]{2})\/rss\/customerreviews\/id=(\d+)\/sortby=(\w+)(?:\/page=(\d+))?\/(json|xml)$/i,
    parse: (match) => ({
      storefront: match[1] ?? '',
      page: match[4] === undefined ? 1 : Number(match[4]),
      appId: match[2] ?? '',
      sortBy: match[3] ?? '',
      format: match[5] ?? '',
    }),
  },
];

export function isFeedPath(path: string): boolean {
  return /^\/[A-Za-z]{2}\/rss\/customerreviews(\/|$)/i.test(path);
}

export function parseFeedPath(path: string): FeedRequest | undefined {
  for (const { pattern, parse } of FEED_PATHS) {
    const match = pattern.exec(path);
    if (match) {
      return parse(match);
    }
  }
  return undefined;
}

function label(value: string): { label: string } {
  return { label: value };
}

function text(status: number, body: string): SandboxHttpResponse {
  return { status, body, contentType: TEXT_CONTENT_TYPE };
}

/** A stable numeric reviewer id for the author URI (the feed's, unrelated to anything in App Store Connect). */
function reviewerNumber(nickname: string): string {
  const digest = createHash('sha256').update(nickname).digest();
  return String(100_000_000 + (digest.readUInt32BE(0) % 900_000_000));
}

function renderEntry(review: SandboxReview, storefront: string, appId: string): unknown {
  return {
    author: {
      uri: label(
        `https://itunes.apple.com/${storefront}/reviews/id${reviewerNumber(review.reviewerNickname)}`,
      ),
      name: label(review.reviewerNickname),
      label: '',
    },
    updated: label(appleDate(review.lastModified)),
    'im:rating': label(String(review.rating)),
    'im:version': label(review.appVersion),
    id: label(review.feedId),
    title: label(review.title),
    content: { label: review.body, attributes: { type: 'text' } },
    link: {
      attributes: {
        rel: 'related',
        href: `https://itunes.apple.com/${storefront}/review?id=${appId}&type=Purple%20Software`,
      },
    },
    'im:voteSum': label('0'),
    'im:contentType': { attributes: { term: 'Application', label: 'Application' } },
    'im:voteCount': label('0'),
  };
}

/** The app's own entry that older feeds put first on page 1; it has no `im:rating`. */
function metadataEntry(storefront: string, appId: string, now: number): unknown {
  const appUrl = `https://apps.apple.com/${storefront}/app/id${appId}?uo=2`;
  return {
    'im:name': label('Sandbox App'),
    rights: label('© Sandbox Inc.'),
    'im:price': { label: 'Get', attributes: { amount: '0.00000', currency: 'USD' } },
    'im:image': [
      {
        label: 'https://is1-ssl.mzstatic.com/image/thumb/53x53bb.png',
        attributes: { height: '53' },
      },
    ],
    'im:artist': { label: 'Sandbox Inc.', attributes: { href: appUrl } },
    title: label('Sandbox App - Sandbox Inc.'),
    link: { attributes: { rel: 'alternate', type: 'text/html', href: appUrl } },
    id: { label: appUrl, attributes: { 'im:id': appId, 'im:bundleId': 'com.example.sandbox' } },
    'im:contentType': { attributes: { term: 'Application', label: 'Application' } },
    category: {
      attributes: { 'im:id': '6000', term: 'Business', scheme: appUrl, label: 'Business' },
    },
    'im:releaseDate': { label: appleDate(now), attributes: { label: 'Sandbox' } },
  };
}

interface FeedItem {
  date: number;
  seq: number;
  entry: unknown;
}

function feedItems(state: SandboxState, storefront: string): FeedItem[] {
  const territory = territoryOf(storefront);
  if (territory === undefined) {
    return [];
  }
  const items: FeedItem[] = [];
  for (const review of state.reviews.values()) {
    if (review.territory === territory) {
      items.push({
        date: review.lastModified,
        seq: review.seq,
        entry: renderEntry(review, storefront, state.appId),
      });
    }
  }
  for (const raw of state.rawFeed) {
    if (raw.territory === territory) {
      items.push({ date: raw.sortDate, seq: raw.seq, entry: raw.entry });
    }
  }
  // mostRecent: the latest edit first. mostHelpful is answered in the same order (the sandbox has no votes).
  return items.sort((a, b) => b.date - a.date || b.seq - a.seq);
}

/**
 * GET /{cc}/rss/customerreviews/page={n}/id={appId}/sortby=mostRecent/json: every value wrapped in `{label}`,
 * `entry` an array, a single object when the page has one entry, and absent when it has none.
 */
export function handleFeed(
  state: SandboxState,
  path: string,
  origin: string,
  now: number,
): SandboxHttpResponse {
  const request = parseFeedPath(path);
  if (!request) {
    return text(404, 'Not Found');
  }
  if (request.format.toLowerCase() !== 'json') {
    return text(404, 'The XML feed is not supported by the sandbox');
  }
  if (!/^(mostrecent|mosthelpful)$/i.test(request.sortBy)) {
    return text(400, `Invalid sortby value ${request.sortBy}`);
  }
  if (request.page < 1 || request.page > FEED_MAX_PAGES) {
    return text(400, `CustomerReviews RSS page depth is limited to ${FEED_MAX_PAGES}`);
  }
  const storefront = request.storefront.toLowerCase();
  const items = request.appId === state.appId ? feedItems(state, storefront) : [];
  const start = (request.page - 1) * FEED_PAGE_SIZE;
  const entries = items.slice(start, start + FEED_PAGE_SIZE).map((item) => item.entry);
  if (state.rssMetadataEntry && request.page === 1 && request.appId === state.appId) {
    entries.unshift(metadataEntry(storefront, state.appId, now));
  }
  const lastPage = Math.min(FEED_MAX_PAGES, Math.max(1, Math.ceil(items.length / FEED_PAGE_SIZE)));
  const appId = request.appId;
  function pageUrl(page: number): string {
    return `${origin}/${storefront}/rss/customerreviews/page=${page}/id=${appId}/sortby=mostrecent/json`;
  }
  const feed: Record<string, unknown> = {
    author: {
      name: label('iTunes Store'),
      uri: label(`http://www.apple.com/${storefront}/itunes/`),
    },
  };
  if (entries.length === 1) {
    feed.entry = entries[0];
  } else if (entries.length > 1) {
    feed.entry = entries;
  }
  Object.assign(feed, {
    updated: label(appleDate(now)),
    rights: label('Copyright 2008 Apple Inc.'),
    title: label('iTunes Store: Customer Reviews'),
    icon: label('http://itunes.apple.com/favicon.ico'),
    link: [
      {
        attributes: {
          rel: 'alternate',
          type: 'text/html',
          href: `https://apps.apple.com/WebObjects/MZStore.woa/wa/viewGrouping?cc=${storefront}&id=38`,
        },
      },
      { attributes: { rel: 'self', href: pageUrl(request.page) } },
      { attributes: { rel: 'first', href: pageUrl(1) } },
      { attributes: { rel: 'last', href: pageUrl(lastPage) } },
      { attributes: { rel: 'previous', href: pageUrl(Math.max(1, request.page - 1)) } },
      { attributes: { rel: 'next', href: pageUrl(Math.min(lastPage, request.page + 1)) } },
    ],
    id: label(pageUrl(request.page)),
  });
  return { status: 200, body: { feed }, contentType: FEED_CONTENT_TYPE };
}
