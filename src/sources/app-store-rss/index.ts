import { z } from 'zod';

import type { Mention } from '../../core/types.js';
import { ConfigError, TransientNetworkError } from '../../errors.js';
import type { Logger } from '../../lib/logger.js';
import { MALFORMED_REVISION } from '../app-store/map.js';
import { territoryOf } from '../app-store/territories.js';
import {
  advanceWindow,
  noveltyOf,
  SeenWindowJson,
  windowFromJson,
  windowToJson,
  type Observed,
  type SeenWindow,
} from '../app-store/window.js';
import type { PollResult, SkippedItem, Source } from '../types.js';
import { entriesOf, mapRssEntry } from './map.js';

export const ITUNES_BASE_URL = 'https://itunes.apple.com';

/** Apple serves at most 10 pages of a storefront's feed (platform-facts §4.1). */
export const MAX_FEED_PAGES = 10;

/** No documented limit; when the feed does push back, wait this long unless it says otherwise. */
export const FEED_RATE_LIMIT_WAIT_MS = 300_000;

const RssCursor = z.object({ v: z.literal(1), countries: z.record(z.string(), SeenWindowJson) });

export type FetchLike = typeof fetch;

export interface AppStoreRssSourceOptions {
  /** Default https://itunes.apple.com; the sandbox's URL in sandbox mode. */
  baseUrl?: string;
  /** The app's numeric Apple ID. */
  appId: string;
  /** Storefronts to read, as two-letter country codes (`us`, `gb`, `de`). */
  countries: readonly string[];
  fetch?: FetchLike;
  now: () => number;
  logger: Logger;
  /** Pages per storefront and poll, 1–10. Default 10. */
  maxPages?: number;
  /** How far behind the newest entry each poll looks again. Default 30 minutes. */
  overlapMs?: number;
}

interface CountryPoll {
  mentions: Mention[];
  skipped: SkippedItem[];
  observed: Observed[];
  complete: boolean;
  failed: boolean;
  deferUntil?: number;
}

function parseCursor(cursor: string | undefined, logger: Logger): Map<string, SeenWindow> {
  const windows = new Map<string, SeenWindow>();
  if (cursor === undefined) {
    return windows;
  }
  try {
    const parsed = RssCursor.safeParse(JSON.parse(cursor));
    if (parsed.success) {
      for (const [country, window] of Object.entries(parsed.data.countries)) {
        windows.set(country, windowFromJson(window));
      }
      return windows;
    }
  } catch {
    // Falls through to the warning below.
  }
  logger.warn(
    { source: 'app-store' },
    'Ignoring an unreadable App Store feed cursor; starting afresh',
  );
  return windows;
}

function retryAfterMs(header: string | null): number {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : FEED_RATE_LIMIT_WAIT_MS;
}

/**
 * Reviews from the public customer-reviews feed, for apps without App Store Connect API keys. Read-only: feed
 * ids are not App Store Connect ids, so these reviews cannot be answered through the API. Each storefront keeps
 * its own window in the cursor; a storefront that fails keeps its old one while the others move on.
 */
export function createAppStoreRssSource(options: AppStoreRssSourceOptions): Source {
  const baseUrl = (options.baseUrl ?? ITUNES_BASE_URL).replace(/\/+$/, '');
  const maxPages = options.maxPages ?? MAX_FEED_PAGES;
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > MAX_FEED_PAGES) {
    throw new ConfigError(`App Store feed pages must be 1–${MAX_FEED_PAGES}, got ${maxPages}`);
  }
  const countries = [...new Set(options.countries.map((country) => country.trim().toLowerCase()))];
  if (countries.length === 0) {
    throw new ConfigError('APP_STORE_COUNTRIES: give at least one storefront, e.g. us,gb,de');
  }
  for (const country of countries) {
    if (territoryOf(country) === undefined) {
      throw new ConfigError(`APP_STORE_COUNTRIES: '${country}' is not an App Store storefront`);
    }
  }
  const overlapMs = options.overlapMs ?? 30 * 60_000;
  const fetchImpl = options.fetch ?? fetch;
  const { appId, logger, now } = options;

  function pageUrl(country: string, page: number): string {
    return `${baseUrl}/${country}/rss/customerreviews/page=${page}/id=${encodeURIComponent(appId)}/sortby=mostRecent/json`;
  }

  async function pollCountry(
    country: string,
    window: SeenWindow | undefined,
    returned: Set<string>,
    signal: AbortSignal,
  ): Promise<CountryPoll> {
    const result: CountryPoll = {
      mentions: [],
      skipped: [],
      observed: [],
      complete: false,
      failed: false,
    };
    const log = logger.child({ source: 'app-store', storefront: country });
    for (let page = 1; page <= maxPages && !signal.aborted; page += 1) {
      let response: Response;
      let body: unknown;
      try {
        response = await fetchImpl(pageUrl(country, page), {
          headers: { accept: 'application/json' },
          signal,
        });
        const text = await response.text();
        body = response.ok ? (JSON.parse(text) as unknown) : text;
      } catch (error) {
        if (signal.aborted) {
          throw error;
        }
        log.warn(
          { err: error, page },
          'App Store feed request failed; storefront keeps its cursor',
        );
        result.failed = true;
        return result;
      }
      if (response.status === 429) {
        result.deferUntil = now() + retryAfterMs(response.headers.get('retry-after'));
        return result;
      }
      // Past the last page Apple answers 400 ("page depth is limited to 10"); an unknown app 404.
      if (response.status === 400 || response.status === 404) {
        result.complete = true;
        return result;
      }
      if (!response.ok) {
        log.warn(
          { status: response.status, page },
          'App Store feed answered an error; storefront keeps its cursor',
        );
        result.failed = true;
        return result;
      }
      const { entries, problem } = entriesOf(body);
      if (problem !== undefined) {
        log.warn(
          { page, problem },
          'App Store feed page is not a feed; storefront keeps its cursor',
        );
        result.failed = true;
        return result;
      }
      let reviews = 0;
      let reachedOlder = false;
      for (const candidate of entries) {
        const mapped = mapRssEntry(candidate, { appId, storefront: country });
        if (mapped.kind === 'not-a-review') {
          continue;
        }
        reviews += 1;
        const id = mapped.kind === 'mention' ? mapped.mention.id : mapped.id;
        const revision =
          mapped.kind === 'mention' ? (mapped.mention.revision ?? '') : MALFORMED_REVISION;
        if (id === null || mapped.dateMs === undefined) {
          if (mapped.kind === 'skipped') {
            result.skipped.push(mapped.skipped);
          }
          continue;
        }
        const novelty = noveltyOf(window, id, mapped.dateMs, revision);
        if (novelty === 'older') {
          reachedOlder = true;
          continue;
        }
        result.observed.push({ id, dateMs: mapped.dateMs, revision });
        if (novelty === 'seen' || returned.has(id)) {
          continue;
        }
        returned.add(id);
        if (mapped.kind === 'mention') {
          result.mentions.push(mapped.mention);
        } else {
          result.skipped.push(mapped.skipped);
        }
      }
      if (window === undefined || reachedOlder || reviews === 0) {
        result.complete = true;
        return result;
      }
    }
    if (!signal.aborted) {
      log.warn(
        { pages: maxPages },
        'Feed poll stopped at the page cap; older reviews in this gap are skipped',
      );
      result.complete = true;
    }
    return result;
  }

  return {
    id: 'app-store',
    async poll(cursor, signal): Promise<PollResult> {
      const windows = parseCursor(cursor, logger);
      const returned = new Set<string>();
      const mentions: Mention[] = [];
      const skipped: SkippedItem[] = [];
      const nextWindows = new Map<string, SeenWindow>();
      let deferUntil: number | undefined;
      let failures = 0;
      for (const country of countries) {
        const previous = windows.get(country);
        if (deferUntil !== undefined || signal.aborted) {
          if (previous) {
            nextWindows.set(country, previous);
          }
          continue;
        }
        const polled = await pollCountry(country, previous, returned, signal);
        mentions.push(...polled.mentions);
        skipped.push(...polled.skipped);
        if (polled.failed) {
          failures += 1;
        }
        if (polled.deferUntil !== undefined) {
          deferUntil = polled.deferUntil;
        }
        const next = polled.complete
          ? advanceWindow(previous, polled.observed, overlapMs)
          : previous;
        if (next) {
          nextWindows.set(country, next);
        }
      }
      if (failures === countries.length) {
        throw new TransientNetworkError(
          `The App Store review feed failed for every storefront (${countries.join(', ')})`,
        );
      }
      const json: Record<string, z.infer<typeof SeenWindowJson>> = {};
      for (const [country, window] of nextWindows) {
        json[country] = windowToJson(window);
      }
      return {
        mentions,
        skipped,
        nextCursor: nextWindows.size === 0 ? undefined : JSON.stringify({ v: 1, countries: json }),
        ...(deferUntil !== undefined ? { deferUntil } : {}),
      };
    },
  };
}
