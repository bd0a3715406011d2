import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  PlatformAuthError,
  PlatformRateLimited,
  PolicyBlocked,
  TransientNetworkError,
} from '../../src/errors.js';
import { createAppleTokenProvider } from '../../src/lib/apple-jwt.js';
import { createSandboxAppleKeys } from '../../src/sandbox/app-store/index.js';
import {
  createAppStoreResponder,
  type AppStoreResponder,
} from '../../src/responders/app-store-response/index.js';
import type { AppleTokens } from '../../src/sources/app-store/index.js';
import {
  listResponses,
  resetWorld,
  seedReview,
  setLimits,
  startWorld,
  type AppStoreWorld,
} from './app-store-sandbox-client.js';

describe('App Store response responder against the sandbox', () => {
  let world: AppStoreWorld;

  function responder(
    overrides: { tokens?: AppleTokens; fetch?: typeof fetch; baseUrl?: string } = {},
  ): AppStoreResponder {
    return createAppStoreResponder({
      baseUrl: world.sandbox.url,
      tokens: world.tokens,
      now: world.clock.now,
      ...overrides,
    });
  }

  async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a rejection');
  }

  beforeAll(async () => {
    world = await startWorld({ publishDelayMs: 600_000 });
  });

  afterAll(async () => {
    await world.sandbox.close();
  });

  beforeEach(async () => {
    resetWorld(world);
    await setLimits(world.sandbox, { hourlyLimit: 3600, publishDelayMs: 600_000 });
  });

  it('posts a response and returns its id; the state moves from PENDING_PUBLISH to PUBLISHED', async () => {
    const review = await seedReview(world.sandbox, { body: 'charged twice' });
    const appStore = responder();

    const { platformId } = await appStore.reply({
      inReplyToId: review.id,
      text: 'Sorry, Sam – refund on its way.',
    });
    const pending = await appStore.getResponseState(review.id);
    world.clock.advance(600_000);
    const published = await appStore.getResponseState(review.id);

    expect(appStore.platform).toBe('app-store');
    expect(platformId).toMatch(/^0000003c-/);
    expect(pending).toEqual({
      id: platformId,
      state: 'PENDING_PUBLISH',
      responseBody: 'Sorry, Sam – refund on its way.',
      lastModifiedDate: new Date(world.clock.now() - 600_000).toISOString(),
    });
    expect(published?.state).toBe('PUBLISHED');
  });

  it('replaces an earlier response: still one response per review, the new one pending', async () => {
    const review = await seedReview(world.sandbox, { body: 'crash' });
    const other = await seedReview(world.sandbox, { body: 'other' });
    const appStore = responder();
    const first = await appStore.reply({ inReplyToId: review.id, text: 'First answer' });
    await appStore.reply({ inReplyToId: other.id, text: 'Other answer' });
    world.clock.advance(700_000);

    const second = await appStore.reply({ inReplyToId: review.id, text: 'Updated answer' });

    expect(second.platformId).not.toBe(first.platformId);
    expect(await listResponses(world.sandbox)).toEqual([
      expect.objectContaining({
        reviewId: other.id,
        responseBody: 'Other answer',
        state: 'PUBLISHED',
      }),
      expect.objectContaining({
        id: second.platformId,
        reviewId: review.id,
        responseBody: 'Updated answer',
        state: 'PENDING_PUBLISH',
      }),
    ]);
  });

  it('reports no response as null', async () => {
    const review = await seedReview(world.sandbox, { body: 'crash' });

    await expect(responder().getResponseState(review.id)).resolves.toBeNull();
    await expect(
      responder().findReply({ inReplyToId: review.id, since: new Date(0) }),
    ).resolves.toBeNull();
  });

  it("finds the review's response (to settle a send cut off mid-call); a reply replaces", async () => {
    const review = await seedReview(world.sandbox, { body: 'crash' });
    const appStore = responder();
    const { platformId } = await appStore.reply({ inReplyToId: review.id, text: 'Sorry, Sam.' });

    const found = await appStore.findReply({ inReplyToId: review.id, since: new Date(0) });

    expect(appStore.replyReplaces).toBe(true);
    expect(found).toEqual({
      platformId,
      text: 'Sorry, Sam.',
      at: new Date(Math.floor(world.clock.now() / 1000) * 1000),
    });
  });

  it('renews its token across calls as the clock passes the expiry', async () => {
    const review = await seedReview(world.sandbox, { body: 'crash' });
    const appStore = responder();
    await appStore.reply({ inReplyToId: review.id, text: 'One' });

    world.clock.advance(1_500_000);
    await appStore.reply({ inReplyToId: review.id, text: 'Two' });

    expect(world.sandbox.requests().map((entry) => entry.status)).toEqual([201, 201]);
  });

  it('maps 401 to PlatformAuthError with what to check', async () => {
    const stranger = await createSandboxAppleKeys();
    const review = await seedReview(world.sandbox, { body: 'crash' });
    const tokens = createAppleTokenProvider({ ...stranger, now: world.clock.now });

    const error = await rejection(
      responder({ tokens }).reply({ inReplyToId: review.id, text: 'Hi' }),
    );

    expect(error).toBeInstanceOf(PlatformAuthError);
    expect(error.message).toMatch(
      /APP_STORE_KEY_ID, APP_STORE_ISSUER_ID and APP_STORE_PRIVATE_KEY_PATH/,
    );
  });

  it('maps 429 to PlatformRateLimited, resetting when the rolling hour lets it', async () => {
    const review = await seedReview(world.sandbox, { body: 'crash' });
    await setLimits(world.sandbox, { hourlyLimit: 0 });

    const error = await rejection(responder().reply({ inReplyToId: review.id, text: 'Hi' }));

    expect(error).toBeInstanceOf(PlatformRateLimited);
    expect((error as PlatformRateLimited).resetAt).toBe(world.clock.now() + 3_600_000);
  });

  it.each`
    name                   | reviewId     | text    | pattern
    ${'an unknown review'} | ${'missing'} | ${'Hi'} | ${/409 ENTITY_ERROR\.RELATIONSHIP\.INVALID: customerReviews with id 'missing' cannot be found/}
    ${'an empty text'}     | ${null}      | ${'  '} | ${/422 ENTITY_ERROR\.ATTRIBUTE\.INVALID: responseBody must not be empty/}
  `('maps $name to PolicyBlocked with Apple detail', async ({ reviewId, text, pattern }) => {
    const review = await seedReview(world.sandbox, { body: 'crash' });

    const error = await rejection(
      responder().reply({
        inReplyToId: (reviewId as string | null) ?? review.id,
        text: text as string,
      }),
    );

    expect(error).toBeInstanceOf(PolicyBlocked);
    expect((error as PolicyBlocked).reason).toBe('platform-rejected');
    expect(error.message).toMatch(pattern as RegExp);
  });

  it('maps 5xx and network failures to TransientNetworkError', async () => {
    const unavailable: typeof fetch = async () => new Response('', { status: 503 });

    const serverError = await rejection(
      responder({ fetch: unavailable }).reply({ inReplyToId: 'x', text: 'Hi' }),
    );
    const networkError = await rejection(
      responder({ baseUrl: 'http://127.0.0.1:1' }).reply({ inReplyToId: 'x', text: 'Hi' }),
    );

    expect(serverError).toBeInstanceOf(TransientNetworkError);
    expect(networkError).toBeInstanceOf(TransientNetworkError);
  });
});
