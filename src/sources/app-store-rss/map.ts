import type { Mention } from '../../core/types.js';
import { cleanText, revisionOf, reviewAuthor, reviewText, storeUrl } from '../app-store/map.js';
import { territoryOf } from '../app-store/territories.js';
import type { SkippedItem } from '../types.js';
import { RssEntry, RssFeed } from './schema.js';

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00A0',
};

/**
 * The feed is meant to carry plain text, but HTML entities (`&amp;`, `&#39;`, `&#x1F600;`) turn up in it, so
 * they are decoded once. Invalid code points are left as written.
 */
export function decodeEntities(value: string): string {
  return value.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,6});/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const codePoint =
        name[1] === 'x' || name[1] === 'X'
          ? Number.parseInt(name.slice(2), 16)
          : Number.parseInt(name.slice(1), 10);
      const valid =
        codePoint > 0 && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
      return valid ? String.fromCodePoint(codePoint) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function feedText(value: string | undefined): string {
  return cleanText(decodeEntities(value ?? ''));
}

/** `feed.entry` as a list: absent when the page is empty, a lone object when it holds one entry. */
export function entriesOf(raw: unknown): { entries: unknown[]; problem?: string } {
  const parsed = RssFeed.safeParse(raw);
  if (!parsed.success) {
    return { entries: [], problem: 'the body is not a customer-reviews feed (no feed object)' };
  }
  const { entry } = parsed.data.feed;
  if (entry === undefined || entry === null) {
    return { entries: [] };
  }
  if (Array.isArray(entry)) {
    return { entries: entry };
  }
  if (typeof entry === 'object') {
    return { entries: [entry] };
  }
  return { entries: [], problem: `feed.entry is a ${typeof entry}` };
}

export type MappedEntry =
  | { kind: 'mention'; mention: Mention; dateMs: number }
  | { kind: 'skipped'; skipped: SkippedItem; id: string | null; dateMs: number | undefined }
  /** The app's own metadata entry, which older feeds put first: not a review, not an error. */
  | { kind: 'not-a-review' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function labelOf(value: unknown): string | undefined {
  const parsed = RssEntry.shape.title.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function looseId(candidate: Record<string, unknown>): string | null {
  const id = labelOf(candidate.id);
  return id !== undefined && /^\d{1,20}$/.test(id) ? id : null;
}

function looseDate(candidate: Record<string, unknown>): number | undefined {
  const ms = Date.parse(labelOf(candidate.updated) ?? '');
  return Number.isNaN(ms) ? undefined : ms;
}

/** Maps one feed entry of storefront `storefront` (e.g. `us`) to a Mention, or says why it was skipped. */
export function mapRssEntry(
  candidate: unknown,
  context: { appId: string; storefront: string },
): MappedEntry {
  if (!isRecord(candidate)) {
    return {
      kind: 'skipped',
      skipped: { id: null, reason: 'malformed feed entry: not an object' },
      id: null,
      dateMs: undefined,
    };
  }
  if (
    candidate['im:rating'] === undefined &&
    (candidate['im:name'] !== undefined || !candidate.content)
  ) {
    return { kind: 'not-a-review' };
  }
  const id = looseId(candidate);
  const parsed = RssEntry.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: 'skipped',
      skipped: {
        id,
        reason:
          `malformed feed entry: ${issue?.path.join('.') || 'entry'} ${issue?.message ?? ''}`.trim(),
      },
      id,
      dateMs: looseDate(candidate),
    };
  }
  const entry = parsed.data;
  const dateMs = Date.parse(entry.updated);
  const title = feedText(entry.title);
  const body = feedText(entry.content);
  const text = reviewText(title, body);
  if (text === '') {
    return {
      kind: 'skipped',
      skipped: { id: entry.id, reason: 'review has no text' },
      id: entry.id,
      dateMs,
    };
  }
  const rating = entry['im:rating'];
  const author = reviewAuthor(entry.author?.name, entry.id);
  const details: Record<string, string> = {
    via: 'rss',
    storefront: context.storefront,
    reviewerNickname: author.name,
  };
  const territory = territoryOf(context.storefront);
  if (territory) {
    details.territory = territory;
  }
  const optional: Array<[string, string | undefined]> = [
    ['appVersion', entry['im:version']],
    ['reviewerUri', entry.author?.uri],
    ['voteSum', entry['im:voteSum']],
    ['voteCount', entry['im:voteCount']],
  ];
  for (const [key, value] of optional) {
    if (value !== undefined && value !== '') {
      details[key] = cleanText(value);
    }
  }
  return {
    kind: 'mention',
    dateMs,
    mention: {
      source: 'app-store',
      id: entry.id,
      text,
      lang: null,
      author,
      // The feed has no creation date: `updated` is the last edit.
      createdAt: new Date(dateMs).toISOString(),
      conversationId: entry.id,
      inReplyToId: null,
      mentionsBrand: true,
      url: storeUrl(context.appId, context.storefront),
      rating,
      title: title === '' ? null : title,
      revision: revisionOf(rating, title, body),
      details,
    },
  };
}
