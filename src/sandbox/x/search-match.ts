/** Evaluates a parsed search query against one post (see search-query.ts for the grammar). */

import type { HasOperand, IsOperand, SearchNode } from './search-query.js';

/** What the matcher needs to know about a post. */
export interface SearchablePost {
  text: string;
  authorId: string;
  authorUsername: string;
  authorVerified: boolean;
  inReplyToUserId: string | null;
  inReplyToUsername: string | null;
  lang: string | null;
  isReply: boolean;
  isQuote: boolean;
  isRetweet: boolean;
}

const WORD_SPLIT = /[^\p{L}\p{N}_]+/u;
// Scripts written without spaces: X's tokenizer splits them finer than words, so match substrings.
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

function words(text: string): string[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .split(WORD_SPLIT)
    .filter((word) => word !== '');
}

function containsSequence(haystack: string[], needle: string[]): boolean {
  if (needle.length === 0) {
    return false;
  }
  for (let start = 0; start + needle.length <= haystack.length; start += 1) {
    if (needle.every((word, offset) => haystack[start + offset] === word)) {
      return true;
    }
  }
  return false;
}

function matchesText(text: string, value: string): boolean {
  if (UNSPACED_SCRIPT.test(value)) {
    return text.normalize('NFC').toLowerCase().includes(value.normalize('NFC'));
  }
  return containsSequence(words(text), words(value));
}

function entities(text: string, sigil: '#' | '@'): string[] {
  const pattern =
    sigil === '#'
      ? /(?:^|[^\p{L}\p{N}_&])#([\p{L}\p{N}_]+)/gu
      : /(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_]{1,15})/g;
  return [...text.matchAll(pattern)].map((match) => (match[1] ?? '').toLowerCase());
}

function matchesIs(value: IsOperand, post: SearchablePost): boolean {
  switch (value) {
    case 'retweet':
      return post.isRetweet;
    case 'reply':
      return post.isReply;
    case 'quote':
      return post.isQuote;
    case 'verified':
      return post.authorVerified;
  }
}

function matchesHas(value: HasOperand, post: SearchablePost): boolean {
  switch (value) {
    case 'mentions':
      return entities(post.text, '@').length > 0;
    case 'hashtags':
      return entities(post.text, '#').length > 0;
    case 'links':
      return /https?:\/\/\S/i.test(post.text);
  }
}

function matchesUser(value: string, id: string | null, username: string | null): boolean {
  return value === id || value === username?.toLowerCase();
}

export function matchesSearchQuery(node: SearchNode, post: SearchablePost): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => matchesSearchQuery(child, post));
    case 'or':
      return node.children.some((child) => matchesSearchQuery(child, post));
    case 'not':
      return !matchesSearchQuery(node.child, post);
    case 'keyword':
    case 'phrase':
      return matchesText(post.text, node.value);
    case 'hashtag':
      return entities(post.text, '#').includes(node.value);
    case 'mention':
      return entities(post.text, '@').includes(node.value);
    case 'from':
      return matchesUser(node.value, post.authorId, post.authorUsername);
    case 'to':
      return matchesUser(node.value, post.inReplyToUserId, post.inReplyToUsername);
    case 'lang':
      return post.lang?.toLowerCase() === node.value;
    case 'is':
      return matchesIs(node.value, post);
    case 'has':
      return matchesHas(node.value, post);
  }
}

/** Whether the query asks for a user's own posts with a non-negated from: (how the brand's posts become searchable). */
export function queryNamesAuthor(node: SearchNode, username: string, id: string): boolean {
  if (node.kind === 'not') {
    return false;
  }
  if (node.kind === 'and' || node.kind === 'or') {
    return node.children.some((child) => queryNamesAuthor(child, username, id));
  }
  return node.kind === 'from' && matchesUser(node.value, id, username);
}
