import { describe, expect, it } from 'vitest';

import { decodePageToken, encodePageToken, paginate } from '../../src/sandbox/x/paging.js';
import type { SandboxPost } from '../../src/sandbox/x/state.js';

function posts(...ids: number[]): SandboxPost[] {
  return ids.map((id) => ({
    id: String(id),
    sortKey: BigInt(id),
    kind: 'mention',
    text: `post ${id}`,
    authorId: '1',
    createdAt: 0,
    lang: 'en',
    conversationId: String(id),
    inReplyToTweetId: null,
    inReplyToUserId: null,
    quotedTweetId: null,
    seed: false,
  }));
}

describe('page tokens', () => {
  it('round-trip', () => {
    const token = { direction: 'older' as const, pivot: 1_860_000_000_000_000_123n };

    const decoded = decodePageToken(encodePageToken(token));

    expect(decoded).toEqual(token);
  });

  it.each(['', 'x12', 'n', 'nZZ', 'n!!'])('reject %j', (text) => {
    const decoded = decodePageToken(text);

    expect(decoded).toBeUndefined();
  });
});

describe('paginate', () => {
  const candidates = posts(7, 6, 5, 4, 3, 2, 1);

  it('returns the newest page with next_token only while older posts remain', () => {
    const first = paginate(candidates, 5, undefined);
    const second = paginate(candidates, 5, decodePageToken(first.nextToken ?? ''));

    expect(first.posts.map((post) => post.id)).toEqual(['7', '6', '5', '4', '3']);
    expect(second.posts.map((post) => post.id)).toEqual(['2', '1']);
    expect(second.nextToken).toBeUndefined();
  });

  it('goes back towards newer posts with previous_token', () => {
    const older = paginate(candidates, 2, { direction: 'older', pivot: 4n });

    const newer = paginate(candidates, 2, decodePageToken(older.previousToken ?? ''));

    expect(older.posts.map((post) => post.id)).toEqual(['3', '2']);
    expect(newer.posts.map((post) => post.id)).toEqual(['5', '4']);
  });

  it('returns no tokens for an empty page', () => {
    const page = paginate([], 10, undefined);

    expect(page).toEqual({ posts: [] });
  });
});
