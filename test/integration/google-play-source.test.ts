import { describe, expect, it } from 'vitest';

import type { Mention } from '../../src/core/types.js';
import { PlatformAuthError } from '../../src/errors.js';
import type { GoogleTokenProvider } from '../../src/lib/google-auth.js';
import {
  createGooglePlaySource,
  type GooglePlaySourceOptions,
} from '../../src/sources/google-play/index.js';
import { authorIdFor } from '../../src/sources/google-play/map.js';
import type { PollResult } from '../../src/sources/types.js';
import { usePlaySandboxWithTokens } from '../helpers/google-play.js';
import { captureLogs } from '../helpers/log-capture.js';
import {
  addReview,
  DAY,
  editReview,
  HOUR,
  injectRaw,
  PACKAGE,
  sandboxAdmin,
  setLimits,
  START,
} from './google-play-helpers.js';

const world = usePlaySandboxWithTokens();

function source(overrides: Partial<GooglePlaySourceOptions> = {}) {
  const { logger, lines } = captureLogs();
  return {
    lines,
    source: createGooglePlaySource({
      baseUrl: world.sandbox.url,
      packageName: PACKAGE,
      tokens: world.tokens(),
      now: world.clock.now,
      logger,
      ...overrides,
    }),
  };
}

function poll(
  target: { source: ReturnType<typeof createGooglePlaySource> },
  cursor?: string,
): Promise<PollResult> {
  return target.source.poll(cursor, new AbortController().signal);
}

function ids(result: PollResult): string[] {
  return result.mentions.map((mention) => mention.id);
}

function revisionAt(ms: number, nanos = 0): string {
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1_000_000 + nanos).padStart(9, '0')}`;
}

describe('Google Play source', () => {
  it('maps a review from the sandbox to a Mention', async () => {
    const id = await addReview(world.sandbox, {
      authorName: 'Jane Bloggs',
      title: 'Crashes',
      text: 'Since the update it closes right away',
      starRating: 2,
      reviewerLanguage: 'de',
      appVersionName: '3.1.4',
      device: 'hwcrr',
      androidOsVersion: 34,
    });

    const result = await poll(source());

    expect(result.skipped).toEqual([]);
    expect(result.mentions).toEqual([
      {
        source: 'google-play',
        id,
        text: 'Crashes\nSince the update it closes right away',
        lang: 'de',
        author: {
          id: authorIdFor(id),
          username: 'Jane Bloggs',
          name: 'Jane Bloggs',
          followersCount: null,
          verified: false,
        },
        createdAt: new Date(START).toISOString(),
        conversationId: id,
        inReplyToId: null,
        mentionsBrand: true,
        url: null,
        rating: 2,
        title: null,
        revision: revisionAt(START),
        details: {
          reviewerLanguage: 'de',
          appVersionName: '3.1.4',
          device: 'hwcrr',
          androidOsVersion: '34',
        },
      } satisfies Mention,
    ]);
  });

  it('emits each review once: a poll with the saved cursor emits nothing new', async () => {
    await addReview(world.sandbox, { text: 'one' });
    await addReview(world.sandbox, { text: 'two' });
    const target = source();

    const first = await poll(target);
    const second = await poll(target, first.nextCursor);

    expect(first.mentions).toHaveLength(2);
    expect(second.mentions).toEqual([]);
    expect(second.nextCursor).toBeDefined();
  });

  it('after a restart, emits only new reviews and edited ones, an edit as a new revision', async () => {
    const unchanged = await addReview(world.sandbox, { text: 'fine', starRating: 4 });
    const edited = await addReview(world.sandbox, { text: 'crashes', starRating: 1 });
    const saved = (await poll(source())).nextCursor;
    world.clock.advance(HOUR);
    await editReview(world.sandbox, edited, { text: 'works after the update', starRating: 4 });
    world.clock.advance(1000);
    const added = await addReview(world.sandbox, { text: 'new one', starRating: 2 });

    const restarted = await poll(source(), saved);

    expect(ids(restarted).sort()).toEqual([added, edited].sort());
    expect(ids(restarted)).not.toContain(unchanged);
    const edit = restarted.mentions.find((mention) => mention.id === edited)!;
    expect(edit).toMatchObject({
      text: 'works after the update',
      rating: 4,
      revision: revisionAt(START + HOUR),
      createdAt: new Date(START).toISOString(),
    });
  });

  it('emits every edit of the same review once each', async () => {
    const id = await addReview(world.sandbox, { starRating: 1 });
    const target = source();
    const revisions: Array<string | null | undefined> = [];
    let cursor: string | undefined;

    for (const stars of [2, 3]) {
      const result = await poll(target, cursor);
      revisions.push(...result.mentions.map((mention) => mention.revision));
      cursor = result.nextCursor;
      world.clock.advance(60_000);
      await editReview(world.sandbox, id, { starRating: stars });
    }
    const last = await poll(target, cursor);
    revisions.push(...last.mentions.map((mention) => mention.revision));
    const quiet = await poll(target, last.nextCursor);

    expect(revisions).toEqual([
      revisionAt(START),
      revisionAt(START + 60_000),
      revisionAt(START + 120_000),
    ]);
    expect(quiet.mentions).toEqual([]);
  });

  it('reads every page and stores the cursor only once all arrived', async () => {
    for (let index = 0; index < 230; index += 1) {
      await addReview(world.sandbox, { text: `review ${index}` });
      world.clock.advance(10);
    }

    const result = await poll(source());

    expect(new Set(ids(result)).size).toBe(230);
    const reads = world.sandbox.requests().filter((entry) => entry.path.endsWith('/reviews'));
    expect(reads.map((entry) => entry.query.maxResults)).toEqual(['100', '100', '100']);
    expect(Object.keys((JSON.parse(result.nextCursor!) as { seen: object }).seen)).toHaveLength(
      230,
    );
  });

  it('on a 429 mid-way returns what it read, keeps the old cursor and defers an hour', async () => {
    for (let index = 0; index < 150; index += 1) {
      await addReview(world.sandbox, { text: `review ${index}` });
    }
    await setLimits(world.sandbox, { readsPerHour: 1 });

    const partial = await poll(source());
    world.clock.advance(HOUR);
    const resumed = await poll(source(), partial.nextCursor);

    expect(partial.mentions).toHaveLength(100);
    expect(partial.nextCursor).toBeUndefined();
    expect(partial.deferUntil).toBe(START + HOUR);
    expect(resumed.deferUntil).toBe(START + 2 * HOUR);
    expect(resumed.mentions).toHaveLength(100);
  });

  it('on a 429 at the first page returns nothing and defers the next read by an hour', async () => {
    await addReview(world.sandbox);
    await setLimits(world.sandbox, { readsPerHour: 0 });

    const result = await poll(source(), '{"v":1,"seen":{},"skipped":{}}');

    expect(result).toEqual({
      mentions: [],
      skipped: [],
      nextCursor: undefined,
      deferUntil: START + HOUR,
    });
  });

  it('emits a review once even when an edit moves it between pages mid-poll; the next poll catches the rest', async () => {
    const reviews: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      reviews.push(await addReview(world.sandbox, { text: `review ${index}` }));
      world.clock.advance(1000);
    }
    let listed = 0;
    const editing = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (String(input).includes('/reviews?') && (listed += 1) === 1) {
        // After page 1, the oldest review is edited: it jumps to the front and the rest shift back.
        await editReview(world.sandbox, reviews[0]!, { starRating: 5 });
      }
      return response;
    }) as typeof fetch;
    const smallPages = (url: string) => url.replace('maxResults=100', 'maxResults=2');
    const paging = (async (input: string | URL | Request, init?: RequestInit) =>
      editing(smallPages(String(input)), init)) as typeof fetch;
    const target = {
      source: createGooglePlaySource({
        baseUrl: world.sandbox.url,
        packageName: PACKAGE,
        tokens: world.tokens(),
        now: world.clock.now,
        logger: captureLogs().logger,
        fetch: paging,
      }),
    };

    const first = await poll(target);
    const second = await poll(target, first.nextCursor);

    expect(ids(first)).toEqual([reviews[3], reviews[2], reviews[1]]);
    expect(ids(second)).toEqual([reviews[0]]);
    expect(second.mentions[0]?.rating).toBe(5);
  });

  it('keeps the newest revision when Play lists the same review twice in one poll', async () => {
    const id = await addReview(world.sandbox, { text: 'newest text', starRating: 2 });
    const duplicating = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (!String(input).includes('/reviews?')) {
        return response;
      }
      const body = (await response.json()) as { reviews: Array<{ comments: unknown[] }> };
      const stale = structuredClone(body.reviews[0]!) as {
        comments: Array<{ userComment: { text: string; lastModified: { seconds: string } } }>;
      };
      stale.comments[0]!.userComment.text = 'older text';
      stale.comments[0]!.userComment.lastModified = { seconds: String(START / 1000 - 60) };
      body.reviews.push(stale);
      return new Response(JSON.stringify(body), { status: 200, headers: response.headers });
    }) as typeof fetch;
    const target = source({ fetch: duplicating });

    const first = await poll(target);
    const second = await poll(target, first.nextCursor);

    expect(first.mentions.map((mention) => [mention.id, mention.text])).toEqual([
      [id, 'newest text'],
    ]);
    expect(JSON.parse(first.nextCursor!)).toMatchObject({
      seen: { [id]: [revisionAt(START), revisionAt(START)] },
    });
    expect(second.mentions).toEqual([]);
  });

  it('does not see a review older than 7 days; a seen one that leaves the window is not emitted again', async () => {
    await addReview(world.sandbox, {
      text: 'too old to list',
      lastModified: new Date(START - 7 * DAY - 1000).toISOString(),
    });
    const seen = await addReview(world.sandbox, { text: 'seen today' });
    const target = source();

    const first = await poll(target);
    world.clock.advance(7 * DAY + 1000);
    const afterWindow = await poll(target, first.nextCursor);
    world.clock.advance(DAY);
    const afterPrune = await poll(target, afterWindow.nextCursor);

    expect(ids(first)).toEqual([seen]);
    expect(afterWindow.mentions).toEqual([]);
    expect(JSON.parse(afterWindow.nextCursor!)).toMatchObject({
      seen: { [seen]: expect.any(Array) },
    });
    expect(JSON.parse(afterPrune.nextCursor!)).toEqual({ v: 1, seen: {}, skipped: {} });
  });

  it('emits a review edited after it left the window and the cursor, as a new revision', async () => {
    const id = await addReview(world.sandbox, { text: 'slow app', starRating: 2 });
    const target = source();
    const first = await poll(target);
    world.clock.advance(9 * DAY);
    const pruned = await poll(target, first.nextCursor);

    await editReview(world.sandbox, id, { text: 'slow app, still', starRating: 1 });
    const reopened = await poll(target, pruned.nextCursor);

    expect(ids(reopened)).toEqual([id]);
    expect(reopened.mentions[0]).toMatchObject({
      rating: 1,
      revision: revisionAt(START + 9 * DAY),
    });
  });

  it('skips malformed items with reasons without dropping the batch, and reports each once', async () => {
    const good = await addReview(world.sandbox, { text: 'good one' });
    const at = { seconds: String(START / 1000) };
    await injectRaw(world.sandbox, {
      authorName: 'No Id',
      comments: [{ userComment: { text: 'x', lastModified: at, starRating: 3 } }],
    });
    await injectRaw(world.sandbox, {
      reviewId: 'gp:no-comment',
      authorName: 'Empty',
      comments: [],
    });
    await injectRaw(world.sandbox, {
      reviewId: 'gp:stars',
      comments: [{ userComment: { text: 'meh', lastModified: at, starRating: 'three' } }],
    });
    await injectRaw(world.sandbox, {
      reviewId: 'gp:surrogate',
      comments: [{ userComment: { text: 'bad \uD800 text', lastModified: at, starRating: 1 } }],
    });
    const target = source();

    const first = await poll(target);
    const again = await poll(target, first.nextCursor);

    expect(ids(first)).toEqual([good]);
    expect(first.skipped).toEqual(
      expect.arrayContaining([
        {
          id: null,
          reason: 'malformed review: reviewId Invalid input: expected string, received undefined',
        },
        { id: 'gp:no-comment', reason: 'malformed review: comments has no userComment' },
        {
          id: 'gp:stars',
          reason:
            'malformed review: comments.0.userComment.starRating Invalid input: expected number, received string',
        },
        {
          id: 'gp:surrogate',
          reason: 'malformed review: userComment.text is not valid UTF-16 (lone surrogate)',
        },
      ]),
    );
    expect(first.skipped).toHaveLength(4);
    expect(first.nextCursor).toBeDefined();
    expect(again).toMatchObject({ mentions: [], skipped: [] });
  });

  it('renews its access token when the old one expires between polls', async () => {
    await addReview(world.sandbox);
    const target = source();

    const first = await poll(target);
    world.clock.advance(2 * HOUR);
    await addReview(world.sandbox, { text: 'later' });
    const second = await poll(target, first.nextCursor);

    expect(second.mentions).toHaveLength(1);
    const log = world.sandbox
      .requests()
      .map((entry) => `${entry.path.split('/').at(-1)} ${entry.status}`);
    expect(log).toEqual(['token 200', 'reviews 200', 'token 200', 'reviews 200']);
  });

  it('retries once with a fresh token after a 401 (a revoked token)', async () => {
    await addReview(world.sandbox);
    const target = source();
    await poll(target);

    await sandboxAdmin(world.sandbox, 'POST', '/tokens/revoke');
    const result = await poll(target);

    expect(result.mentions).toHaveLength(1);
    const statuses = world.sandbox
      .requests()
      .slice(2)
      .map((entry) => entry.status);
    expect(statuses).toEqual([401, 200, 200]);
  });

  it.each`
    case                      | overrides
    ${'a token Play rejects'} | ${{ tokens: { token: async () => 'ya29.revoked', invalidate() {} } satisfies GoogleTokenProvider }}
    ${'an app it cannot see'} | ${{ packageName: 'com.other.app' }}
  `('throws PlatformAuthError with a hint for $case', async ({ overrides }) => {
    const error = await poll(source(overrides as Partial<GooglePlaySourceOptions>)).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(PlatformAuthError);
    expect((error as Error).message).toMatch(/check GOOGLE_PLAY_SERVICE_ACCOUNT_FILE/);
  });

  it('stops at the page cap with a warning and still stores the cursor', async () => {
    for (let index = 0; index < 210; index += 1) {
      await addReview(world.sandbox, { text: `review ${index}` });
    }
    const target = source({ maxPages: 2 });

    const result = await poll(target);

    expect(result.mentions).toHaveLength(200);
    expect(result.nextCursor).toBeDefined();
    expect(target.lines).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringMatching(/page cap/) }),
    );
  });

  it('reads the whole window again when the cursor is unreadable', async () => {
    await addReview(world.sandbox);
    const target = source();

    const result = await poll(target, 'since_id=123');

    expect(result.mentions).toHaveLength(1);
    expect(target.lines).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringMatching(/Unreadable/) }),
    );
  });
});
