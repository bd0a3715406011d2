import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { loadOpenApiSubset } from '../helpers/openapi.js';
import {
  APP_ID,
  resetWorld,
  seedMany,
  seedReview,
  setLimits,
  startWorld,
  type AppStoreWorld,
} from './app-store-sandbox-client.js';

/**
 * Validates the sandbox's answers against the response schemas of App Store Connect API 4.4.1, vendored as a
 * trimmed copy (test/fixtures/app-store/openapi.subset.json) so the test runs on a clean clone.
 */

const { spec, operation, schemaErrors } = loadOpenApiSubset(
  new URL('../fixtures/app-store/openapi.subset.json', import.meta.url),
);

interface Captured {
  status: number;
  contentType: string;
  body: unknown;
}

/** Errors of `response` against the schema the spec declares for its status. */
function specErrors(operationId: string, response: Captured): string[] {
  const declared = operation(operationId).responses[String(response.status)];
  if (!declared) {
    return [`${operationId} declares no response for status ${response.status}`];
  }
  if (declared.content === undefined) {
    return response.body === undefined
      ? []
      : [`${operationId} ${response.status} must have no body`];
  }
  const media = response.contentType.split(';')[0]?.trim() ?? '';
  const ref = declared.content[media]?.schema.$ref;
  if (!ref) {
    return [`${operationId} declares no ${media} response for status ${response.status}`];
  }
  return schemaErrors(ref, response.body);
}

describe(`App Store sandbox responses match App Store Connect API ${spec.info.version}`, () => {
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
    const response = await fetch(path.startsWith('http') ? path : `${world.sandbox.url}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
  }

  function createBody(reviewId: string, responseBody: unknown): unknown {
    return {
      data: {
        type: 'customerReviewResponses',
        attributes: { responseBody },
        relationships: { review: { data: { type: 'customerReviews', id: reviewId } } },
      },
    };
  }

  const reviewsPath = `/v1/apps/${APP_ID}/customerReviews`;

  beforeAll(async () => {
    world = await startWorld();
  });

  afterAll(async () => {
    await world.sandbox.close();
  });

  beforeEach(() => {
    resetWorld(world);
  });

  it('the request body earshot sends matches CustomerReviewResponseV1CreateRequest', () => {
    expect(
      schemaErrors(
        '#/components/schemas/CustomerReviewResponseV1CreateRequest',
        createBody('r', 'Hi'),
      ),
    ).toEqual([]);
  });

  it('reviews page with included responses and a next link', async () => {
    const seeded = await seedMany(world, 3);
    await call('POST', '/v1/customerReviewResponses', {
      body: createBody(seeded[2]?.id ?? '', 'Hi'),
    });

    const response = await call('GET', `${reviewsPath}?include=response&limit=2&sort=-createdDate`);

    expect(response.status).toBe(200);
    expect(response.contentType).toBe('application/json');
    expect(response.body).toMatchObject({
      included: [expect.any(Object)],
      links: { next: expect.any(String) },
    });
    expect(specErrors('apps_customerReviews_getToManyRelated', response)).toEqual([]);
  });

  it('empty reviews page and a page with only some fields', async () => {
    const empty = await call('GET', reviewsPath);
    await seedReview(world.sandbox, { body: 'x' });
    const sparse = await call('GET', `${reviewsPath}?fields[customerReviews]=rating`);

    expect(specErrors('apps_customerReviews_getToManyRelated', empty)).toEqual([]);
    expect(specErrors('apps_customerReviews_getToManyRelated', sparse)).toEqual([]);
  });

  it('one review, with its response included', async () => {
    const review = await seedReview(world.sandbox, { body: 'x' });
    await call('POST', '/v1/customerReviewResponses', { body: createBody(review.id, 'Hi') });

    const response = await call('GET', `/v1/customerReviews/${review.id}?include=response`);

    expect(response.status).toBe(200);
    expect(specErrors('customerReviews_getInstance', response)).toEqual([]);
  });

  it('a review response: 200, with the review included, and 404 when there is none', async () => {
    const answered = await seedReview(world.sandbox, { body: 'x' });
    const unanswered = await seedReview(world.sandbox, { body: 'y' });
    await call('POST', '/v1/customerReviewResponses', { body: createBody(answered.id, 'Hi') });

    const found = await call('GET', `/v1/customerReviews/${answered.id}/response?include=review`);
    const none = await call('GET', `/v1/customerReviews/${unanswered.id}/response`);

    expect([found.status, none.status]).toEqual([200, 404]);
    expect(specErrors('customerReviews_response_getToOneRelated', found)).toEqual([]);
    expect(specErrors('customerReviews_response_getToOneRelated', none)).toEqual([]);
  });

  it('create 201, 409 and 422; read 200; delete 204 and 404', async () => {
    const review = await seedReview(world.sandbox, { body: 'x' });

    const created = await call('POST', '/v1/customerReviewResponses', {
      body: createBody(review.id, 'Hi'),
    });
    const conflict = await call('POST', '/v1/customerReviewResponses', {
      body: createBody('nope', 'Hi'),
    });
    const unprocessable = await call('POST', '/v1/customerReviewResponses', {
      body: createBody(review.id, ''),
    });
    const id = (created.body as { data: { id: string } }).data.id;
    const read = await call('GET', `/v1/customerReviewResponses/${id}`);
    const deleted = await call('DELETE', `/v1/customerReviewResponses/${id}`);
    const gone = await call('DELETE', `/v1/customerReviewResponses/${id}`);

    expect([created, conflict, unprocessable, read, deleted, gone].map((r) => r.status)).toEqual([
      201, 409, 422, 200, 204, 404,
    ]);
    expect(specErrors('customerReviewResponses_createInstance', created)).toEqual([]);
    expect(specErrors('customerReviewResponses_createInstance', conflict)).toEqual([]);
    expect(specErrors('customerReviewResponses_createInstance', unprocessable)).toEqual([]);
    expect(specErrors('customerReviewResponses_getInstance', read)).toEqual([]);
    expect(specErrors('customerReviewResponses_deleteInstance', deleted)).toEqual([]);
    expect(specErrors('customerReviewResponses_deleteInstance', gone)).toEqual([]);
  });

  it('400, 401, 404 and 429 error responses', async () => {
    await setLimits(world.sandbox, { hourlyLimit: 3 });

    const badRequest = await call('GET', `${reviewsPath}?limit=999`);
    const unauthorized = await call('GET', reviewsPath, { token: null });
    const notFound = await call('GET', '/v1/apps/1/customerReviews');
    await call('GET', reviewsPath);
    const tooMany = await call('GET', reviewsPath);

    expect([badRequest, unauthorized, notFound, tooMany].map((r) => r.status)).toEqual([
      400, 401, 404, 429,
    ]);
    for (const response of [badRequest, unauthorized, notFound, tooMany]) {
      expect(specErrors('apps_customerReviews_getToManyRelated', response)).toEqual([]);
    }
  });

  it('the validator rejects bodies that break the schema', () => {
    const broken: Captured = {
      status: 200,
      contentType: 'application/json',
      body: {
        data: [{ type: 'customerReviews', id: 'x', attributes: { rating: 6, territory: 'US' } }],
        links: {},
      },
    };

    expect(specErrors('apps_customerReviews_getToManyRelated', broken)).toEqual([
      '#/components/schemas/CustomerReviewsResponse /data/0/attributes/rating must be <= 5',
      '#/components/schemas/CustomerReviewsResponse /data/0/attributes/territory must be equal to one of the allowed values',
      "#/components/schemas/CustomerReviewsResponse /links must have required property 'self'",
    ]);
  });
});
