import { readFileSync } from 'node:fs';

import { createGooglePlaySource } from '../../src/sources/google-play/index.js';
import { captureLogs } from '../helpers/log-capture.js';
import {
  addReview,
  injectRaw,
  PACKAGE,
  startPlayWorld,
  type PlayWorld,
} from '../integration/google-play-helpers.js';
import { describeSourceContract, type SourceContractWorld } from './source.contract.js';

interface ReviewFixtures {
  valid: Array<Record<string, unknown>>;
  malformed: Array<{ raw: Record<string, unknown>; id: string | null }>;
}

/** Real-world review shapes (TAB titles, absent nanos, pt_BR, replies) and malformed ones. */
const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/google-play/reviews.fixture.json', import.meta.url), 'utf8'),
) as ReviewFixtures;

/** The fixture's lastModified.seconds are offsets; this pins them to the sandbox clock. */
function atClock(
  raw: Record<string, unknown>,
  now: number,
  shiftSeconds: number,
): Record<string, unknown> {
  const copy = structuredClone(raw) as {
    comments?: Array<{ userComment?: { lastModified?: { seconds: number | string } } }>;
  };
  for (const comment of copy.comments ?? []) {
    const lastModified = comment.userComment?.lastModified;
    if (lastModified !== undefined) {
      lastModified.seconds = String(
        Math.floor(now / 1000) + Number(lastModified.seconds) + shiftSeconds,
      );
    }
  }
  return copy as Record<string, unknown>;
}

/**
 * Two reviews a page (Play serves up to 100), so "several pages" stays small; with `shiftPages`, a new review
 * arrives after the first page and Play's offset pages repeat one review.
 */
function pagingFetch(world: PlayWorld, shiftPages: boolean): typeof fetch {
  let shifted = !shiftPages;
  return async (input, init) => {
    const url = String(input).replace('maxResults=100', 'maxResults=2');
    const response = await fetch(url, init);
    if (!shifted && url.includes('/reviews?')) {
      shifted = true;
      world.clock.advance(1000);
      await addReview(world.sandbox, { text: 'arrived while paging' });
    }
    return response;
  };
}

describeSourceContract('google-play', async (): Promise<SourceContractWorld> => {
  const world = await startPlayWorld();
  let valid = 0;
  let malformed = 0;
  return {
    createSource(options) {
      return createGooglePlaySource({
        baseUrl: world.sandbox.url,
        packageName: PACKAGE,
        tokens: world.tokens(),
        now: world.clock.now,
        logger: captureLogs().logger,
        fetch: pagingFetch(world, options?.shiftPages ?? false),
      });
    },
    async addItems(count) {
      const ids: string[] = [];
      for (let index = 0; index < count; index += 1) {
        world.clock.advance(1000);
        const fixture = fixtures.valid[valid % fixtures.valid.length]!;
        const reviewId = `${String(fixture.reviewId)}-${valid}`;
        valid += 1;
        // Each fixture is pinned to "now", so every item is newer than everything before.
        ids.push(
          await injectRaw(world.sandbox, {
            ...atClock(fixture, world.clock.now(), -latestOffset(fixture)),
            reviewId,
          }),
        );
      }
      return ids;
    },
    async addMalformed() {
      world.clock.advance(1000);
      const fixture = fixtures.malformed[malformed % fixtures.malformed.length]!;
      malformed += 1;
      await injectRaw(world.sandbox, atClock(fixture.raw, world.clock.now(), 60));
    },
    severalPages: 5,
    close: () => world.close(),
  };
});

/** The offset of the fixture's newest user comment, so pinning puts that comment exactly at "now". */
function latestOffset(raw: Record<string, unknown>): number {
  const comments = (raw.comments ?? []) as Array<{
    userComment?: { lastModified?: { seconds: number } };
  }>;
  let latest = Number.NEGATIVE_INFINITY;
  for (const comment of comments) {
    const seconds = comment.userComment?.lastModified?.seconds;
    if (typeof seconds === 'number' && seconds > latest) {
      latest = seconds;
    }
  }
  return Number.isFinite(latest) ? latest : 0;
}
