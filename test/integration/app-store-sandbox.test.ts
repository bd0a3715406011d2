import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createSandboxAppleKeys } from '../../src/sandbox/app-store/index.js';
import {
  admin,
  APP_ID,
  editReview,
  injectFeedEntry,
  listResponses,
  resetWorld,
  seedMany,
  seedReview,
  setLimits,
  START,
  startWorld,
  type AppStoreWorld,
} from './app-store-sandbox-client.js';

interface Captured {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('App Store sandbox', () => {
  let world: AppStoreWorld;

  async function call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { token?: string | null; body?: unknown } = {},
  ): Promise<Captured> {
    const token = options.token === undefined ? await world.tokens.token() : options.token;
    const headers: Record<string, string> = {};
    if (token !== null) {
      headers.authorization = `Bearer ${token}`;
    }
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const url = path.startsWith('http') ? path : `${world.sandbox.url}${path}`;
    const response = await fetch(url, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
  }

  async function respond(reviewId: string, responseBody: string): Promise<Captured> {
    return call('POST', '/v1/customerReviewResponses', {
      body: {
        data: {
          type: 'customerReviewResponses',
          attributes: { responseBody },
          relationships: { review: { data: { type: 'customerReviews', id: reviewId } } },
        },
      },
    });
  }

  const reviewsPath = `/v1/apps/${APP_ID}/customerReviews`;

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

  describe('authentication', () => {
    async function signed(
      claims: Record<string, unknown>,
      header: Record<string, unknown> = {},
      privateKeyPem = world.keys.privateKeyPem,
    ): Promise<string> {
      const key = await importPKCS8(privateKeyPem, 'ES256');
      const now = Math.floor(world.clock.now() / 1000);
      return new SignJWT({
        iss: world.keys.issuerId,
        iat: now,
        exp: now + 1200,
        aud: 'appstoreconnect-v1',
        ...claims,
      })
        .setProtectedHeader({ alg: 'ES256', kid: world.keys.keyId, typ: 'JWT', ...header })
        .sign(key);
    }

    it('accepts a token from the signer', async () => {
      const response = await call('GET', reviewsPath);

      expect(response.status).toBe(200);
    });

    it.each`
      name                            | make
      ${'no token'}                   | ${async () => null}
      ${'a token that is not a JWT'}  | ${async () => 'abc.def'}
      ${'another kid'}                | ${async () => signed({}, { kid: 'OTHERKEY00' })}
      ${'another issuer'}             | ${async () => signed({ iss: '00000000-0000-0000-0000-000000000000' })}
      ${'another audience'}           | ${async () => signed({ aud: 'appstoreconnect-v2' })}
      ${'a lifetime over 20 minutes'} | ${async () => signed({ exp: Math.floor(START / 1000) + 1201 })}
      ${'iat in the future'}          | ${async () => signed({ iat: Math.floor(START / 1000) + 300, exp: Math.floor(START / 1000) + 900 })}
      ${'no exp'}                     | ${async () => signed({ exp: undefined })}
      ${'already expired'}            | ${async () => signed({ iat: Math.floor(START / 1000) - 1300, exp: Math.floor(START / 1000) - 100 })}
    `('answers $name with 401 NOT_AUTHORIZED', async ({ make }) => {
      const token = (await (make as () => Promise<string | null>)()) ?? null;

      const response = await call('GET', reviewsPath, { token });

      expect(response.status).toBe(401);
      expect(response.headers.get('x-rate-limit')).toBeNull();
      expect(response.body).toEqual({
        errors: [
          {
            id: expect.any(String),
            status: '401',
            code: 'NOT_AUTHORIZED',
            title: 'Authentication credentials are missing or invalid.',
            detail:
              'Provide a properly configured and signed bearer token, and make sure that it has not expired. Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens',
          },
        ],
      });
    });

    it('rejects a token signed with another key and an HS256 token', async () => {
      const other = await createSandboxAppleKeys();
      const foreign = await signed({}, {}, other.privateKeyPem);
      const hs256 = await new SignJWT({ iss: world.keys.issuerId, aud: 'appstoreconnect-v1' })
        .setProtectedHeader({ alg: 'HS256', kid: world.keys.keyId })
        .setIssuedAt(Math.floor(START / 1000))
        .setExpirationTime(Math.floor(START / 1000) + 600)
        .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'));

      const responses = [
        await call('GET', reviewsPath, { token: foreign }),
        await call('GET', reviewsPath, { token: hs256 }),
      ];

      expect(responses.map((response) => response.status)).toEqual([401, 401]);
      expect(world.sandbox.requests().map((entry) => entry.authFailure)).toEqual([
        expect.stringContaining('ERR_JWS_SIGNATURE_VERIFICATION_FAILED'),
        'alg HS256 is not ES256',
      ]);
    });

    it('rejects a token once it has expired on the sandbox clock', async () => {
      const token = await world.tokens.token();

      world.clock.advance(1200_000);
      const response = await call('GET', reviewsPath, { token });

      expect(response.status).toBe(401);
      expect(world.sandbox.requests()[0]?.authFailure).toMatch(/ERR_JWT_EXPIRED/);
    });
  });

  describe('rate limits', () => {
    it('sends X-Rate-Limit on every authenticated answer, counting down', async () => {
      const first = await call('GET', reviewsPath);
      const invalid = await call('GET', `${reviewsPath}?limit=500`);
      const missing = await call('GET', '/v1/nothing');

      expect(
        [first, invalid, missing].map((response) => response.headers.get('x-rate-limit')),
      ).toEqual([
        'user-hour-lim:3600;user-hour-rem:3599;',
        'user-hour-lim:3600;user-hour-rem:3598;',
        'user-hour-lim:3600;user-hour-rem:3597;',
      ]);
    });

    it('answers 429 RATE_LIMIT_EXCEEDED when the rolling hour is spent, and recovers as it rolls', async () => {
      await setLimits(world.sandbox, { hourlyLimit: 2 });
      await call('GET', reviewsPath);
      world.clock.advance(600_000);
      await call('GET', reviewsPath);

      const spent = await call('GET', reviewsPath);
      world.clock.advance(3_000_000);
      const oneFree = await call('GET', reviewsPath);
      const spentAgain = await call('GET', reviewsPath);

      expect(spent.status).toBe(429);
      expect(spent.headers.get('x-rate-limit')).toBe('user-hour-lim:2;user-hour-rem:0;');
      expect(spent.body).toMatchObject({
        errors: [{ status: '429', code: 'RATE_LIMIT_EXCEEDED' }],
      });
      expect(oneFree.status).toBe(200);
      expect(spentAgain.status).toBe(429);
    });

    it('shows the limits on the admin API', async () => {
      await call('GET', reviewsPath);

      const answer = await admin(world.sandbox, 'GET', '/limits');

      expect(answer.body).toEqual({
        data: { hourlyLimit: 3600, remaining: 3599, publishDelayMs: 600_000 },
      });
    });
  });

  describe('GET /v1/apps/{id}/customerReviews', () => {
    it('lists newest first, pages with an opaque cursor in an absolute links.next', async () => {
      const seeded = await seedMany(world, 5);

      const first = await call('GET', `${reviewsPath}?sort=-createdDate&limit=2`);
      const second = await call('GET', first.body.links.next as string);
      const third = await call('GET', second.body.links.next as string);

      expect(first.body.data.map((review: { id: string }) => review.id)).toEqual([
        seeded[4]?.id,
        seeded[3]?.id,
      ]);
      expect(first.body.links.next).toMatch(
        new RegExp(
          `^${world.sandbox.url}${reviewsPath}\\?cursor=AQ\\.[\\w-]+&sort=-createdDate&limit=2$`,
        ),
      );
      expect(first.body.meta).toEqual({ paging: { total: 5, limit: 2 } });
      expect(second.body.data.map((review: { id: string }) => review.id)).toEqual([
        seeded[2]?.id,
        seeded[1]?.id,
      ]);
      expect(third.body.data.map((review: { id: string }) => review.id)).toEqual([seeded[0]?.id]);
      expect(third.body.links.next).toBeUndefined();
    });

    it('shifts later pages when a review arrives between page requests (clients must dedupe)', async () => {
      const seeded = await seedMany(world, 3);
      const first = await call('GET', `${reviewsPath}?limit=2`);

      await seedReview(world.sandbox, { body: 'new one' });
      const second = await call('GET', first.body.links.next as string);

      expect(second.body.data.map((review: { id: string }) => review.id)).toEqual([
        seeded[1]?.id,
        seeded[0]?.id,
      ]);
    });

    it('renders Apple dates in Cupertino time with their offset', async () => {
      await seedReview(world.sandbox, { body: 'winter', createdDate: '2026-01-15T20:00:00Z' });
      await seedReview(world.sandbox, { body: 'summer', createdDate: '2026-07-15T20:00:00Z' });

      const response = await call('GET', `${reviewsPath}?sort=createdDate`);

      expect(
        response.body.data.map(
          (review: { attributes: { createdDate: string } }) => review.attributes.createdDate,
        ),
      ).toEqual(['2026-01-15T12:00:00-08:00', '2026-07-15T13:00:00-07:00']);
    });

    it('filters by territory, rating and published response; sorts by rating', async () => {
      const usOne = await seedReview(world.sandbox, { body: 'a', rating: 1, territory: 'USA' });
      world.clock.advance(1000);
      const gbFive = await seedReview(world.sandbox, { body: 'b', rating: 5, territory: 'GBR' });
      world.clock.advance(1000);
      const deThree = await seedReview(world.sandbox, { body: 'c', rating: 3, territory: 'DEU' });
      await respond(usOne.id, 'Sorry about that');
      await respond(gbFive.id, 'Thank you');
      world.clock.advance(600_000);
      await respond(gbFive.id, 'Thank you again');

      const ids = async (query: string): Promise<string[]> =>
        (await call('GET', `${reviewsPath}?${query}`)).body.data.map(
          (review: { id: string }) => review.id,
        );

      expect(await ids('filter[territory]=USA,DEU')).toEqual([deThree.id, usOne.id]);
      expect(await ids('filter[rating]=1,5')).toEqual([gbFive.id, usOne.id]);
      expect(await ids('exists[publishedResponse]=true')).toEqual([usOne.id]);
      expect(await ids('exists[publishedResponse]=false')).toEqual([deThree.id, gbFive.id]);
      expect(await ids('sort=-rating')).toEqual([gbFive.id, deThree.id, usOne.id]);
    });

    it('includes responses and links them from relationships when include=response', async () => {
      const review = await seedReview(world.sandbox, { body: 'crash' });
      const created = await respond(review.id, 'We are on it');

      const response = await call('GET', `${reviewsPath}?include=response`);

      expect(response.body.data[0].relationships.response.data).toEqual({
        type: 'customerReviewResponses',
        id: created.body.data.id,
      });
      expect(response.body.included).toEqual([
        expect.objectContaining({
          type: 'customerReviewResponses',
          id: created.body.data.id,
          attributes: expect.objectContaining({
            responseBody: 'We are on it',
            state: 'PENDING_PUBLISH',
          }),
        }),
      ]);
    });

    it('returns only the fields asked for', async () => {
      await seedReview(world.sandbox, { body: 'crash', rating: 2 });

      const response = await call('GET', `${reviewsPath}?fields[customerReviews]=rating,body`);

      expect(response.body.data[0]).toEqual({
        type: 'customerReviews',
        id: expect.any(String),
        attributes: { rating: 2, body: 'crash' },
        links: { self: expect.any(String) },
      });
    });

    it.each`
      query                              | code                         | parameter
      ${'limit=201'}                     | ${'PARAMETER_ERROR.INVALID'} | ${'limit'}
      ${'limit=0'}                       | ${'PARAMETER_ERROR.INVALID'} | ${'limit'}
      ${'sort=newest'}                   | ${'PARAMETER_ERROR.INVALID'} | ${'sort'}
      ${'sort=rating,-createdDate'}      | ${'PARAMETER_ERROR.INVALID'} | ${'sort'}
      ${'filter[territory]=US'}          | ${'PARAMETER_ERROR.INVALID'} | ${'filter[territory]'}
      ${'filter[rating]=6'}              | ${'PARAMETER_ERROR.INVALID'} | ${'filter[rating]'}
      ${'exists[publishedResponse]=yes'} | ${'PARAMETER_ERROR.INVALID'} | ${'exists[publishedResponse]'}
      ${'fields[customerReviews]=stars'} | ${'PARAMETER_ERROR.INVALID'} | ${'fields[customerReviews]'}
      ${'include=app'}                   | ${'PARAMETER_ERROR.INVALID'} | ${'include'}
      ${'cursor=not-a-cursor'}           | ${'PARAMETER_ERROR.INVALID'} | ${'cursor'}
      ${'since=yesterday'}               | ${'PARAMETER_ERROR.ILLEGAL'} | ${'since'}
    `('answers $query with 400 $code', async ({ query, code, parameter }) => {
      const response = await call('GET', `${reviewsPath}?${query}`);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        errors: [{ status: '400', code, source: { parameter } }],
      });
    });

    it('answers 404 for another app and for unknown paths', async () => {
      const otherApp = await call('GET', '/v1/apps/1/customerReviews');
      const unknown = await call('GET', '/v1/apps');
      const wrongMethod = await call('DELETE', reviewsPath);

      expect(otherApp.status).toBe(404);
      expect(otherApp.body.errors[0]).toMatchObject({
        code: 'NOT_FOUND',
        detail: "There is no resource of type 'apps' with id '1'",
      });
      expect(unknown.status).toBe(404);
      expect(wrongMethod.status).toBe(405);
    });

    it('serves raw reviews verbatim, for feeding consumers malformed data', async () => {
      await seedReview(world.sandbox, { body: 'fine' });
      await admin(world.sandbox, 'POST', '/reviews', {
        raw: { id: 'raw-1', attributes: { rating: 'x', createdDate: '2026-11-21T00:00:00Z' } },
      });

      const response = await call('GET', reviewsPath);

      expect(response.body.data[0]).toEqual({
        type: 'customerReviews',
        id: 'raw-1',
        attributes: { rating: 'x', createdDate: '2026-11-21T00:00:00Z' },
      });
    });
  });

  describe('review responses', () => {
    it('creates a response PENDING_PUBLISH that turns PUBLISHED after the publish delay', async () => {
      const review = await seedReview(world.sandbox, { body: 'crash' });

      const created = await respond(review.id, 'Sorry, Sam – a fix ships this week.');
      const pending = await call('GET', `/v1/customerReviews/${review.id}/response`);
      world.clock.advance(600_000);
      const published = await call('GET', `/v1/customerReviews/${review.id}/response`);

      expect(created.status).toBe(201);
      expect(created.headers.get('x-rate-limit')).toMatch(
        /^user-hour-lim:3600;user-hour-rem:\d+;$/,
      );
      expect(created.body).toEqual({
        data: {
          type: 'customerReviewResponses',
          id: expect.stringMatching(/^0000003c-/),
          attributes: {
            responseBody: 'Sorry, Sam – a fix ships this week.',
            lastModifiedDate: '2026-11-20T01:00:00-08:00',
            state: 'PENDING_PUBLISH',
          },
          relationships: { review: { data: { type: 'customerReviews', id: review.id } } },
          links: {
            self: `${world.sandbox.url}/v1/customerReviewResponses/${created.body.data.id}`,
          },
        },
        links: { self: `${world.sandbox.url}/v1/customerReviewResponses/${created.body.data.id}` },
      });
      expect(pending.body.data.attributes.state).toBe('PENDING_PUBLISH');
      expect(published.body.data.attributes.state).toBe('PUBLISHED');
    });

    it('replaces the response of a review: one response per review, the old id gone', async () => {
      const review = await seedReview(world.sandbox, { body: 'crash' });
      const first = await respond(review.id, 'First answer');
      world.clock.advance(700_000);

      const second = await respond(review.id, 'Better answer');
      const oldOne = await call('GET', `/v1/customerReviewResponses/${first.body.data.id}`);

      expect(second.status).toBe(201);
      expect(second.body.data.attributes.state).toBe('PENDING_PUBLISH');
      expect(oldOne.status).toBe(404);
      expect(await listResponses(world.sandbox)).toEqual([
        {
          id: second.body.data.id,
          reviewId: review.id,
          responseBody: 'Better answer',
          state: 'PENDING_PUBLISH',
          lastModifiedDate: expect.any(String),
        },
      ]);
    });

    it('deletes a response with 204; the review has none afterwards', async () => {
      const review = await seedReview(world.sandbox, { body: 'crash' });
      const created = await respond(review.id, 'Answer');

      const deleted = await call('DELETE', `/v1/customerReviewResponses/${created.body.data.id}`);
      const again = await call('DELETE', `/v1/customerReviewResponses/${created.body.data.id}`);
      const none = await call('GET', `/v1/customerReviews/${review.id}/response`);

      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expect(again.status).toBe(404);
      expect(none.status).toBe(404);
      expect(await listResponses(world.sandbox)).toEqual([]);
    });

    it.each`
      name                     | attributes                     | relationship                                  | status | code                                    | pointer
      ${'no responseBody'}     | ${{}}                          | ${undefined}                                  | ${422} | ${'ENTITY_ERROR.ATTRIBUTE.REQUIRED'}    | ${'/data/attributes/responseBody'}
      ${'an empty body'}       | ${{ responseBody: '  ' }}      | ${undefined}                                  | ${422} | ${'ENTITY_ERROR.ATTRIBUTE.INVALID'}     | ${'/data/attributes/responseBody'}
      ${'a numeric body'}      | ${{ responseBody: 5 }}         | ${undefined}                                  | ${422} | ${'ENTITY_ERROR.ATTRIBUTE.INVALID'}     | ${'/data/attributes/responseBody'}
      ${'an unknown field'}    | ${{ responseBody: 'x', y: 1 }} | ${undefined}                                  | ${409} | ${'ENTITY_ERROR.ATTRIBUTE.UNKNOWN'}     | ${'/data/attributes/y'}
      ${'no review'}           | ${{ responseBody: 'x' }}       | ${null}                                       | ${409} | ${'ENTITY_ERROR.RELATIONSHIP.REQUIRED'} | ${'/data/relationships/review'}
      ${'an unknown review'}   | ${{ responseBody: 'x' }}       | ${{ type: 'customerReviews', id: 'missing' }} | ${409} | ${'ENTITY_ERROR.RELATIONSHIP.INVALID'}  | ${'/data/relationships/review'}
      ${'a wrong review type'} | ${{ responseBody: 'x' }}       | ${{ type: 'apps', id: 'x' }}                  | ${409} | ${'ENTITY_ERROR.RELATIONSHIP.INVALID'}  | ${'/data/relationships/review'}
    `(
      'answers $name with $status $code',
      async ({ attributes, relationship, status, code, pointer }) => {
        const review = await seedReview(world.sandbox, { body: 'crash' });
        const data: Record<string, unknown> = { type: 'customerReviewResponses', attributes };
        if (relationship !== null) {
          data.relationships = {
            review: { data: relationship ?? { type: 'customerReviews', id: review.id } },
          };
        }

        const response = await call('POST', '/v1/customerReviewResponses', { body: { data } });

        expect(response.status).toBe(status);
        expect(response.body.errors[0]).toMatchObject({
          status: String(status),
          code,
          source: { pointer },
        });
      },
    );

    it('answers a wrong resource type with 409 and a body that is not JSON with 422', async () => {
      const wrongType = await call('POST', '/v1/customerReviewResponses', {
        body: { data: { type: 'customerReviews', attributes: { responseBody: 'x' } } },
      });
      const notJson = await fetch(`${world.sandbox.url}/v1/customerReviewResponses`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await world.tokens.token()}`,
          'content-type': 'application/json',
        },
        body: '{oops',
      });

      expect(wrongType.status).toBe(409);
      expect(notJson.status).toBe(422);
    });
  });

  describe('admin', () => {
    it('edits a review in place: same id and createdDate, new content', async () => {
      const review = await seedReview(world.sandbox, { body: 'crash', rating: 1 });
      world.clock.advance(86_400_000);

      await editReview(world.sandbox, review.id, { rating: 4, body: 'fixed now' });
      const listed = await call('GET', reviewsPath);

      expect(listed.body.data[0]).toMatchObject({
        id: review.id,
        attributes: { rating: 4, body: 'fixed now', createdDate: '2026-11-20T01:00:00-08:00' },
      });
    });

    it.each`
      body                                                                                   | issue
      ${{ rating: 6, title: 't', body: 'b', reviewerNickname: 'n', territory: 'USA' }}       | ${'rating: Too big: expected number to be <=5'}
      ${{ rating: 1, title: 't', body: 'b', reviewerNickname: 'n', territory: 'US' }}        | ${'territory: must be an App Store territory code like USA or GBR'}
      ${{ rating: 1, title: 't', body: 'b', reviewerNickname: 'n', territory: 'USA', x: 1 }} | ${'Unrecognized key: "x"'}
    `('rejects invalid review bodies naming the field: $issue', async ({ body, issue }) => {
      const answer = await admin(world.sandbox, 'POST', '/reviews', body);

      expect(answer.status).toBe(400);
      expect((answer.body as { issues: string[] }).issues).toContain(issue);
    });

    it('answers 404 for an edit of an unknown review and for unknown routes', async () => {
      const edit = await admin(world.sandbox, 'PATCH', '/reviews/nope', { rating: 2 });
      const route = await admin(world.sandbox, 'GET', '/nothing');

      expect([edit.status, route.status]).toEqual([404, 404]);
    });
  });

  describe('public customer-reviews feed', () => {
    async function feed(storefront: string, page = 1): Promise<Captured> {
      const response = await fetch(
        `${world.sandbox.url}/${storefront}/rss/customerreviews/page=${page}/id=${APP_ID}/sortby=mostRecent/json`,
      );
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: response.headers.get('content-type')?.startsWith('application/json')
          ? (JSON.parse(text) as unknown)
          : text,
      };
    }

    it('has no entry when the storefront has no reviews', async () => {
      await seedReview(world.sandbox, { body: 'us only', territory: 'USA' });

      const response = await feed('gb');

      expect(response.status).toBe(200);
      expect(response.body.feed.entry).toBeUndefined();
      expect(response.body.feed.title).toEqual({ label: 'iTunes Store: Customer Reviews' });
    });

    it('serves a single entry as an object with every value wrapped in {label}', async () => {
      const review = await seedReview(world.sandbox, {
        body: 'Stürzt ab',
        title: 'Absturz',
        rating: 2,
        territory: 'DEU',
        reviewerNickname: 'Jonas',
        appVersion: '4.2.0',
      });

      const response = await feed('de');

      expect(response.body.feed.entry).toEqual({
        author: {
          uri: {
            label: expect.stringMatching(/^https:\/\/itunes\.apple\.com\/de\/reviews\/id\d+$/),
          },
          name: { label: 'Jonas' },
          label: '',
        },
        updated: { label: '2026-11-20T01:00:00-08:00' },
        'im:rating': { label: '2' },
        'im:version': { label: '4.2.0' },
        id: { label: review.feedId },
        title: { label: 'Absturz' },
        content: { label: 'Stürzt ab', attributes: { type: 'text' } },
        link: { attributes: { rel: 'related', href: expect.any(String) } },
        'im:voteSum': { label: '0' },
        'im:contentType': { attributes: { term: 'Application', label: 'Application' } },
        'im:voteCount': { label: '0' },
      });
    });

    it('maps territories to storefronts (USA→us, GBR→gb) and pages by 50 up to 10 pages', async () => {
      await seedMany(world, 120, { territory: 'GBR' });

      const pages = await Promise.all([1, 2, 3, 4].map((page) => feed('gb', page)));
      const us = await feed('us');
      const eleven = await feed('gb', 11);

      expect(pages.map((page) => [page.body.feed.entry ?? []].flat().length)).toEqual([
        50, 50, 20, 0,
      ]);
      expect(us.body.feed.entry).toBeUndefined();
      expect(eleven.status).toBe(400);
      expect(eleven.body).toBe('CustomerReviews RSS page depth is limited to 10');
    });

    it('moves an edited review to the top with a new updated', async () => {
      const older = await seedReview(world.sandbox, { body: 'old', territory: 'USA' });
      world.clock.advance(1000);
      await seedReview(world.sandbox, { body: 'newer', territory: 'USA' });
      world.clock.advance(60_000);

      await editReview(world.sandbox, older.id, { body: 'old, edited' });
      const response = await feed('us');

      expect(response.body.feed.entry[0]).toMatchObject({
        id: { label: older.feedId },
        content: { label: 'old, edited' },
        updated: { label: '2026-11-20T01:01:01-08:00' },
      });
    });

    it('serves raw feed entries verbatim and the app metadata entry on request', async () => {
      const metadataWorld = await startWorld({ rssMetadataEntry: true });
      try {
        await injectFeedEntry(metadataWorld.sandbox, 'USA', { id: { label: '1' }, odd: true });

        const response = await fetch(
          `${metadataWorld.sandbox.url}/us/rss/customerreviews/id=${APP_ID}/sortBy=mostRecent/json`,
        );
        const body = (await response.json()) as { feed: { entry: Array<Record<string, unknown>> } };

        expect(body.feed.entry).toHaveLength(2);
        expect(body.feed.entry[0]).toHaveProperty('im:name');
        expect(body.feed.entry[0]).not.toHaveProperty('im:rating');
        expect(body.feed.entry[1]).toEqual({ id: { label: '1' }, odd: true });
      } finally {
        await metadataWorld.sandbox.close();
      }
    });

    it('logs feed requests apart from API requests and needs no token', async () => {
      await feed('us');

      expect(world.sandbox.requests()).toEqual([
        expect.objectContaining({ surface: 'rss', status: 200, method: 'GET' }),
      ]);
    });
  });
});
