import { describe, expect, it } from 'vitest';

import {
  PlatformAuthError,
  PlatformRateLimited,
  PolicyBlocked,
  TransientNetworkError,
} from '../../src/errors.js';
import type { GoogleTokenProvider } from '../../src/lib/google-auth.js';
import {
  createPlayReplyResponder,
  type PlayReplyResponderOptions,
} from '../../src/responders/play-reply/index.js';
import { usePlaySandboxWithTokens } from '../helpers/google-play.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import {
  addReview,
  listReplies,
  PACKAGE,
  playApi,
  reviewPath,
  setLimits,
  START,
} from './google-play-helpers.js';

const world = usePlaySandboxWithTokens();

function responder(overrides: Partial<PlayReplyResponderOptions> = {}) {
  return createPlayReplyResponder({
    baseUrl: world.sandbox.url,
    packageName: PACKAGE,
    tokens: world.tokens(),
    now: world.clock.now,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) {
    throw new Error('expected the reply to fail');
  }
  return outcome;
}

describe('Google Play reply responder', () => {
  it('posts the reply and answers <reviewId>@<lastEdited seconds>', async () => {
    const id = await addReview(world.sandbox);
    world.clock.advance(90_000);

    const result = await responder().reply({
      inReplyToId: id,
      text: 'Sorry, Sam. A fix is on its way.',
    });

    expect(result).toEqual({ platformId: `${id}@${(START + 90_000) / 1000}` });
    expect(await listReplies(world.sandbox)).toEqual([
      {
        reviewId: id,
        replyText: 'Sorry, Sam. A fix is on its way.',
        lastEdited: { seconds: String((START + 90_000) / 1000) },
      },
    ]);
    expect(responder().platform).toBe('google-play');
  });

  it("finds the review's developer reply (to settle a send cut off mid-call); none before replying", async () => {
    const id = await addReview(world.sandbox);
    const play = responder();
    const before = await play.findReply({ inReplyToId: id, since: new Date(START) });
    world.clock.advance(90_000);
    const { platformId } = await play.reply({ inReplyToId: id, text: 'Sorry, Sam.' });

    const found = await play.findReply({ inReplyToId: id, since: new Date(START) });

    expect(before).toBeNull();
    expect(play.replyReplaces).toBe(true);
    expect(found).toEqual({ platformId, text: 'Sorry, Sam.', at: new Date(START + 90_000) });
  });

  it('lets Play strip HTML tags', async () => {
    const id = await addReview(world.sandbox);

    await responder().reply({ inReplyToId: id, text: 'We are <em>sorry</em>.<br/>Please update.' });

    expect((await listReplies(world.sandbox))[0]?.replyText).toBe('We are sorry.Please update.');
  });

  it('replaces the previous reply: one reply per review', async () => {
    const id = await addReview(world.sandbox);
    const replies = responder();

    await replies.reply({ inReplyToId: id, text: 'First answer' });
    world.clock.advance(1000);
    const second = await replies.reply({ inReplyToId: id, text: 'Better answer' });

    expect(second.platformId).toBe(`${id}@${START / 1000 + 1}`);
    expect((await listReplies(world.sandbox)).map((reply) => reply.replyText)).toEqual([
      'Better answer',
    ]);
  });

  it('accepts 350 characters', async () => {
    const id = await addReview(world.sandbox);

    const result = await responder().reply({ inReplyToId: id, text: 'x'.repeat(350) });

    expect(result.platformId).toMatch(/@\d+$/);
  });

  it('refuses 351 characters with PolicyBlocked over-length, without a request', async () => {
    const id = await addReview(world.sandbox);
    const before = world.sandbox.requests().length;

    const error = await failure(responder().reply({ inReplyToId: id, text: 'x'.repeat(351) }));

    expect(error).toBeInstanceOf(PolicyBlocked);
    expect((error as PolicyBlocked).reason).toBe('over-length');
    expect(world.sandbox.requests()).toHaveLength(before);
  });

  it('counts characters as code points, like Play', async () => {
    const id = await addReview(world.sandbox);

    const result = await responder().reply({ inReplyToId: id, text: '🙏'.repeat(350) });

    expect(result.platformId).toContain(id);
  });

  it('maps Play’s 400 to PolicyBlocked with Google’s message (a raw over-long reply gets that 400)', async () => {
    const id = await addReview(world.sandbox);

    const raw = await playApi(world, world.tokens(), 'POST', reviewPath(id, ':reply'), {
      replyText: 'y'.repeat(351),
    });
    const blank = await failure(responder().reply({ inReplyToId: id, text: '<p></p>' }));

    expect(raw).toMatchObject({ status: 400, body: { error: { status: 'INVALID_ARGUMENT' } } });
    expect(blank).toBeInstanceOf(PolicyBlocked);
    expect((blank as PolicyBlocked).reason).toBe('platform-rejected');
    expect(blank.message).toBe(
      'Google Play rejected the reply (400 INVALID_ARGUMENT: The reply text must not be empty.)',
    );
  });

  it.each`
    case                   | reviewId     | packageName        | message
    ${'an unknown review'} | ${'gp:gone'} | ${PACKAGE}         | ${/Review not found: gp:gone/}
    ${'an unknown app'}    | ${undefined} | ${'com.other.app'} | ${/Package not found: com.other.app/}
  `(
    'maps 404 for $case to PolicyBlocked not-found (nothing to retry)',
    async ({ reviewId, packageName, message }) => {
      const id = (reviewId as string | undefined) ?? (await addReview(world.sandbox));

      const error = await failure(
        responder({ packageName: packageName as string }).reply({ inReplyToId: id, text: 'Hello' }),
      );

      expect(error).toBeInstanceOf(PolicyBlocked);
      expect((error as PolicyBlocked).reason).toBe('not-found');
      expect(error.message).toMatch(message as RegExp);
    },
  );

  it('maps 429 to PlatformRateLimited resetting at the next midnight, Pacific time', async () => {
    await setLimits(world.sandbox, { repliesPerDay: 0 });
    const id = await addReview(world.sandbox);

    const error = await failure(responder().reply({ inReplyToId: id, text: 'Hello' }));

    expect(error).toBeInstanceOf(PlatformRateLimited);
    expect((error as PlatformRateLimited).resetAt).toBe(Date.parse('2026-11-21T08:00:00.000Z'));
  });

  it('maps a 401 that a fresh token does not cure to PlatformAuthError with a hint', async () => {
    const id = await addReview(world.sandbox);
    const tokens: GoogleTokenProvider = { token: async () => 'ya29.revoked', invalidate() {} };

    const error = await failure(responder({ tokens }).reply({ inReplyToId: id, text: 'Hi' }));

    expect(error).toBeInstanceOf(PlatformAuthError);
    expect(error.message).toMatch(/401 UNAUTHENTICATED.*check GOOGLE_PLAY_SERVICE_ACCOUNT_FILE/);
  });

  it('maps 403 PERMISSION_DENIED to PlatformAuthError', async () => {
    const receiver = await startHttpReceiver({
      fallback: {
        status: 403,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          error: {
            code: 403,
            message: 'The caller does not have permission',
            status: 'PERMISSION_DENIED',
          },
        }),
      },
    });
    const tokens: GoogleTokenProvider = { token: async () => 'ya29.any', invalidate() {} };

    const error = await failure(
      responder({ baseUrl: receiver.url, tokens }).reply({ inReplyToId: 'gp:1', text: 'Hi' }),
    );
    await receiver.close();

    expect(error).toBeInstanceOf(PlatformAuthError);
    expect(error.message).toContain('403 PERMISSION_DENIED: The caller does not have permission');
  });

  it.each`
    reply                                                                                               | type                     | resetAt
    ${{ status: 503, body: '{"error":{"code":503,"message":"Backend Error","status":"UNAVAILABLE"}}' }} | ${TransientNetworkError} | ${undefined}
    ${{ status: 429, headers: { 'retry-after': '120' }, body: '{}' }}                                   | ${PlatformRateLimited}   | ${START + 120_000}
  `('maps an answer of $reply.status to $type.name', async ({ reply, type, resetAt }) => {
    const receiver = await startHttpReceiver({ fallback: reply });
    const tokens: GoogleTokenProvider = { token: async () => 'ya29.any', invalidate() {} };

    const error = await failure(
      responder({ baseUrl: receiver.url, tokens }).reply({ inReplyToId: 'gp:1', text: 'Hi' }),
    );
    await receiver.close();

    expect(error).toBeInstanceOf(type);
    if (resetAt !== undefined) {
      expect((error as PlatformRateLimited).resetAt).toBe(resetAt);
    }
  });

  it('reports a refused connection as TransientNetworkError naming ECONNREFUSED (certainly not posted)', async () => {
    const receiver = await startHttpReceiver();
    const closedUrl = receiver.url;
    await receiver.close();
    const tokens: GoogleTokenProvider = { token: async () => 'ya29.any', invalidate() {} };

    const error = await failure(
      responder({ baseUrl: closedUrl, tokens }).reply({ inReplyToId: 'gp:1', text: 'Hi' }),
    );

    expect(error).toBeInstanceOf(TransientNetworkError);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('encodes the review id in the path (Play ids contain ":")', async () => {
    const receiver = await startHttpReceiver({
      fallback: {
        status: 200,
        body: JSON.stringify({
          result: { replyText: 'Hi', lastEdited: { seconds: '1763650000' } },
        }),
      },
    });
    const tokens: GoogleTokenProvider = { token: async () => 'ya29.any', invalidate() {} };

    const result = await responder({ baseUrl: receiver.url, tokens }).reply({
      inReplyToId: 'gp:AOqpTO/x',
      text: 'Hi',
    });
    await receiver.close();

    expect(receiver.requests[0]).toMatchObject({
      method: 'POST',
      path: `/androidpublisher/v3/applications/${PACKAGE}/reviews/gp%3AAOqpTO%2Fx:reply`,
      body: '{"replyText":"Hi"}',
    });
    expect(receiver.requests[0]?.headers.authorization).toBe('Bearer ya29.any');
    expect(result.platformId).toBe('gp:AOqpTO/x@1763650000');
  });
});
