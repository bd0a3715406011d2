import { beforeEach } from 'vitest';

import { DEFAULT_PLAY_LIMITS } from '../../src/sandbox/google-play/index.js';
import {
  setLimits,
  START,
  startPlayWorld,
  type PlayWorld,
} from '../integration/google-play-helpers.js';
import { useSuiteResource } from './suite-resource.js';

/**
 * One Google Play sandbox for the enclosing file or describe, on a controllable clock with one registered service
 * account: `world.tokens()` gives a fresh token provider. Before each test the reviews, replies and request log
 * are cleared, the clock goes back to START and Play's default limits come back (limits survive `reset()`).
 * The world is usable from the first hook on; it stops after the last test.
 *
 * @example
 * const world = usePlaySandboxWithTokens();
 *
 * it('lists reviews', async () => {
 *   await addReview(world.sandbox);
 *   const answer = await playApi(world, world.tokens(), 'GET', reviewsPath());
 *   expect(answer.status).toBe(200);
 * });
 */
export function usePlaySandboxWithTokens(): PlayWorld {
  const started = useSuiteResource('Play sandbox', startPlayWorld, (world) => world.close());

  beforeEach(async () => {
    const world = started();
    world.sandbox.reset();
    world.clock.set(START);
    await setLimits(world.sandbox, { ...DEFAULT_PLAY_LIMITS });
  });

  return {
    get sandbox() {
      return started().sandbox;
    },
    get key() {
      return started().key;
    },
    get clock() {
      return started().clock;
    },
    tokens: () => started().tokens(),
    close: () => started().close(),
  };
}
