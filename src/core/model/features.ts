import { withoutUrls } from '../classify/text.js';
import type { FeatureSettings } from './schema.js';

// Handles name the brand or a third party, not the problem: "@united" would teach the model airline priors.
const HANDLE = /(^|[^\w@.])@\w+/g;
const HASHTAG = /#(\w+)/g;
const CAMEL = /([a-z])([A-Z])/g;
const ENTITY = /&(amp|lt|gt|quot|#39);/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
const CURLY_APOSTROPHE = /[\u2018\u2019\u02bc]/g;
const DIGITS = /\d+/g;
const REPEATED = /(\p{L})\1{2,}/gu;
// Words (letters, digits, inner apostrophes), emoticons, pictographs, and ! ? as their own tokens.
const TOKEN = /[\p{L}\p{N}]+(?:'[\p{L}]+)*|[:;=]-?[()/\\|dp]|\p{Extended_Pictographic}|[.!?;,]/gu;
const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'nobody',
  'none',
  'nowhere',
  'neither',
  'nor',
  'cannot',
  'cant',
  'dont',
  'didnt',
  'doesnt',
  'isnt',
  'wasnt',
  'wont',
  'without',
]);
const BOUNDARIES = new Set(['.', '!', '?', ';', ',']);

function splitHashtag(_match: string, word: string): string {
  return ` ${word.replace(CAMEL, '$1 $2')} `;
}

function decodeEntity(_match: string, name: string): string {
  return ENTITIES[name] ?? ' ';
}

function isNegator(token: string): boolean {
  return NEGATORS.has(token) || token.endsWith("n't");
}

function hasDigit(token: string): boolean {
  for (let i = 0; i < token.length; i += 1) {
    const code = token.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      return true;
    }
  }
  return false;
}

function hasTripleLetter(token: string): boolean {
  for (let i = 2; i < token.length; i += 1) {
    const char = token[i];
    if (char === token[i - 1] && char === token[i - 2]) {
      return true;
    }
  }
  return false;
}

/**
 * Lower-cased tokens without URLs and @handles; digit runs become "0" ("3hrs" → "0hrs") so counts and times
 * generalise; letters repeated three or more times are cut to two ("sooooo" → "soo").
 */
export function tokenize(text: string): string[] {
  // Each rewrite runs only when its trigger character occurs: tokenizing is most of the cost of a prediction.
  let clean = withoutUrls(text);
  if (clean.includes('@')) {
    clean = clean.replace(HANDLE, '$1 ');
  }
  if (clean.includes('&')) {
    clean = clean.replace(ENTITY, decodeEntity);
  }
  if (clean.includes('#')) {
    clean = clean.replace(HASHTAG, splitHashtag);
  }
  clean = clean.toLowerCase();
  if (clean.includes('\u2018') || clean.includes('\u2019') || clean.includes('\u02bc')) {
    clean = clean.replace(CURLY_APOSTROPHE, "'");
  }
  const tokens = clean.match(TOKEN) ?? [];
  for (const [i, token] of tokens.entries()) {
    let normal = token;
    if (hasDigit(normal)) {
      normal = normal.replace(DIGITS, '0');
    }
    if (hasTripleLetter(normal)) {
      normal = normal.replace(REPEATED, '$1$1');
    }
    tokens[i] = normal;
  }
  return tokens;
}

/** Marks the words within `window` after a negator, up to the next sentence boundary: "not on time" → not, not_on, not_time. */
export function markNegation(tokens: string[], window: number): string[] {
  const marked: string[] = [];
  let left = 0;
  for (const token of tokens) {
    if (BOUNDARIES.has(token)) {
      left = 0;
      marked.push(token);
      continue;
    }
    if (left > 0) {
      marked.push(`not_${token}`);
      left -= 1;
    } else {
      marked.push(token);
    }
    if (isNegator(token)) {
      left = window;
    }
  }
  return marked;
}

export const SENTENCE_START = '<s>';
export const SENTENCE_END = '</s>';

/** The tokens features are made of: tokenized, then negation-marked. */
export function featureTokens(text: string, settings: FeatureSettings): string[] {
  return markNegation(tokenize(text), settings.negationWindow);
}

/** The features one token makes on its own: the word itself (not for ",") and its character n-grams. */
export function tokenFeatures(token: string, settings: FeatureSettings): string[] {
  const features: string[] = [];
  if (token !== ',') {
    features.push(token);
  }
  if (settings.charNgrams !== null) {
    const [min, max] = settings.charNgrams;
    const padded = `<${token}>`;
    for (let size = min; size <= max; size += 1) {
      for (let start = 0; start + size <= padded.length; start += 1) {
        features.push(`c:${padded.slice(start, start + size)}`);
      }
    }
  }
  return features;
}

/** The feature made of two adjacent tokens (or a token and SENTENCE_START / SENTENCE_END). */
export function pairFeature(first: string, second: string): string {
  return `${first}|${second}`;
}

/** Every feature occurrence of a text (a feature repeats as often as it occurs): per token, then word pairs. */
export function extractFeatures(text: string, settings: FeatureSettings): string[] {
  const tokens = featureTokens(text, settings);
  const features: string[] = [];
  for (const token of tokens) {
    features.push(...tokenFeatures(token, settings));
  }
  if (settings.bigrams) {
    let previous = SENTENCE_START;
    for (const token of tokens) {
      features.push(pairFeature(previous, token));
      previous = token;
    }
    features.push(pairFeature(previous, SENTENCE_END));
  }
  return features;
}
