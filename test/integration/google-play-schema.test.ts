import { readFileSync } from 'node:fs';

import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';

import { createGoogleTokenProvider, parseServiceAccount } from '../../src/lib/google-auth.js';
import { usePlaySandboxWithTokens } from '../helpers/google-play.js';
import {
  addReview,
  editReview,
  injectRaw,
  playApi,
  reviewPath,
  reviewsPath,
  setLimits,
  START,
} from './google-play-helpers.js';

/**
 * Validates the sandbox's answers against the androidpublisher v3 discovery schemas (a trimmed copy of the
 * official discovery document in test/fixtures/google-play) and Google's error and token shapes.
 */

interface DiscoveryProperty {
  $ref?: string;
  type?: string;
  format?: string;
  items?: DiscoveryProperty;
  properties?: Record<string, DiscoveryProperty>;
}

interface DiscoveryDocument {
  schemas: Record<string, DiscoveryProperty>;
  resources: { reviews: { methods: Record<string, { parameters: Record<string, unknown> }> } };
}

const discovery = JSON.parse(
  readFileSync(
    new URL('../fixtures/google-play/androidpublisher-v3.reviews.discovery.json', import.meta.url),
    'utf8',
  ),
) as DiscoveryDocument;
const googleErrors = JSON.parse(
  readFileSync(
    new URL('../fixtures/google-play/google-errors.schema.json', import.meta.url),
    'utf8',
  ),
) as { definitions: Record<string, unknown> };

/**
 * Fields the discovery document marks optional but Play always sends (every documented example has them);
 * a sandbox answer without them would let a client forget to handle their absence in the wrong direction.
 */
const ALWAYS_PRESENT: Record<string, string[]> = {
  Review: ['reviewId', 'authorName', 'comments'],
  UserComment: ['text', 'lastModified', 'starRating'],
  DeveloperComment: ['text', 'lastModified'],
  Timestamp: ['seconds'],
  ReviewsReplyResponse: ['result'],
  ReviewReplyResult: ['replyText', 'lastEdited'],
  TokenPagination: ['nextPageToken'],
};

const INT32 = { type: 'integer', minimum: -2_147_483_648, maximum: 2_147_483_647 };

/** Discovery → JSON Schema: `$ref` to definitions, int64 as a digit string, no unknown properties. */
function toJsonSchema(node: DiscoveryProperty, name?: string): Record<string, unknown> {
  if (node.$ref !== undefined) {
    return { $ref: `#/definitions/${node.$ref}` };
  }
  if (node.type === 'integer') {
    return node.format === 'uint32' ? { type: 'integer', minimum: 0 } : INT32;
  }
  if (node.type === 'string' && node.format === 'int64') {
    return { type: 'string', pattern: '^-?[0-9]+$' };
  }
  if (node.type === 'array' && node.items !== undefined) {
    return { type: 'array', items: toJsonSchema(node.items) };
  }
  if (node.type === 'object') {
    const properties: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node.properties ?? {})) {
      properties[key] = toJsonSchema(value);
    }
    return {
      type: 'object',
      properties,
      additionalProperties: false,
      ...(name !== undefined && ALWAYS_PRESENT[name] ? { required: ALWAYS_PRESENT[name] } : {}),
    };
  }
  return { type: node.type };
}

const definitions: Record<string, unknown> = { ...googleErrors.definitions };
for (const [name, schema] of Object.entries(discovery.schemas)) {
  definitions[name] = toJsonSchema(schema, name);
}
// Timestamp.nanos is 0..999,999,999 (discovery description).
definitions.Timestamp = {
  ...(definitions.Timestamp as object),
  properties: {
    seconds: { type: 'string', pattern: '^[0-9]+$' },
    nanos: { type: 'integer', minimum: 1, maximum: 999_999_999 },
  },
};
definitions.UserComment = {
  ...(definitions.UserComment as { properties: object }),
  properties: {
    ...(definitions.UserComment as { properties: object }).properties,
    starRating: { type: 'integer', minimum: 1, maximum: 5 },
  },
};

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'play', definitions });
const validators = new Map<string, ValidateFunction>();

function errorsFor(name: string, body: unknown): string[] {
  let validate = validators.get(name);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: `play#/definitions/${name}` });
    validators.set(name, validate);
  }
  if (validate(body)) {
    return [];
  }
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? ''}`,
  );
}

const world = usePlaySandboxWithTokens();

async function seedVariety(): Promise<string[]> {
  const ids = [
    await addReview(world.sandbox, {
      authorName: 'Jane Bloggs',
      title: 'Crashes',
      text: 'Since the update it closes right away',
      starRating: 2,
      reviewerLanguage: 'pt_BR',
      appVersionName: '3.1.4',
      appVersionCode: 314,
      device: 'hwcrr',
      androidOsVersion: 23,
      thumbsUpCount: 5,
      thumbsDownCount: 1,
      deviceMetadata: {
        productName: 'Nexus 6P',
        manufacturer: 'Huawei',
        deviceClass: 'phone',
        screenWidthPx: 1440,
        screenHeightPx: 2560,
        nativePlatform: 'arm64-v8a,armeabi-v7a',
        screenDensityDpi: 560,
        glEsVersion: 196610,
        cpuModel: 'MSM8994',
        cpuMake: 'Qualcomm',
        ramMb: 3072,
      },
    }),
    await addReview(world.sandbox, { text: 'Bare minimum', starRating: 5 }),
  ];
  world.clock.advance(1234);
  await editReview(world.sandbox, ids[1]!, { text: 'Edited', starRating: 3 });
  await playApi(world, world.tokens(), 'POST', reviewPath(ids[0]!, ':reply'), {
    replyText: 'Thanks for telling us, Jane.',
  });
  return ids;
}

describe('sandbox answers against the androidpublisher v3 discovery schemas', () => {
  it('the fixture is the reviews resource with the parameters the sandbox accepts', () => {
    expect(Object.keys(discovery.resources.reviews.methods).sort()).toEqual([
      'get',
      'list',
      'reply',
    ]);
    expect(Object.keys(discovery.resources.reviews.methods.list!.parameters).sort()).toEqual([
      'maxResults',
      'packageName',
      'startIndex',
      'token',
      'translationLanguage',
    ]);
  });

  it('reviews.list → ReviewsListResponse, on every page', async () => {
    await seedVariety();
    const tokens = world.tokens();

    const first = await playApi(world, tokens, 'GET', reviewsPath('?maxResults=1'));
    const token = (first.body as { tokenPagination: { nextPageToken: string } }).tokenPagination
      .nextPageToken;
    const last = await playApi(world, tokens, 'GET', reviewsPath(`?maxResults=1&token=${token}`));
    const translated = await playApi(world, tokens, 'GET', reviewsPath('?translationLanguage=de'));

    expect(errorsFor('ReviewsListResponse', first.body)).toEqual([]);
    expect(errorsFor('ReviewsListResponse', last.body)).toEqual([]);
    expect(errorsFor('ReviewsListResponse', translated.body)).toEqual([]);
  });

  it('an empty reviews.list → ReviewsListResponse', async () => {
    const empty = await playApi(world, world.tokens(), 'GET', reviewsPath());

    expect(errorsFor('ReviewsListResponse', empty.body)).toEqual([]);
  });

  it('reviews.get → Review, with and without a developer reply', async () => {
    const [replied, plain] = await seedVariety();
    const tokens = world.tokens();

    const withReply = await playApi(world, tokens, 'GET', reviewPath(replied!));
    const withoutReply = await playApi(world, tokens, 'GET', reviewPath(plain!));

    expect(errorsFor('Review', withReply.body)).toEqual([]);
    expect(errorsFor('Review', withoutReply.body)).toEqual([]);
  });

  it('reviews.reply → ReviewsReplyResponse', async () => {
    const id = await addReview(world.sandbox);
    world.clock.advance(1);

    const answer = await playApi(world, world.tokens(), 'POST', reviewPath(id, ':reply'), {
      replyText: 'We are on it.',
    });

    expect(errorsFor('ReviewsReplyResponse', answer.body)).toEqual([]);
  });

  it('the schemas catch a malformed review (the check can fail)', async () => {
    await injectRaw(world.sandbox, {
      reviewId: 'gp:raw',
      comments: [
        { userComment: { text: 'x', starRating: 'five', lastModified: { seconds: START / 1000 } } },
      ],
    });

    const answer = await playApi(world, world.tokens(), 'GET', reviewsPath());

    expect(errorsFor('ReviewsListResponse', answer.body)).toEqual(
      expect.arrayContaining([
        "/reviews/0 must have required property 'authorName'",
        '/reviews/0/comments/0/userComment/lastModified/seconds must be string',
        '/reviews/0/comments/0/userComment/starRating must be integer',
      ]),
    );
  });
});

describe('error answers against Google’s error shape', () => {
  it.each`
    case                         | request
    ${'401 without credentials'} | ${{ auth: 'none', method: 'GET', path: reviewsPath() }}
    ${'401 with a bad token'}    | ${{ auth: 'bad', method: 'GET', path: reviewsPath() }}
    ${'400 bad parameter'}       | ${{ auth: 'ok', method: 'GET', path: reviewsPath('?maxResults=500') }}
    ${'404 unknown review'}      | ${{ auth: 'ok', method: 'GET', path: reviewPath('gp:none') }}
    ${'404 unknown method'}      | ${{ auth: 'ok', method: 'GET', path: '/androidpublisher/v3/applications/x/edits' }}
    ${'400 over-long reply'}     | ${{ auth: 'ok', method: 'POST', path: reviewPath('gp:none', ':reply'), body: { replyText: 'y'.repeat(400) } }}
  `('$case', async ({ request }) => {
    const { auth, method, path, body } = request as {
      auth: 'none' | 'bad' | 'ok';
      method: 'GET' | 'POST';
      path: string;
      body?: unknown;
    };
    const tokens = { none: null, bad: 'ya29.bad', ok: world.tokens() }[auth];

    const answer = await playApi(world, tokens, method, path, body);

    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(errorsFor('GoogleError', answer.body)).toEqual([]);
    expect((answer.body as { error: { code: number } }).error.code).toBe(answer.status);
  });

  it('429 quota answers', async () => {
    await setLimits(world.sandbox, { readsPerHour: 0 });

    const answer = await playApi(world, world.tokens(), 'GET', reviewsPath());

    expect(answer.status).toBe(429);
    expect(errorsFor('GoogleError', answer.body)).toEqual([]);
  });

  it('token endpoint answers', async () => {
    const bodies: unknown[] = [];
    const recording = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      bodies.push(await response.clone().json());
      return response;
    }) as typeof fetch;
    const tokens = createGoogleTokenProvider({
      ...parseServiceAccount(world.key, 'sandbox'),
      now: world.clock.now,
      fetch: recording,
    });

    const refused = await fetch(world.key.token_uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password',
    });
    await tokens.token();

    expect(errorsFor('TokenError', await refused.json())).toEqual([]);
    expect(bodies).toHaveLength(1);
    expect(errorsFor('TokenResponse', bodies[0])).toEqual([]);
  });
});
