import { createHash } from 'node:crypto';
import type { TwitterApiReadOnly } from 'twitter-api-v2';
import type { Logger } from '../../lib/logger.js';
import type { PollResult, Source } from '../types.js';
import { EXPANSIONS, TWEET_FIELDS, USER_FIELDS, type BrandAccount } from '../x-shared/map.js';
import { collectPages } from '../x-shared/paginate.js';

const MAX_PAGES = 5;

function queryKey(query: string): string {
  return createHash('sha256').update(query).digest('hex').slice(0, 12);
}

/**
 * Keyword searches (GET /2/tweets/search/recent). Hits are signals for people, never for automated
 * replies. Posts that @mention the brand are left to the mentions source, so each post is handled once.
 * The cursor is a JSON map of query → since_id.
 */
export function createXSearchSource(deps: {
  client: TwitterApiReadOnly;
  brand: BrandAccount;
  queries: readonly string[];
  logger: Logger;
  now: () => number;
}): Source {
  return {
    id: 'x-search',
    async poll(cursor, signal) {
      const cursors = parseCursor(cursor);
      const result: PollResult = { mentions: [], skipped: [], nextCursor: undefined };
      const nextCursors: Record<string, string> = { ...cursors };
      let advanced = false;
      for (const query of deps.queries) {
        if (signal.aborted || result.deferUntil !== undefined) {
          break;
        }
        const key = queryKey(query);
        const since = cursors[key];
        const page = await collectPages({
          source: 'x-search',
          brand: deps.brand,
          cursor: since,
          maxPages: MAX_PAGES,
          signal,
          now: deps.now,
          logger: deps.logger,
          firstPage: () =>
            deps.client.v2.search(query, {
              max_results: 100,
              ...(since !== undefined ? { since_id: since } : {}),
              expansions: [...EXPANSIONS],
              'tweet.fields': [...TWEET_FIELDS],
              'user.fields': [...USER_FIELDS],
            }),
        });
        for (const mention of page.mentions) {
          if (mention.mentionsBrand) {
            continue;
          }
          result.mentions.push(mention);
        }
        result.skipped.push(...page.skipped);
        if (page.deferUntil !== undefined) {
          result.deferUntil = page.deferUntil;
        }
        if (page.nextCursor !== undefined && page.nextCursor !== since) {
          nextCursors[key] = page.nextCursor;
          advanced = true;
        }
      }
      result.nextCursor = advanced ? JSON.stringify(nextCursors) : undefined;
      return result;
    },
  };
}

function parseCursor(cursor: string | undefined): Record<string, string> {
  if (cursor === undefined) {
    return {};
  }
  try {
    const parsed = JSON.parse(cursor) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}
