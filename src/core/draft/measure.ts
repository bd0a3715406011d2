import twitter from 'twitter-text';
import type { Platform } from '../types.js';
import type { TemplateKind } from './types.js';

/** X counts weighted characters: CJK and emoji weigh 2, a URL 23 (reference/platform-facts.md §1.11). */
export const X_POST_LIMIT = 280;
/** X direct messages may be up to 10,000 characters. */
export const X_DM_LIMIT = 10_000;
/** Play rejects replies of "more than approximately 350 characters" (platform-facts.md §5.3). */
export const GOOGLE_PLAY_REPLY_LIMIT = 350;
/** Apple documents no maximum; this is our own default, overridable per template file. */
export const APP_STORE_REPLY_LIMIT = 1_000;
/** The largest `limit` a template file may set for the App Store, as a sanity bound. */
export const APP_STORE_MAX_LIMIT = 10_000;

export function defaultLimit(platform: Platform, kind: TemplateKind): number {
  if (platform === 'x') {
    return kind === 'dm' ? X_DM_LIMIT : X_POST_LIMIT;
  }
  if (platform === 'google-play') {
    return GOOGLE_PLAY_REPLY_LIMIT;
  }
  return APP_STORE_REPLY_LIMIT;
}

/** The highest `limit` a template file may set: the platform's own maximum where there is one. */
export function maxLimit(platform: Platform, kind: TemplateKind): number {
  if (platform === 'app-store') {
    return APP_STORE_MAX_LIMIT;
  }
  return defaultLimit(platform, kind);
}

/** twitter-text weighted length on X, code points in the stores (the unit `Draft.weightedLength` documents). */
export function measure(text: string, platform: Platform): number {
  if (platform === 'x') {
    return twitter.parseTweet(text).weightedLength;
  }
  return [...text].length;
}

/**
 * The entities X would link in `text`: URLs (also bare domains such as `example.com`), @mentions, #hashtags
 * and $cashtags. A public reply must have none.
 */
export function linkedEntities(text: string): string[] {
  return [...twitter.extractUrls(text), ...handlesAndTags(text)];
}

/** The @mentions, #hashtags and $cashtags X would link in `text`. */
export function handlesAndTags(text: string): string[] {
  return [
    ...twitter.extractMentions(text).map((handle) => `@${handle}`),
    ...twitter.extractHashtags(text).map((tag) => `#${tag}`),
    ...twitter.extractCashtags(text).map((tag) => `$${tag}`),
  ];
}

export function containsUrl(text: string): boolean {
  return twitter.extractUrls(text).length > 0 || /\b[a-z][a-z0-9+.-]*:\/\/|\bwww\./i.test(text);
}
