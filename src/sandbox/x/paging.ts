import type { SandboxPost } from './state.js';

/** Where a page token points: posts older or newer than `pivot` (a post sort key). */
export interface PageToken {
  direction: 'older' | 'newer';
  pivot: bigint;
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

function toBase36(value: bigint): string {
  return value.toString(36);
}

function fromBase36(text: string): bigint | undefined {
  if (!/^[0-9a-z]{1,16}$/.test(text)) {
    return undefined;
  }
  let value = 0n;
  for (const char of text) {
    value = value * 36n + BigInt(DIGITS.indexOf(char));
  }
  return value;
}

/** Opaque base36 tokens like X's (spec `PaginationToken36`): a direction letter and the pivot. */
export function encodePageToken(token: PageToken): string {
  return `${token.direction === 'older' ? 'n' : 'p'}${toBase36(token.pivot)}`;
}

export function decodePageToken(text: string): PageToken | undefined {
  const letter = text.charAt(0);
  if (letter !== 'n' && letter !== 'p') {
    return undefined;
  }
  const pivot = fromBase36(text.slice(1));
  if (pivot === undefined) {
    return undefined;
  }
  return { direction: letter === 'n' ? 'older' : 'newer', pivot };
}

export interface Page {
  posts: SandboxPost[];
  nextToken?: string;
  previousToken?: string;
}

/**
 * One page of `candidates` (newest first, already filtered). Without a token the page starts at the newest
 * post; `next_token` appears only while older posts remain.
 */
export function paginate(
  candidates: SandboxPost[],
  maxResults: number,
  token: PageToken | undefined,
): Page {
  let posts: SandboxPost[];
  if (token?.direction === 'newer') {
    const newer = candidates.filter((post) => post.sortKey > token.pivot);
    posts = newer.slice(Math.max(0, newer.length - maxResults));
  } else {
    const older = token ? candidates.filter((post) => post.sortKey < token.pivot) : candidates;
    posts = older.slice(0, maxResults);
  }
  const first = posts[0];
  const last = posts[posts.length - 1];
  if (!first || !last) {
    return { posts };
  }
  const page: Page = {
    posts,
    previousToken: encodePageToken({ direction: 'newer', pivot: first.sortKey }),
  };
  if (candidates.some((post) => post.sortKey < last.sortKey)) {
    page.nextToken = encodePageToken({ direction: 'older', pivot: last.sortKey });
  }
  return page;
}
