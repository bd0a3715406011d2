import { createAppStoreSource } from '../../src/sources/app-store/index.js';
import { createAppStoreRssSource } from '../../src/sources/app-store-rss/index.js';
import { captureLogs } from '../helpers/log-capture.js';
import {
  APP_ID,
  injectFeedEntry,
  injectRaw,
  seedMany,
  startWorld,
  type AppStoreWorld,
} from '../integration/app-store-sandbox-client.js';
import { describeSourceContract, type SourceContractWorld } from './source.contract.js';

/** A fetch that adds one review to the sandbox after the first page, so offset pages shift. */
function shiftingFetch(world: AppStoreWorld): typeof fetch {
  let shifted = false;
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!shifted) {
      shifted = true;
      await seedMany(world, 1);
    }
    return response;
  };
}

describeSourceContract(
  'app-store (App Store Connect API)',
  async (): Promise<SourceContractWorld> => {
    const world = await startWorld();
    return {
      createSource(options) {
        return createAppStoreSource({
          baseUrl: world.sandbox.url,
          appId: APP_ID,
          tokens: world.tokens,
          now: world.clock.now,
          logger: captureLogs().logger,
          pageLimit: 2,
          overlapMs: 0,
          ...(options?.shiftPages ? { fetch: shiftingFetch(world) } : {}),
        });
      },
      async addItems(count) {
        return (await seedMany(world, count)).map((review) => review.id);
      },
      async addMalformed() {
        await injectRaw(world.sandbox, {
          id: 'malformed-1',
          attributes: { rating: 9, createdDate: new Date(world.clock.now()).toISOString() },
        });
        world.clock.advance(1000);
      },
      severalPages: 5,
      close: () => world.sandbox.close(),
    };
  },
);

describeSourceContract(
  'app-store (public customer-reviews feed)',
  async (): Promise<SourceContractWorld> => {
    const world = await startWorld();
    return {
      createSource(options) {
        return createAppStoreRssSource({
          baseUrl: world.sandbox.url,
          appId: APP_ID,
          countries: ['us', 'gb'],
          now: world.clock.now,
          logger: captureLogs().logger,
          overlapMs: 0,
          ...(options?.shiftPages ? { fetch: shiftingFetch(world) } : {}),
        });
      },
      async addItems(count) {
        return (await seedMany(world, count)).map((review) => review.feedId);
      },
      async addMalformed() {
        await injectFeedEntry(world.sandbox, 'GBR', {
          id: { label: '999' },
          updated: { label: new Date(world.clock.now()).toISOString() },
          content: { label: 'no rating' },
        });
        world.clock.advance(1000);
      },
      severalPages: 120,
      close: () => world.sandbox.close(),
    };
  },
);
