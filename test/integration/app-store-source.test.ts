import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { ConfigError, PlatformAuthError, TransientNetworkError } from '../../src/errors.js';
import { createAppleTokenProvider } from '../../src/lib/apple-jwt.js';
import { createSandboxAppleKeys } from '../../src/sandbox/app-store/index.js';
import {
  createAppStoreSource,
  type AppStoreSourceOptions,
} from '../../src/sources/app-store/index.js';
import type { PollResult, Source } from '../../src/sources/types.js';
import { captureLogs, type CapturedLog } from '../helpers/log-capture.js';
import {
  APP_ID,
  editReview,
  injectRaw,
  resetWorld,
  seedMany,
  seedReview,
  setLimits,
  startWorld,
  type AppStoreWorld,
} from './app-store-sandbox-client.js';

describe('App Store Connect source against the sandbox', () => {
  let world: AppStoreWorld;
  let logs: CapturedLog[];

  function source(overrides: Partial<AppStoreSourceOptions> = {}): Source {
    const captured = captureLogs();
    logs = captured.lines;
    return createAppStoreSource({
      baseUrl: world.sandbox.url,
      appId: APP_ID,
      tokens: world.tokens,
      now: world.clock.now,
      logger: captured.logger,
      ...overrides,
    });
  }

  function poll(target: Source, cursor?: string): Promise<PollResult> {
    return target.poll(cursor, new AbortController().signal);
  }

  function ids(result: PollResult): string[] {
    return result.mentions.map((mention) => mention.id).sort();
  }

  function sorted(items: Array<{ id: string }>): string[] {
    return items.map((item) => item.id).sort();
  }

  beforeAll(async () => {
    world = await startWorld({ publishDelayMs: 60_000 });
  });

  afterAll(async () => {
    await world.sandbox.close();
  });

  beforeEach(async () => {
    resetWorld(world);
    await setLimits(world.sandbox, { hourlyLimit: 3600, publishDelayMs: 60_000 });
  });

  it('maps reviews to Mentions with rating, title, revision and details, responses included', async () => {
    const review = await seedReview(world.sandbox, {
      rating: 1,
      title: 'Charged twice',
      body: 'My card was charged twice 😡',
      reviewerNickname: 'Sam',
      territory: 'GBR',
    });
    const answered = await fetch(`${world.sandbox.url}/v1/customerReviewResponses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await world.tokens.token()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        data: {
          type: 'customerReviewResponses',
          attributes: { responseBody: 'Sorry!' },
          relationships: { review: { data: { type: 'customerReviews', id: review.id } } },
        },
      }),
    });
    const responseId = ((await answered.json()) as { data: { id: string } }).data.id;

    const result = await poll(source());

    expect(result.skipped).toEqual([]);
    expect(result.mentions).toEqual([
      {
        source: 'app-store',
        id: review.id,
        text: 'Charged twice\nMy card was charged twice 😡',
        lang: null,
        author: {
          id: expect.stringMatching(/^appstore:[0-9a-f]{16}$/),
          username: 'Sam',
          name: 'Sam',
          followersCount: null,
          verified: false,
        },
        createdAt: new Date(world.clock.now()).toISOString(),
        conversationId: review.id,
        inReplyToId: null,
        mentionsBrand: true,
        url: `https://apps.apple.com/gb/app/id${APP_ID}?see-all=reviews`,
        rating: 1,
        title: 'Charged twice',
        revision: expect.stringMatching(/^[0-9a-f]{16}$/),
        details: {
          via: 'app-store-connect',
          reviewerNickname: 'Sam',
          territory: 'GBR',
          storefront: 'gb',
          responseId,
          responseState: 'PENDING_PUBLISH',
        },
      },
    ]);
    expect(world.sandbox.requests()[1]?.query).toEqual({
      sort: '-createdDate',
      limit: '200',
      include: 'response',
      'fields[customerReviews]':
        'rating,title,body,reviewerNickname,createdDate,territory,response',
      'fields[customerReviewResponses]': 'responseBody,lastModifiedDate,state,review',
    });
  });

  it('reads only the first page without a cursor, then persists one', async () => {
    const seeded = await seedMany(world, 5);

    const result = await poll(source({ pageLimit: 2 }));

    expect(ids(result)).toEqual(sorted(seeded.slice(3)));
    expect(result.nextCursor).toEqual(expect.any(String));
    expect(world.sandbox.requests()).toHaveLength(1);
  });

  it('restarts from a saved cursor: a new instance sees only reviews that are new', async () => {
    await seedMany(world, 4);
    const first = await poll(source({ pageLimit: 2, overlapMs: 0 }));
    const added = await seedMany(world, 5);

    const restarted = source({ pageLimit: 2, overlapMs: 0 });
    const second = await poll(restarted, first.nextCursor);
    const third = await poll(restarted, second.nextCursor);

    expect(ids(second)).toEqual(sorted(added));
    expect(second.nextCursor).not.toBe(first.nextCursor);
    expect(third.mentions).toEqual([]);
  });

  it('is exact when several reviews share one createdDate', async () => {
    const instant = new Date(world.clock.now()).toISOString();
    const together = [
      await seedReview(world.sandbox, { body: 'one', createdDate: instant }),
      await seedReview(world.sandbox, { body: 'two', createdDate: instant }),
    ];
    const first = await poll(source({ overlapMs: 0 }));
    const late = await seedReview(world.sandbox, {
      body: 'three, same second',
      createdDate: instant,
    });

    const second = await poll(source({ overlapMs: 0 }), first.nextCursor);

    expect(ids(first)).toEqual(sorted(together));
    expect(ids(second)).toEqual([late.id]);
  });

  it('dedupes reviews that a page shift shows twice', async () => {
    await seedMany(world, 1);
    const first = await poll(source({ overlapMs: 0 }));
    const added = await seedMany(world, 5);
    let injected = false;
    const shifting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!injected) {
        injected = true;
        await seedReview(world.sandbox, { body: 'arrives while we page' });
      }
      return response;
    };

    const second = await poll(
      source({ pageLimit: 2, overlapMs: 0, fetch: shifting }),
      first.nextCursor,
    );

    expect(ids(second)).toEqual(sorted(added));
    expect(new Set(ids(second)).size).toBe(second.mentions.length);
  });

  it('stops when X-Rate-Limit says the hour is spent: keeps what it read, defers, keeps the cursor', async () => {
    await seedMany(world, 1);
    const first = await poll(source({ overlapMs: 0 }));
    const added = await seedMany(world, 5);
    await setLimits(world.sandbox, { hourlyLimit: 2 });

    const second = await poll(source({ pageLimit: 2, overlapMs: 0 }), first.nextCursor);

    expect(ids(second)).toEqual(sorted(added.slice(3)));
    expect(second.nextCursor).toBeUndefined();
    expect(second.deferUntil).toBe(world.clock.now() + 3_600_000);
  });

  it('defers on 429 without a cursor change', async () => {
    await setLimits(world.sandbox, { hourlyLimit: 0 });

    const result = await poll(source());

    expect(result).toEqual({
      mentions: [],
      skipped: [],
      nextCursor: undefined,
      deferUntil: world.clock.now() + 3_600_000,
    });
  });

  it('defers after a complete poll that used the last request, and still advances the cursor', async () => {
    await seedMany(world, 2);
    await setLimits(world.sandbox, { hourlyLimit: 1 });

    const result = await poll(source());

    expect(result.mentions).toHaveLength(2);
    expect(result.nextCursor).toEqual(expect.any(String));
    expect(result.deferUntil).toBe(world.clock.now() + 3_600_000);
  });

  it('skips malformed reviews with reasons and keeps the rest of the batch', async () => {
    const created = new Date(world.clock.now()).toISOString();
    const good = await seedReview(world.sandbox, { body: 'fine' });
    await injectRaw(world.sandbox, {
      id: 'no-body',
      attributes: { rating: 3, createdDate: created },
    });
    await injectRaw(world.sandbox, {
      id: 'bad-rating',
      attributes: { rating: 9, body: 'x', createdDate: created },
    });
    await injectRaw(world.sandbox, {
      attributes: { rating: 2, body: 'no id', createdDate: created },
    });
    await injectRaw(world.sandbox, {
      id: 'bad-date',
      attributes: { rating: 2, body: 'x', createdDate: 'soon' },
    });
    await injectRaw(world.sandbox, {
      id: 'odd-text',
      attributes: {
        rating: '2',
        title: 'مشكلة \u200F',
        body: 'lone \uD83D surrogate and \u0000 nul',
        createdDate: created,
      },
    });

    const first = await poll(source());
    const second = await poll(source(), first.nextCursor);

    expect(ids(first)).toEqual([good.id, 'odd-text'].sort());
    expect(first.mentions.find((mention) => mention.id === 'odd-text')).toMatchObject({
      text: 'مشكلة \u200F\nlone \uFFFD surrogate and  nul',
      rating: 2,
    });
    expect(first.skipped).toEqual(
      expect.arrayContaining([
        {
          id: 'no-body',
          reason:
            'malformed review: attributes.body Invalid input: expected string, received undefined',
        },
        {
          id: 'bad-rating',
          reason: 'malformed review: attributes.rating Too big: expected number to be <=5',
        },
        {
          id: null,
          reason: 'malformed review: id Invalid input: expected string, received undefined',
        },
        { id: 'bad-date', reason: 'malformed review: attributes.createdDate Invalid ISO datetime' },
      ]),
    );
    expect(first.skipped).toHaveLength(4);
    expect(first.nextCursor).toEqual(expect.any(String));
    // Items without an id or a date cannot be placed against the cursor, so they are reported again.
    expect(second.skipped.map((item) => item.id).sort()).toEqual(['bad-date', null].sort());
    expect(second.mentions).toEqual([]);
  });

  it('brings back a review edited within the overlap window with a new revision', async () => {
    const review = await seedReview(world.sandbox, { body: 'crashes', rating: 1 });
    const first = await poll(source());
    world.clock.advance(5 * 60_000);

    await editReview(world.sandbox, review.id, { body: 'works now', rating: 5 });
    const second = await poll(source(), first.nextCursor);

    expect(second.mentions).toEqual([
      expect.objectContaining({ id: review.id, rating: 5, text: 'Not happy\nworks now' }),
    ]);
    expect(second.mentions[0]?.revision).not.toBe(first.mentions[0]?.revision);
  });

  it('stops at the page cap with a warning and moves the cursor past the gap', async () => {
    await seedMany(world, 1);
    const first = await poll(source({ overlapMs: 0 }));
    const added = await seedMany(world, 7);

    const capped = source({ pageLimit: 2, maxPages: 2, overlapMs: 0 });
    const second = await poll(capped, first.nextCursor);
    const third = await poll(capped, second.nextCursor);

    expect(ids(second)).toEqual(sorted(added.slice(3)));
    expect(second.nextCursor).toEqual(expect.any(String));
    expect(logs.some((line) => line.msg.includes('page cap'))).toBe(true);
    expect(third.mentions).toEqual([]);
  });

  it('ignores an unreadable cursor with a warning', async () => {
    await seedMany(world, 1);

    const result = await poll(source(), '{"nope":1}');

    expect(result.mentions).toHaveLength(1);
    expect(logs.some((line) => line.msg.includes('unreadable App Store cursor'))).toBe(true);
  });

  it('keeps the cursor when the poll is aborted', async () => {
    await seedMany(world, 1);
    const first = await poll(source({ overlapMs: 0 }));
    await seedMany(world, 3);
    const controller = new AbortController();
    controller.abort();

    const result = await source({ pageLimit: 1 }).poll(first.nextCursor, controller.signal);

    expect(result.nextCursor).toBeUndefined();
  });

  it('throws PlatformAuthError with what to check when the token is refused', async () => {
    const stranger = await createSandboxAppleKeys();
    const tokens = createAppleTokenProvider({ ...stranger, now: world.clock.now });

    const error = await poll(source({ tokens })).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PlatformAuthError);
    expect((error as Error).message).toMatch(
      /401 NOT_AUTHORIZED.*check APP_STORE_KEY_ID, APP_STORE_ISSUER_ID and APP_STORE_PRIVATE_KEY_PATH/,
    );
  });

  it('throws ConfigError for an app the key cannot see', async () => {
    await expect(poll(source({ appId: '1' }))).rejects.toThrow(ConfigError);
    await expect(poll(source({ appId: '1' }))).rejects.toThrow(/check APP_STORE_APP_ID/);
  });

  it('throws TransientNetworkError for 5xx answers and unreachable hosts', async () => {
    const unavailable: typeof fetch = async () =>
      new Response(
        JSON.stringify({ errors: [{ status: '503', code: 'UNAVAILABLE', title: 'Down' }] }),
        {
          status: 503,
        },
      );

    await expect(poll(source({ fetch: unavailable }))).rejects.toThrow(TransientNetworkError);
    await expect(poll(source({ baseUrl: 'http://127.0.0.1:1' }))).rejects.toThrow(
      TransientNetworkError,
    );
  });

  it('refuses to follow a next link to another origin', async () => {
    await seedMany(world, 3);
    const first = await poll(source({ overlapMs: 0 }));
    await seedMany(world, 3);
    const redirecting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const body = (await response.json()) as { links: { next?: string } };
      if (body.links.next) {
        body.links.next = body.links.next.replace(world.sandbox.url, 'https://evil.example');
      }
      return new Response(JSON.stringify(body), {
        status: response.status,
        headers: response.headers,
      });
    };

    await expect(
      poll(source({ pageLimit: 1, fetch: redirecting }), first.nextCursor),
    ).rejects.toThrow('App Store Connect sent a next link to another origin: https://evil.example');
  });
});
