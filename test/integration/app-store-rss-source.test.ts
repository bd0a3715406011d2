import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { ConfigError, TransientNetworkError } from '../../src/errors.js';
import {
  createAppStoreRssSource,
  type AppStoreRssSourceOptions,
} from '../../src/sources/app-store-rss/index.js';
import type { PollResult, Source } from '../../src/sources/types.js';
import { captureLogs, type CapturedLog } from '../helpers/log-capture.js';
import {
  APP_ID,
  editReview,
  injectFeedEntry,
  resetWorld,
  seedMany,
  seedReview,
  startWorld,
  type AppStoreWorld,
} from './app-store-sandbox-client.js';

function feedEntry(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    author: { name: { label: 'Raw' }, uri: { label: 'https://itunes.apple.com/us/reviews/id1' } },
    updated: { label: '2026-11-20T00:30:00-08:00' },
    'im:rating': { label: '2' },
    'im:version': { label: '1.0' },
    id: { label: id },
    title: { label: 'Raw title' },
    content: { label: 'Raw body', attributes: { type: 'text' } },
    ...overrides,
  };
}

describe('App Store feed source against the sandbox', () => {
  let world: AppStoreWorld;
  let logs: CapturedLog[];

  function source(overrides: Partial<AppStoreRssSourceOptions> = {}): Source {
    const captured = captureLogs();
    logs = captured.lines;
    return createAppStoreRssSource({
      baseUrl: world.sandbox.url,
      appId: APP_ID,
      countries: ['us'],
      now: world.clock.now,
      logger: captured.logger,
      overlapMs: 0,
      ...overrides,
    });
  }

  function poll(target: Source, cursor?: string): Promise<PollResult> {
    return target.poll(cursor, new AbortController().signal);
  }

  function ids(result: PollResult): string[] {
    return result.mentions.map((mention) => mention.id).sort();
  }

  function feedIds(items: Array<{ feedId: string }>): string[] {
    return items.map((item) => item.feedId).sort();
  }

  function feedPages(): string[] {
    return world.sandbox
      .requests()
      .filter((entry) => entry.surface === 'rss')
      .map((entry) => entry.path.replace(`/id=${APP_ID}/sortby=mostRecent/json`, ''));
  }

  beforeAll(async () => {
    world = await startWorld();
  });

  afterAll(async () => {
    await world.sandbox.close();
  });

  beforeEach(() => {
    resetWorld(world);
  });

  it('reads several storefronts and maps entries with their storefront', async () => {
    const us = await seedReview(world.sandbox, { body: 'us review', territory: 'USA' });
    const gb = await seedReview(world.sandbox, {
      body: 'gb review',
      territory: 'GBR',
      appVersion: '3.1',
    });
    await seedReview(world.sandbox, { body: 'de review', territory: 'DEU' });

    const result = await poll(source({ countries: ['us', 'GB'] }));

    expect(ids(result)).toEqual([us.feedId, gb.feedId].sort());
    expect(result.mentions.find((mention) => mention.id === gb.feedId)).toMatchObject({
      source: 'app-store',
      text: 'Not happy\ngb review',
      rating: 1,
      url: `https://apps.apple.com/gb/app/id${APP_ID}?see-all=reviews`,
      details: { via: 'rss', storefront: 'gb', territory: 'GBR', appVersion: '3.1' },
    });
    expect(feedPages()).toEqual([
      '/us/rss/customerreviews/page=1',
      '/gb/rss/customerreviews/page=1',
    ]);
  });

  it('handles a feed with a single entry object and a feed with no entry', async () => {
    const only = await seedReview(world.sandbox, { body: 'just one' });

    const single = await poll(source({ countries: ['us'] }));
    const empty = await poll(source({ countries: ['fr'] }));

    expect(ids(single)).toEqual([only.feedId]);
    expect(empty).toEqual({ mentions: [], skipped: [], nextCursor: undefined });
  });

  it('keeps a cursor per storefront: a restarted source sees only new entries', async () => {
    await seedReview(world.sandbox, { body: 'old us', territory: 'USA' });
    await seedReview(world.sandbox, { body: 'old gb', territory: 'GBR' });
    const first = await poll(source({ countries: ['us', 'gb'] }));
    world.clock.advance(1000);
    const added = [
      await seedReview(world.sandbox, { body: 'new us', territory: 'USA' }),
      await seedReview(world.sandbox, { body: 'new gb', territory: 'GBR' }),
    ];

    const restarted = source({ countries: ['us', 'gb'] });
    const second = await poll(restarted, first.nextCursor);
    const third = await poll(restarted, second.nextCursor);

    expect(Object.keys(JSON.parse(first.nextCursor ?? '{}').countries as object)).toEqual([
      'us',
      'gb',
    ]);
    expect(ids(second)).toEqual(feedIds(added));
    expect(third.mentions).toEqual([]);
  });

  it('brings an edited review back with a new revision, as the feed moves it up', async () => {
    const review = await seedReview(world.sandbox, { body: 'crashes', rating: 1 });
    const first = await poll(source());
    world.clock.advance(86_400_000);

    await editReview(world.sandbox, review.id, { body: 'fixed', rating: 4 });
    const second = await poll(source(), first.nextCursor);

    expect(second.mentions).toEqual([
      expect.objectContaining({ id: review.feedId, rating: 4, text: 'Not happy\nfixed' }),
    ]);
    expect(second.mentions[0]?.revision).not.toBe(first.mentions[0]?.revision);
  });

  it('reads at most 10 pages of 50 and says so', async () => {
    await seedMany(world, 1);
    const first = await poll(source());
    const added = await seedMany(world, 520);

    const second = await poll(source(), first.nextCursor);

    expect(second.mentions).toHaveLength(500);
    expect(ids(second)).toEqual(feedIds(added.slice(20)));
    expect(feedPages().slice(1)).toEqual(
      Array.from({ length: 10 }, (_, index) => `/us/rss/customerreviews/page=${index + 1}`),
    );
    expect(logs.some((line) => line.msg.includes('page cap'))).toBe(true);
    expect(second.nextCursor).toEqual(expect.any(String));
  });

  it('follows pages until it reaches the cursor, deduping entries a page shift repeats', async () => {
    await seedMany(world, 1);
    const first = await poll(source());
    const added = await seedMany(world, 60);
    let injected = false;
    const shifting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!injected) {
        injected = true;
        await seedMany(world, 3);
      }
      return response;
    };

    const second = await poll(source({ fetch: shifting }), first.nextCursor);

    expect(ids(second)).toEqual(feedIds(added));
    // The cursor's own review sits at the window floor, so an empty page 3 ends the walk.
    expect(feedPages().slice(1)).toEqual([
      '/us/rss/customerreviews/page=1',
      '/us/rss/customerreviews/page=2',
      '/us/rss/customerreviews/page=3',
    ]);
  });

  it('skips malformed entries with reasons, ignores the app entry, decodes entities, keeps the batch', async () => {
    const good = await seedReview(world.sandbox, { body: 'fine' });
    await injectFeedEntry(world.sandbox, 'USA', feedEntry('900', { 'im:rating': undefined }));
    await injectFeedEntry(world.sandbox, 'USA', feedEntry('901', { updated: { label: 'late' } }));
    await injectFeedEntry(world.sandbox, 'USA', {
      'im:name': { label: 'Acme' },
      id: { label: 'https://apps.apple.com/us/app/id1' },
    });
    await injectFeedEntry(
      world.sandbox,
      'USA',
      feedEntry('902', {
        title: { label: 'Tom &amp; Jerry' },
        content: { label: 'it&#39;s broken &#x1F4A5; عربي' },
      }),
    );

    const result = await poll(source());

    expect(ids(result)).toEqual([good.feedId, '902'].sort());
    expect(result.mentions.find((mention) => mention.id === '902')?.text).toBe(
      "Tom & Jerry\nit's broken 💥 عربي",
    );
    expect([...result.skipped].sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual([
      { id: '900', reason: 'malformed feed entry: im:rating Invalid input' },
      { id: '901', reason: 'malformed feed entry: updated Invalid ISO datetime' },
    ]);
  });

  it('dedupes the same review across storefronts', async () => {
    await injectFeedEntry(world.sandbox, 'USA', feedEntry('777'));
    await injectFeedEntry(world.sandbox, 'GBR', feedEntry('777'));

    const result = await poll(source({ countries: ['us', 'gb'] }));

    expect(ids(result)).toEqual(['777']);
  });

  it('keeps the cursor of a failing storefront while the others move on', async () => {
    await seedReview(world.sandbox, { body: 'us', territory: 'USA' });
    await seedReview(world.sandbox, { body: 'gb', territory: 'GBR' });
    const first = await poll(source({ countries: ['us', 'gb'] }));
    world.clock.advance(1000);
    const newUs = await seedReview(world.sandbox, { body: 'new us', territory: 'USA' });
    const newGb = await seedReview(world.sandbox, { body: 'new gb', territory: 'GBR' });
    const gbDown: typeof fetch = async (input, init) =>
      String(input).includes('/gb/') ? new Response('busy', { status: 503 }) : fetch(input, init);

    const partial = await poll(
      source({ countries: ['us', 'gb'], fetch: gbDown }),
      first.nextCursor,
    );
    const warned = logs.some((line) => line.msg.includes('storefront keeps its cursor'));
    const recovered = await poll(source({ countries: ['us', 'gb'] }), partial.nextCursor);

    const before = JSON.parse(first.nextCursor ?? '{}') as { countries: Record<string, unknown> };
    const after = JSON.parse(partial.nextCursor ?? '{}') as { countries: Record<string, unknown> };
    expect(ids(partial)).toEqual([newUs.feedId]);
    expect(after.countries.gb).toEqual(before.countries.gb);
    expect(after.countries.us).not.toEqual(before.countries.us);
    expect(ids(recovered)).toEqual([newGb.feedId]);
    expect(warned).toBe(true);
  });

  it('throws TransientNetworkError when every storefront fails', async () => {
    const down: typeof fetch = async () => new Response('down', { status: 503 });

    await expect(poll(source({ countries: ['us', 'gb'], fetch: down }))).rejects.toThrow(
      TransientNetworkError,
    );
  });

  it('defers on 429, honouring Retry-After, and polls no further storefronts', async () => {
    const limited: typeof fetch = async () =>
      new Response('slow down', { status: 429, headers: { 'retry-after': '120' } });

    const result = await poll(source({ countries: ['us', 'gb'], fetch: limited }));

    expect(result.deferUntil).toBe(world.clock.now() + 120_000);
    expect(result.nextCursor).toBeUndefined();
  });

  it.each`
    options                  | message
    ${{ countries: ['xx'] }} | ${"APP_STORE_COUNTRIES: 'xx' is not an App Store storefront"}
    ${{ countries: [] }}     | ${'APP_STORE_COUNTRIES: give at least one storefront, e.g. us,gb,de'}
    ${{ maxPages: 11 }}      | ${'App Store feed pages must be 1–10, got 11'}
  `('rejects $options at construction', ({ options, message }) => {
    expect(() => source(options as Partial<AppStoreRssSourceOptions>)).toThrow(ConfigError);
    expect(() => source(options as Partial<AppStoreRssSourceOptions>)).toThrow(message as string);
  });
});
