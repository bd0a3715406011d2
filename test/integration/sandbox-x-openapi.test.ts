import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  SANDBOX_X_APP_BEARER,
  SANDBOX_X_USER_TOKEN,
  startXSandbox,
  type XSandbox,
} from '../../src/sandbox/x/index.js';
import { loadOpenApiSubset } from '../helpers/openapi.js';
import { BRAND, seedMention, seedPost } from './sandbox-x-client.js';

/**
 * Validates the sandbox's answers against the response schemas of X API v2 spec 2.159, vendored as a trimmed
 * copy (scripts/trim-openapi.mjs) so the test runs on a clean clone.
 */

const { spec, operation, schemaErrors } = loadOpenApiSubset(
  new URL('../fixtures/openapi/x-api-v2.subset.json', import.meta.url),
);

function problemMapping(): Record<string, string> {
  const problem = spec.components.schemas.Problem as {
    discriminator: { mapping: Record<string, string> };
  };
  return problem.discriminator.mapping;
}

function isProblemShaped(body: unknown): body is { type: string } {
  return typeof body === 'object' && body !== null && 'type' in body && 'title' in body;
}

interface Captured {
  status: number;
  contentType: string;
  body: unknown;
}

/** Errors of `response` against the schema the spec declares for its status and content type. */
function specErrors(operationId: string, response: Captured): string[] {
  const responses = operation(operationId).responses;
  const declared = responses[String(response.status)] ?? responses.default;
  const media = response.contentType.split(';')[0]?.trim() ?? '';
  const ref = declared?.content?.[media]?.schema.$ref;
  if (!ref) {
    return [`${operationId} declares no ${media} response for status ${response.status}`];
  }
  // Spec 2.159 types default application/json bodies as the v1 `Error` ({code, message}), but X sends
  // RFC 7807 problems as application/json too (duplicate content, platform-facts §1.4): check those as Problems.
  const problemRef =
    ref === '#/components/schemas/Error' && isProblemShaped(response.body)
      ? '#/components/schemas/Problem'
      : ref;
  const errors = schemaErrors(problemRef, response.body);
  if (problemRef === '#/components/schemas/Problem' && isProblemShaped(response.body)) {
    const specific = problemMapping()[response.body.type];
    if (!specific) {
      return [...errors, `unknown problem type ${response.body.type}`];
    }
    errors.push(...schemaErrors(specific, response.body));
  }
  return errors;
}

describe(`X sandbox responses match the OpenAPI spec ${spec.info.version}`, () => {
  let sandbox: XSandbox;
  let clock = Date.UTC(2026, 10, 20, 9, 0, 0);

  async function call(
    method: 'GET' | 'POST',
    path: string,
    options: { token?: string | null; body?: unknown } = {},
  ): Promise<Captured> {
    const token = options.token === undefined ? SANDBOX_X_USER_TOKEN : options.token;
    const headers: Record<string, string> = {};
    if (token !== null) {
      headers.authorization = `Bearer ${token}`;
    }
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await response.json(),
    };
  }

  beforeAll(async () => {
    sandbox = await startXSandbox({
      brand: BRAND,
      now: () => clock,
      limits: { 'GET /2/tweets/search/recent': { perUser15m: 2 } },
    });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.reset();
  });

  const ALL_FIELDS =
    'expansions=author_id,referenced_tweets.id,in_reply_to_user_id,referenced_tweets.id.author_id' +
    '&tweet.fields=author_id,created_at,conversation_id,in_reply_to_user_id,lang,referenced_tweets,entities,public_metrics,possibly_sensitive,reply_settings,edit_controls' +
    '&user.fields=created_at,description,profile_image_url,protected,public_metrics,verified,verified_type,receives_your_dm';

  it('mentions page with every supported field and expansion', async () => {
    const mention = await seedMention(sandbox, {
      text: 'my #order never arrived',
      author: { username: 'sam' },
    });
    clock += 1000;
    await seedMention(sandbox, {
      text: 'same here',
      author: { username: 'kim' },
      in_reply_to_tweet_id: mention.id,
    });
    await seedMention(sandbox, {
      text: 'look at this',
      author: { username: 'lee' },
      quote_of_brand_post: true,
    });

    const response = await call('GET', `/2/users/${BRAND.id}/mentions?max_results=5&${ALL_FIELDS}`);

    expect(response.status).toBe(200);
    expect(response.contentType).toBe('application/json; charset=utf-8');
    expect(specErrors('getUsersMentions', response)).toEqual([]);
    expect(response.body).toMatchObject({
      meta: { result_count: 3 },
      includes: { users: expect.any(Array) },
    });
  });

  it('empty mentions page', async () => {
    const response = await call('GET', `/2/users/${BRAND.id}/mentions`);

    expect(response.body).toEqual({ meta: { result_count: 0 } });
    expect(specErrors('getUsersMentions', response)).toEqual([]);
  });

  it('mentions page with a raw post whose author is unknown (partial errors)', async () => {
    await call('POST', '/__sandbox/x/mentions', { body: { raw: { text: 'hi', author_id: '42' } } });

    const response = await call('GET', `/2/users/${BRAND.id}/mentions?expansions=author_id`);

    expect(response.body).toMatchObject({ errors: [{ resource_id: '42' }] });
    expect(specErrors('getUsersMentions', response)).toEqual([]);
  });

  it('search page with a next_token', async () => {
    for (let index = 0; index < 12; index += 1) {
      await seedPost(sandbox, {
        text: `outage report ${index}`,
        author: { username: `user${index}` },
      });
    }

    const response = await call('GET', `/2/tweets/search/recent?query=outage&${ALL_FIELDS}`);

    expect(response.body).toMatchObject({
      meta: { result_count: 10, next_token: expect.any(String) },
    });
    expect(specErrors('searchPostsRecent', response)).toEqual([]);
  });

  it('post lookup by ids with every supported field and expansion', async () => {
    const mention = await seedMention(sandbox, {
      text: 'my #order never arrived',
      author: { username: 'sam' },
    });
    const quote = await seedMention(sandbox, {
      text: 'look at this',
      author: { username: 'lee' },
      quote_of_brand_post: true,
    });

    const response = await call('GET', `/2/tweets?ids=${mention.id},${quote.id}&${ALL_FIELDS}`);

    expect(response.status).toBe(200);
    expect(response.contentType).toBe('application/json; charset=utf-8');
    expect(specErrors('getPostsByIds', response)).toEqual([]);
    expect(response.body).toMatchObject({
      data: [{ id: mention.id }, { id: quote.id }],
      includes: { users: expect.any(Array), tweets: expect.any(Array) },
    });
  });

  it('post lookup with ids that do not exist (partial errors)', async () => {
    const mention = await seedMention(sandbox, { text: 'help', author: { username: 'sam' } });

    const partial = await call('GET', `/2/tweets?ids=${mention.id},1860000000000000999`);
    const none = await call('GET', '/2/tweets?ids=1860000000000000999');

    expect(partial.body).toMatchObject({
      data: [{ id: mention.id }],
      errors: [{ resource_id: '1860000000000000999', parameter: 'ids' }],
    });
    expect(specErrors('getPostsByIds', partial)).toEqual([]);
    expect(none.body).not.toHaveProperty('data');
    expect(specErrors('getPostsByIds', none)).toEqual([]);
  });

  it('post lookup 400 invalid-request', async () => {
    const response = await call('GET', '/2/tweets?ids=12,abc');

    expect(response.status).toBe(400);
    expect(response.contentType).toBe('application/problem+json');
    expect(specErrors('getPostsByIds', response)).toEqual([]);
  });

  it('users/me', async () => {
    const response = await call(
      'GET',
      '/2/users/me?user.fields=created_at,public_metrics,verified,verified_type,profile_image_url',
    );

    expect(response.status).toBe(200);
    expect(specErrors('getUsersMe', response)).toEqual([]);
  });

  it('tweet create 201', async () => {
    const mention = await seedMention(sandbox, { text: 'help', author: { username: 'sam' } });

    const response = await call('POST', '/2/tweets', {
      body: { text: 'On it!', reply: { in_reply_to_tweet_id: mention.id } },
    });

    expect(response.status).toBe(201);
    expect(specErrors('createPosts', response)).toEqual([]);
  });

  it('DM 201', async () => {
    const mention = await seedMention(sandbox, { text: 'help', author: { username: 'sam' } });

    const response = await call('POST', `/2/dm_conversations/with/${mention.author_id}/messages`, {
      body: { text: 'Hi there' },
    });

    expect(response.status).toBe(201);
    expect(specErrors('createDirectMessagesByParticipantId', response)).toEqual([]);
  });

  it('400 invalid-request', async () => {
    const response = await call(
      'GET',
      `/2/users/${BRAND.id}/mentions?max_results=4&tweet.fields=nope`,
    );

    expect(response.status).toBe(400);
    expect(response.contentType).toBe('application/problem+json');
    expect(specErrors('getUsersMentions', response)).toEqual([]);
  });

  it('401 unauthorized', async () => {
    const response = await call('GET', '/2/users/me', { token: null });

    expect(response.status).toBe(401);
    expect(specErrors('getUsersMe', response)).toEqual([]);
  });

  it('403 duplicate content', async () => {
    await call('POST', '/2/tweets', { body: { text: 'We are on it' } });

    const response = await call('POST', '/2/tweets', { body: { text: 'We are on it' } });

    expect(response.status).toBe(403);
    expect(response.contentType).toBe('application/json; charset=utf-8');
    expect(specErrors('createPosts', response)).toEqual([]);
  });

  it('403 reply not summoned and 403 unsupported authentication', async () => {
    const post = await seedPost(sandbox, { text: 'unrelated', author: { username: 'sam' } });

    const rejected = await call('POST', '/2/tweets', {
      body: { text: 'hi', reply: { in_reply_to_tweet_id: post.id } },
    });
    const appOnly = await call('GET', '/2/users/me', { token: SANDBOX_X_APP_BEARER });

    expect([rejected.status, appOnly.status]).toEqual([403, 403]);
    expect(specErrors('createPosts', rejected)).toEqual([]);
    expect(specErrors('getUsersMe', appOnly)).toEqual([]);
  });

  it('429 too many requests', async () => {
    await call('GET', '/2/tweets/search/recent?query=a');
    await call('GET', '/2/tweets/search/recent?query=a');

    const response = await call('GET', '/2/tweets/search/recent?query=a');

    expect(response.status).toBe(429);
    expect(specErrors('searchPostsRecent', response)).toEqual([]);
  });

  it('the validator rejects bodies that break the schema', () => {
    const broken: Captured = {
      status: 200,
      contentType: 'application/json; charset=utf-8',
      body: { data: [{ id: 'not-a-number', text: 'x' }], meta: { result_count: '1' } },
    };

    const errors = specErrors('getUsersMentions', broken);

    expect(errors).toEqual([
      '#/components/schemas/Get2UsersIdMentionsResponse /data/0/id must match pattern "^[0-9]{1,19}$"',
      '#/components/schemas/Get2UsersIdMentionsResponse /meta/result_count must be integer',
    ]);
  });
});
