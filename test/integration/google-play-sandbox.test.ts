import { exportPKCS8, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';

import { PlatformAuthError } from '../../src/errors.js';
import { createGoogleTokenProvider, parseServiceAccount } from '../../src/lib/google-auth.js';
import { usePlaySandboxWithTokens } from '../helpers/google-play.js';
import {
  addReview,
  DAY,
  editReview,
  HOUR,
  injectRaw,
  listReplies,
  PACKAGE,
  playApi,
  reviewPath,
  reviewsPath,
  sandboxAdmin,
  setLimits,
  START,
} from './google-play-helpers.js';

const world = usePlaySandboxWithTokens();

interface AssertionOptions {
  iss?: string;
  aud?: string;
  iatOffset?: number;
  lifetime?: number;
  scope?: string | undefined;
  kid?: string;
  privateKeyPem?: string;
}

async function assertion(options: AssertionOptions = {}): Promise<string> {
  const key = await importPKCS8(options.privateKeyPem ?? world.key.private_key, 'RS256');
  const iat = Math.floor(world.clock.now() / 1000) + (options.iatOffset ?? 0);
  const claims =
    'scope' in options
      ? { scope: options.scope }
      : { scope: 'https://www.googleapis.com/auth/androidpublisher' };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? world.key.private_key_id })
    .setIssuer(options.iss ?? world.key.client_email)
    .setAudience(options.aud ?? world.key.token_uri)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetime ?? 3600))
    .sign(key);
}

async function tokenRequest(
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(world.key.token_uri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('POST /token (service-account JWT bearer grant)', () => {
  it('grants an hour-long Bearer token for a valid assertion', async () => {
    const answer = await tokenRequest({ grant_type: GRANT, assertion: await assertion() });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^ya29\./),
      expires_in: 3599,
      token_type: 'Bearer',
    });
  });

  it.each`
    case                              | options                                            | error              | description
    ${'an assertion over an hour'}    | ${{ lifetime: 3601 }}                              | ${'invalid_grant'} | ${/short-lived token \(60 minutes\)/}
    ${'an expired assertion'}         | ${{ iatOffset: -3601 }}                            | ${'invalid_grant'} | ${/short-lived token/}
    ${'an assertion from the future'} | ${{ iatOffset: 300 }}                              | ${'invalid_grant'} | ${/short-lived token/}
    ${'the wrong audience'}           | ${{ aud: 'https://oauth2.googleapis.com/token' }}  | ${'invalid_grant'} | ${/Failed audience check/}
    ${'an unknown key id'}            | ${{ kid: 'nope' }}                                 | ${'invalid_grant'} | ${/account not found/}
    ${'another account’s issuer'}     | ${{ iss: 'someone@else.iam.gserviceaccount.com' }} | ${'invalid_grant'} | ${/account not found/}
    ${'no scope'}                     | ${{ scope: undefined }}                            | ${'invalid_scope'} | ${/Invalid OAuth scope/}
  `('refuses $case with 400 $error', async ({ options, error, description }) => {
    const answer = await tokenRequest({
      grant_type: GRANT,
      assertion: await assertion(options as AssertionOptions),
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe(error);
    expect(answer.body.error_description).toMatch(description);
  });

  it('refuses an assertion signed by another key with "Invalid JWT Signature."', async () => {
    const stranger = await generateKeyPair('RS256', { extractable: true });

    const answer = await tokenRequest({
      grant_type: GRANT,
      assertion: await assertion({ privateKeyPem: await exportPKCS8(stranger.privateKey) }),
    });

    expect(answer).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' },
    });
  });

  it.each`
    form                                             | body
    ${{ grant_type: 'client_credentials' }}          | ${{ error: 'unsupported_grant_type', error_description: 'Invalid grant_type: client_credentials' }}
    ${{ grant_type: GRANT }}                         | ${{ error: 'invalid_request', error_description: 'Missing required parameter: assertion' }}
    ${{ grant_type: GRANT, assertion: 'not.a.jwt' }} | ${{ error: 'invalid_grant', error_description: 'Invalid JWT: the assertion is not a well-formed JWT.' }}
  `('answers a malformed request $form with 400', async ({ form, body }) => {
    const answer = await tokenRequest(form as Record<string, string>);

    expect(answer).toEqual({ status: 400, body });
  });

  it('makes the token provider fail with PlatformAuthError for an unregistered key', async () => {
    const stranger = await generateKeyPair('RS256', { extractable: true });
    const tokens = createGoogleTokenProvider({
      ...parseServiceAccount(world.key, 'sandbox'),
      privateKeyId: 'unregistered',
      privateKeyPem: await exportPKCS8(stranger.privateKey),
      now: world.clock.now,
    });

    const error = await tokens.token().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PlatformAuthError);
    expect((error as Error).message).toMatch(/invalid_grant: Invalid grant: account not found/);
  });
});

describe('authentication on the API', () => {
  it.each`
    case                  | authorization     | message                                                     | reason
    ${'no credentials'}   | ${null}           | ${/^Request is missing required authentication credential/} | ${'required'}
    ${'an unknown token'} | ${'ya29.made-up'} | ${/^Request had invalid authentication credentials/}        | ${'authError'}
  `('answers $case with 401 UNAUTHENTICATED', async ({ authorization, message, reason }) => {
    const answer = await playApi(world, authorization as string | null, 'GET', reviewsPath());

    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      error: {
        code: 401,
        message: expect.stringMatching(message),
        status: 'UNAUTHENTICATED',
        errors: [expect.objectContaining({ domain: 'global', reason, location: 'Authorization' })],
      },
    });
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
  });

  it('rejects a token once it has expired on the sandbox clock, and the provider renews it', async () => {
    const tokens = world.tokens();
    const old = await tokens.token();

    world.clock.advance(3599 * 1000);
    const expired = await playApi(world, old, 'GET', reviewsPath());
    const renewed = await playApi(world, tokens, 'GET', reviewsPath());

    expect(expired.status).toBe(401);
    expect(renewed.status).toBe(200);
    expect(await tokens.token()).not.toBe(old);
  });

  it('answers a token without the androidpublisher scope with 403 PERMISSION_DENIED', async () => {
    const token = (
      await tokenRequest({
        grant_type: GRANT,
        assertion: await assertion({ scope: 'https://www.googleapis.com/auth/cloud-platform' }),
      })
    ).body.access_token as string;

    const answer = await playApi(world, token, 'GET', reviewsPath());

    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      error: {
        code: 403,
        status: 'PERMISSION_DENIED',
        message: 'Request had insufficient authentication scopes.',
      },
    });
  });

  it('invalidates every token on POST /__sandbox/play/tokens/revoke', async () => {
    const tokens = world.tokens();
    const token = await tokens.token();

    await sandboxAdmin(world.sandbox, 'POST', '/tokens/revoke');
    const answer = await playApi(world, token, 'GET', reviewsPath());

    expect(answer.status).toBe(401);
  });
});

describe('GET …/reviews (reviews.list)', () => {
  it('lists reviews with the most recent activity first, edits included', async () => {
    const tokens = world.tokens();
    const first = await addReview(world.sandbox, { text: 'first' });
    world.clock.advance(1000);
    const second = await addReview(world.sandbox, { text: 'second' });
    world.clock.advance(1000);
    await editReview(world.sandbox, first, { text: 'first, edited' });

    const answer = await playApi(world, tokens, 'GET', reviewsPath('?maxResults=10'));

    const reviews = (answer.body as { reviews: Array<{ reviewId: string }> }).reviews;
    expect(reviews.map((review) => review.reviewId)).toEqual([first, second]);
    expect(answer.body).toMatchObject({ pageInfo: { totalResults: 2, resultPerPage: 10 } });
    expect(answer.body).not.toHaveProperty('tokenPagination');
  });

  it('renders a review exactly as the discovery schema describes it', async () => {
    const tokens = world.tokens();
    const id = await addReview(world.sandbox, {
      authorName: 'Jane Bloggs',
      title: 'Crashes',
      text: 'Since the update it closes right away',
      starRating: 2,
      reviewerLanguage: 'en',
      appVersionName: '3.1.4',
      appVersionCode: 314,
      device: 'hwcrr',
      androidOsVersion: 23,
      thumbsUpCount: 5,
      deviceMetadata: { productName: 'Nexus 6P', manufacturer: 'Huawei', ramMb: 3072 },
    });
    world.clock.advance(713);

    const answer = await playApi(world, tokens, 'GET', reviewPath(id));

    expect(answer.body).toEqual({
      reviewId: id,
      authorName: 'Jane Bloggs',
      comments: [
        {
          userComment: {
            text: 'Crashes\tSince the update it closes right away',
            lastModified: { seconds: String(START / 1000) },
            starRating: 2,
            reviewerLanguage: 'en',
            device: 'hwcrr',
            androidOsVersion: 23,
            appVersionCode: 314,
            appVersionName: '3.1.4',
            thumbsUpCount: 5,
            deviceMetadata: { productName: 'Nexus 6P', manufacturer: 'Huawei', ramMb: 3072 },
          },
        },
      ],
    });
  });

  it('pages with tokenPagination.nextPageToken until the last page', async () => {
    const tokens = world.tokens();
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      ids.push(await addReview(world.sandbox, { text: `review ${index}` }));
      world.clock.advance(1000);
    }

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = token === undefined ? '?maxResults=2' : `?maxResults=2&token=${token}`;
      const answer = await playApi(world, tokens, 'GET', reviewsPath(query));
      const body = answer.body as {
        reviews: Array<{ reviewId: string }>;
        tokenPagination?: { nextPageToken: string };
      };
      seen.push(...body.reviews.map((review) => review.reviewId));
      token = body.tokenPagination?.nextPageToken;
      pages += 1;
    } while (token !== undefined);

    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('only lists reviews created or modified within the last 7 days', async () => {
    const tokens = world.tokens();
    const old = await addReview(world.sandbox, { text: 'old' });
    world.clock.advance(7 * DAY + 1);
    const fresh = await addReview(world.sandbox, { text: 'fresh' });

    const listed = await playApi(world, tokens, 'GET', reviewsPath());
    const single = await playApi(world, tokens, 'GET', reviewPath(old));
    await editReview(world.sandbox, old, { starRating: 2 });
    const afterEdit = await playApi(world, tokens, 'GET', reviewsPath());

    expect(
      (listed.body as { reviews: Array<{ reviewId: string }> }).reviews.map((r) => r.reviewId),
    ).toEqual([fresh]);
    expect(single.status).toBe(404);
    expect(
      (afterEdit.body as { reviews: Array<{ reviewId: string }> }).reviews.map((r) => r.reviewId),
    ).toEqual([old, fresh]);
  });

  it('answers an empty window with no reviews field', async () => {
    const answer = await playApi(world, world.tokens(), 'GET', reviewsPath());

    expect(answer).toMatchObject({ status: 200, body: { pageInfo: { resultPerPage: 10 } } });
    expect(answer.body).not.toHaveProperty('reviews');
  });

  it.each`
    query                  | message
    ${'?maxResults=101'}   | ${'maxResults must be at most 100, got 101.'}
    ${'?maxResults=ten'}   | ${`Invalid value at 'max_results' (TYPE_UINT32), "ten"`}
    ${'?startIndex=-1'}    | ${`Invalid value at 'start_index' (TYPE_UINT32), "-1"`}
    ${'?token=garbage'}    | ${'Invalid pagination token.'}
    ${'?since=2026-11-01'} | ${`Invalid JSON payload received. Unknown name "since": Cannot bind query parameter. Field 'since' could not be found in request message.`}
  `('answers $query with 400 INVALID_ARGUMENT', async ({ query, message }) => {
    const answer = await playApi(world, world.tokens(), 'GET', reviewsPath(query as string));

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: {
        code: 400,
        message,
        status: 'INVALID_ARGUMENT',
        errors: [{ message, domain: 'global', reason: 'badRequest' }],
      },
    });
  });

  it('answers another package with 404 NOT_FOUND', async () => {
    const answer = await playApi(world, world.tokens(), 'GET', reviewsPath('', 'com.other.app'));

    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({
      error: { code: 404, status: 'NOT_FOUND', message: 'Package not found: com.other.app.' },
    });
  });

  it('marks translated text and keeps the original when translationLanguage differs', async () => {
    const id = await addReview(world.sandbox, {
      text: 'Stürzt ständig ab',
      reviewerLanguage: 'de',
    });

    const answer = await playApi(
      world,
      world.tokens(),
      'GET',
      reviewPath(id, '?translationLanguage=en'),
    );

    expect(answer.body).toMatchObject({
      comments: [
        { userComment: { text: '[en] Stürzt ständig ab', originalText: 'Stürzt ständig ab' } },
      ],
    });
  });
});

describe('read quota (200 per rolling hour per app)', () => {
  it('answers 429 RESOURCE_EXHAUSTED once the hour is spent, and serves again an hour later', async () => {
    await setLimits(world.sandbox, { readsPerHour: 2 });
    const tokens = world.tokens();

    const statuses = [
      (await playApi(world, tokens, 'GET', reviewsPath())).status,
      (await playApi(world, tokens, 'GET', reviewPath('gp:missing'))).status,
    ];
    const refused = await playApi(world, tokens, 'GET', reviewsPath());
    world.clock.advance(HOUR);
    const later = await playApi(world, tokens, 'GET', reviewsPath());

    expect(statuses).toEqual([200, 404]);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      error: { code: 429, status: 'RESOURCE_EXHAUSTED', errors: [{ reason: 'rateLimitExceeded' }] },
    });
    expect(later.status).toBe(200);
  });
});

describe('POST …/reviews/{id}:reply (reviews.reply)', () => {
  it('strips HTML tags, answers the result, and shows the reply on the review', async () => {
    const tokens = world.tokens();
    const id = await addReview(world.sandbox);
    world.clock.advance(1500);

    const answer = await playApi(world, tokens, 'POST', reviewPath(id, ':reply'), {
      replyText: 'Sorry, Sam! <b>A fix</b> is on its way.',
    });
    const review = await playApi(world, tokens, 'GET', reviewPath(id));

    const lastEdited = { seconds: String((START + 1500 - 500) / 1000), nanos: 500_000_000 };
    expect(answer).toMatchObject({
      status: 200,
      body: { result: { replyText: 'Sorry, Sam! A fix is on its way.', lastEdited } },
    });
    expect((review.body as { comments: unknown[] }).comments[1]).toEqual({
      developerComment: { text: 'Sorry, Sam! A fix is on its way.', lastModified: lastEdited },
    });
  });

  it('replaces the previous reply: one reply per review in GET /__sandbox/play/replies', async () => {
    const tokens = world.tokens();
    const id = await addReview(world.sandbox);

    await playApi(world, tokens, 'POST', reviewPath(id, ':reply'), { replyText: 'First answer' });
    world.clock.advance(60_000);
    await playApi(world, tokens, 'POST', reviewPath(id, ':reply'), { replyText: 'Second answer' });

    expect(await listReplies(world.sandbox)).toEqual([
      {
        reviewId: id,
        replyText: 'Second answer',
        lastEdited: { seconds: String((START + 60_000) / 1000) },
      },
    ]);
  });

  it.each`
    case                    | body                               | message
    ${'351 characters'}     | ${{ replyText: 'x'.repeat(351) }}  | ${'The reply text is too long: 351 characters; replies may have at most 350.'}
    ${'an empty reply'}     | ${{ replyText: '<p> </p>' }}       | ${'The reply text must not be empty.'}
    ${'an unknown field'}   | ${{ replyText: 'Hi', text: 'Hi' }} | ${'Invalid JSON payload received. Unknown name "text": Cannot find field.'}
    ${'a non-string reply'} | ${{ replyText: 42 }}               | ${`Invalid value at 'reply_text' (TYPE_STRING), 42`}
  `('answers $case with 400 INVALID_ARGUMENT and stores nothing', async ({ body, message }) => {
    const id = await addReview(world.sandbox);

    const answer = await playApi(world, world.tokens(), 'POST', reviewPath(id, ':reply'), body);

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { code: 400, status: 'INVALID_ARGUMENT', message },
    });
    expect(await listReplies(world.sandbox)).toEqual([]);
  });

  it('accepts exactly 350 characters (code points, so emoji count once)', async () => {
    const id = await addReview(world.sandbox);

    const answer = await playApi(world, world.tokens(), 'POST', reviewPath(id, ':reply'), {
      replyText: `${'x'.repeat(349)}😊`,
    });

    expect(answer.status).toBe(200);
  });

  it('answers a reply to an unknown review with 404', async () => {
    const answer = await playApi(world, world.tokens(), 'POST', reviewPath('gp:nope', ':reply'), {
      replyText: 'Hello',
    });

    expect(answer).toMatchObject({ status: 404, body: { error: { status: 'NOT_FOUND' } } });
  });

  it('counts replies per day (Pacific) and answers 429 past the quota', async () => {
    await setLimits(world.sandbox, { repliesPerDay: 1 });
    const tokens = world.tokens();
    const id = await addReview(world.sandbox);

    const first = await playApi(world, tokens, 'POST', reviewPath(id, ':reply'), {
      replyText: 'One',
    });
    const second = await playApi(world, tokens, 'POST', reviewPath(id, ':reply'), {
      replyText: 'Two',
    });
    world.clock.set(Date.parse('2026-11-21T08:00:00.000Z'));
    const nextDay = await playApi(world, world.tokens(), 'POST', reviewPath(id, ':reply'), {
      replyText: 'Three',
    });

    expect([first.status, second.status, nextDay.status]).toEqual([200, 429, 200]);
    expect(second.body).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
  });
});

describe('admin endpoints', () => {
  it('PATCH moves lastModified on a new text or rating, not on thumbs', async () => {
    const id = await addReview(world.sandbox);
    world.clock.advance(1000);

    const thumbs = await editReview(world.sandbox, id, { thumbsUpCount: 3 });
    const rating = await editReview(world.sandbox, id, { starRating: 4 });
    const sameInstant = await editReview(world.sandbox, id, { text: 'Works now' });

    expect(thumbs.body).toEqual({ id, lastModified: { seconds: String(START / 1000) } });
    expect(rating.body).toEqual({ id, lastModified: { seconds: String(START / 1000 + 1) } });
    expect(sameInstant.body).toEqual({
      id,
      lastModified: { seconds: String(START / 1000 + 1), nanos: 1 },
    });
  });

  it.each`
    body                                                          | issue
    ${{ authorName: 'Sam', text: 'Hi', starRating: 6 }}           | ${'starRating: must be 1 to 5'}
    ${{ authorName: 'Sam', starRating: 3 }}                       | ${'text: Invalid input: expected string, received undefined'}
    ${{ authorName: 'Sam', text: 'Hi', starRating: 3, stars: 3 }} | ${'Unrecognized key: "stars"'}
  `('refuses an invalid review $body naming the field', async ({ body, issue }) => {
    const answer = await sandboxAdmin(world.sandbox, 'POST', '/reviews', body);

    expect(answer.status).toBe(400);
    expect((answer.body as { issues: string[] }).issues).toContain(issue);
  });

  it('serves an injected raw review verbatim, without a reviewId if it has none', async () => {
    const raw = { authorName: 'Ghost', comments: [{ userComment: { text: 'no id' } }] };

    const id = await injectRaw(world.sandbox, raw);
    const answer = await playApi(world, world.tokens(), 'GET', reviewsPath());

    expect(id).toMatch(/^gp:/);
    expect((answer.body as { reviews: unknown[] }).reviews).toEqual([raw]);
  });

  it('reports and changes the limits', async () => {
    const before = await sandboxAdmin(world.sandbox, 'GET', '/limits');
    const after = await setLimits(world.sandbox, { windowDays: 3 });

    expect(before.body).toEqual({
      data: { readsPerHour: 200, repliesPerDay: 2000, windowDays: 7 },
    });
    expect(after.body).toEqual({ data: { readsPerHour: 200, repliesPerDay: 2000, windowDays: 3 } });
  });

  it('logs requests on the Google surface, not admin calls', async () => {
    const tokens = world.tokens();
    await addReview(world.sandbox);

    await playApi(world, tokens, 'GET', reviewsPath('?maxResults=5'));

    expect(world.sandbox.requests()).toEqual([
      { method: 'POST', path: '/token', query: {}, status: 200, at: START },
      {
        method: 'GET',
        path: `/androidpublisher/v3/applications/${PACKAGE}/reviews`,
        query: { maxResults: '5' },
        status: 200,
        at: START,
      },
    ]);
  });
});
