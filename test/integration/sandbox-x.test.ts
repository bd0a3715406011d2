import { ApiResponseError } from 'twitter-api-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { SANDBOX_X_CREDENTIALS, startXSandbox, type XSandbox } from '../../src/sandbox/x/index.js';
import { admin, BRAND, sandboxClient, seedMention, seedPost } from './sandbox-x-client.js';

const START = Date.UTC(2026, 10, 20, 9, 0, 0);
let clock = START;

async function apiError(promise: Promise<unknown>): Promise<ApiResponseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiResponseError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('X sandbox through the real twitter-api-v2 client', () => {
  let sandbox: XSandbox;

  beforeAll(async () => {
    sandbox = await startXSandbox({ brand: BRAND, now: () => clock });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.reset();
    clock = START;
  });

  describe('GET /2/users/me', () => {
    it('returns the brand account with OAuth 1.0a user context', async () => {
      const { client } = sandboxClient(sandbox, 'oauth1');

      const me = await client.v2.me();

      expect(me).toEqual({ data: { id: BRAND.id, name: BRAND.name, username: BRAND.username } });
    });

    it('returns the brand account with an OAuth 2 user token and requested user.fields', async () => {
      const { client } = sandboxClient(sandbox, 'user-bearer');

      const me = await client.v2.me({ 'user.fields': ['verified', 'public_metrics'] });

      expect(me.data).toEqual({
        id: BRAND.id,
        name: BRAND.name,
        username: BRAND.username,
        verified: true,
        public_metrics: {
          followers_count: 10_000,
          following_count: 100,
          tweet_count: 0,
          listed_count: 0,
          like_count: 0,
        },
      });
    });

    it('answers an app-only bearer with 403 unsupported-authentication', async () => {
      const { client } = sandboxClient(sandbox, 'app-bearer');

      const error = await apiError(client.v2.me());

      expect(error.code).toBe(403);
      expect(error.data).toEqual({
        title: 'Unsupported Authentication',
        detail:
          'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
        type: 'https://api.twitter.com/2/problems/unsupported-authentication',
        status: 403,
      });
    });
  });

  describe('authentication', () => {
    it('answers a request without Authorization with 401 problem+json and no rate-limit headers', async () => {
      const response = await fetch(`${sandbox.url}/2/users/me`);

      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('x-rate-limit-limit')).toBeNull();
      expect(await response.json()).toEqual({
        title: 'Unauthorized',
        type: 'about:blank',
        status: 401,
        detail: 'Unauthorized',
      });
    });

    it('answers an unknown bearer token with 401', async () => {
      const { client } = sandboxClient(sandbox, { bearer: 'not-a-sandbox-token' });

      const error = await apiError(client.v2.me());

      expect(error.code).toBe(401);
      expect(error.isAuthError).toBe(true);
      expect(error.headers['x-rate-limit-limit']).toBeUndefined();
      expect(error.rateLimit).toBeUndefined();
    });

    it('answers an OAuth 1.0a request signed with the wrong secret with 401', async () => {
      const { client } = sandboxClient(sandbox, { ...SANDBOX_X_CREDENTIALS, appSecret: 'wrong' });

      const error = await apiError(client.v2.me());

      expect(error.code).toBe(401);
      expect(error.data).toEqual({
        title: 'Unauthorized',
        type: 'about:blank',
        status: 401,
        detail: 'Unauthorized',
      });
    });

    it('answers an unknown OAuth 1.0a access token with 401', async () => {
      const { client } = sandboxClient(sandbox, {
        ...SANDBOX_X_CREDENTIALS,
        accessToken: 'someone-else',
      });

      const error = await apiError(client.v2.userMentionTimeline(BRAND.id));

      expect(error.code).toBe(401);
    });

    it('answers an unknown route with a 404 problem', async () => {
      const response = await fetch(`${sandbox.url}/2/nothing/here`);

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        title: 'Not Found Error',
        type: 'about:blank',
        status: 404,
        detail: 'Sorry, that page does not exist: GET /2/nothing/here',
      });
    });
  });

  describe('GET /2/users/:id/mentions', () => {
    it('returns mentions newest first with authors expanded and meta', async () => {
      const first = await seedMention(sandbox, {
        text: 'my order never arrived',
        author: { username: 'sam', name: 'Sam', followers_count: 120 },
      });
      clock += 60_000;
      const second = await seedMention(sandbox, {
        text: '@ACME the app crashes on login',
        author: { username: 'kim', verified: true },
      });
      const { client } = sandboxClient(sandbox);

      const page = await client.v2.userMentionTimeline(BRAND.id, {
        expansions: ['author_id'],
        'tweet.fields': ['author_id', 'created_at', 'conversation_id', 'lang'],
        'user.fields': ['username', 'public_metrics', 'verified'],
      });

      expect(page.tweets).toEqual([
        {
          id: second.id,
          text: '@ACME the app crashes on login',
          edit_history_tweet_ids: [second.id],
          author_id: second.author_id,
          created_at: new Date(START + 60_000).toISOString(),
          conversation_id: second.id,
          lang: 'en',
        },
        {
          id: first.id,
          text: '@acme my order never arrived',
          edit_history_tweet_ids: [first.id],
          author_id: first.author_id,
          created_at: new Date(START).toISOString(),
          conversation_id: first.id,
          lang: 'en',
        },
      ]);
      expect(
        page.includes.users.map((user) => [
          user.username,
          user.public_metrics?.followers_count,
          user.verified,
        ]),
      ).toEqual([
        ['kim', 0, true],
        ['sam', 120, false],
      ]);
      expect(page.meta).toMatchObject({
        result_count: 2,
        newest_id: second.id,
        oldest_id: first.id,
      });
      expect(page.meta.next_token).toBeUndefined();
      expect(page.done).toBe(true);
    });

    it('accepts post.fields (spec 2.167) like tweet.fields', async () => {
      const seeded = await seedMention(sandbox, { text: 'hello', author: { username: 'sam' } });
      const response = await fetch(
        `${sandbox.url}/2/users/${BRAND.id}/mentions?post.fields=author_id`,
        {
          headers: {
            authorization: `Bearer ${(await import('../../src/sandbox/x/index.js')).SANDBOX_X_USER_TOKEN}`,
          },
        },
      );

      const body = (await response.json()) as { data: Array<Record<string, unknown>> };

      expect(response.status).toBe(200);
      expect(body.data[0]).toEqual({
        id: seeded.id,
        text: '@acme hello',
        edit_history_tweet_ids: [seeded.id],
        author_id: seeded.author_id,
      });
    });

    it('returns only mentions newer than since_id', async () => {
      const old = await seedMention(sandbox, { text: 'old', author: { username: 'sam' } });
      const fresh = await seedMention(sandbox, { text: 'new', author: { username: 'sam' } });
      const { client } = sandboxClient(sandbox);

      const page = await client.v2.userMentionTimeline(BRAND.id, { since_id: old.id });

      expect(page.tweets.map((tweet) => tweet.id)).toEqual([fresh.id]);
    });

    it('paginates with next_token until done', async () => {
      const ids: string[] = [];
      for (let index = 0; index < 7; index += 1) {
        ids.push(
          (await seedMention(sandbox, { text: `mention ${index}`, author: { username: 'sam' } }))
            .id,
        );
      }
      const { client } = sandboxClient(sandbox);

      const page = await client.v2.userMentionTimeline(BRAND.id, { max_results: 5 });
      const firstPage = page.tweets.map((tweet) => tweet.id);
      const firstDone = page.done;
      await page.fetchNext();

      expect(firstPage).toEqual([...ids].reverse().slice(0, 5));
      expect(firstDone).toBe(false);
      expect(page.tweets.map((tweet) => tweet.id)).toEqual([...ids].reverse());
      expect(page.meta.result_count).toBe(7);
      expect(page.done).toBe(true);
    });

    it('returns meta.result_count 0 and no data when there are no mentions', async () => {
      const { client } = sandboxClient(sandbox);
      await seedPost(sandbox, { text: 'not about the brand', author: { username: 'sam' } });

      const page = await client.v2.userMentionTimeline(BRAND.id);

      expect(page.data).toEqual({ meta: { result_count: 0 } });
      expect(page.tweets).toEqual([]);
    });

    it.each([
      {
        maxResults: 4,
        message: 'The `max_results` query parameter value [4] is not between 5 and 100',
      },
      {
        maxResults: 101,
        message: 'The `max_results` query parameter value [101] is not between 5 and 100',
      },
    ])(
      'rejects max_results $maxResults with 400 invalid-request',
      async ({ maxResults, message }) => {
        const { client } = sandboxClient(sandbox);

        const error = await apiError(
          client.v2.userMentionTimeline(BRAND.id, { max_results: maxResults }),
        );

        expect(error.code).toBe(400);
        expect(error.data).toEqual({
          errors: [{ parameters: { max_results: [String(maxResults)] }, message }],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        });
      },
    );

    it('serves mentions to an app-only bearer, as the spec allows', async () => {
      await seedMention(sandbox, { text: 'hi', author: { username: 'sam' } });
      const { client } = sandboxClient(sandbox, 'app-bearer');

      const page = await client.v2.userMentionTimeline(BRAND.id);

      expect(page.meta.result_count).toBe(1);
    });

    it('includes quotes of brand posts without an @mention', async () => {
      const quote = await seedMention(sandbox, {
        text: 'look what they posted',
        author: { username: 'sam' },
        quote_of_brand_post: true,
      });
      const { client } = sandboxClient(sandbox);

      const page = await client.v2.userMentionTimeline(BRAND.id, {
        'tweet.fields': ['referenced_tweets'],
      });

      expect(page.tweets).toHaveLength(1);
      expect(page.tweets[0]?.id).toBe(quote.id);
      expect(page.tweets[0]?.text).toBe('look what they posted');
      expect(page.tweets[0]?.referenced_tweets?.[0]?.type).toBe('quoted');
    });

    it('serves raw injected posts verbatim and reports missing authors as partial errors', async () => {
      await admin(sandbox, 'POST', '/mentions', { raw: { id: '1', author_id: '999' } });
      const { client } = sandboxClient(sandbox);

      const page = await client.v2.userMentionTimeline(BRAND.id, { expansions: ['author_id'] });

      expect(page.tweets).toEqual([{ id: '1', author_id: '999' }]);
      expect(page.errors).toEqual([
        {
          value: '999',
          detail: 'Could not find user with author_id: [999].',
          title: 'Not Found Error',
          resource_type: 'user',
          parameter: 'author_id',
          resource_id: '999',
          type: 'https://api.twitter.com/2/problems/resource-not-found',
        },
      ]);
    });

    it('reaches only the 800 most recent mentions', async () => {
      for (let index = 0; index < 805; index += 1) {
        await seedMention(sandbox, { text: `mention ${index}`, author: { username: 'sam' } });
      }
      const { client } = sandboxClient(sandbox);

      const page = await client.v2.userMentionTimeline(BRAND.id, { max_results: 100 });
      await page.fetchLast(1000);

      expect(page.tweets).toHaveLength(800);
      expect(page.tweets.at(-1)?.text).toBe('@acme mention 5');
      expect(page.done).toBe(true);
    });
  });

  describe('GET /2/tweets/search/recent', () => {
    beforeEach(async () => {
      await seedMention(sandbox, {
        text: 'refund please, the app is broken',
        author: { username: 'sam' },
      });
      await seedPost(sandbox, { text: 'Acme app is broken again', author: { username: 'kim' } });
      await seedPost(sandbox, { text: 'I love the new acme release', author: { username: 'lee' } });
      await seedPost(sandbox, {
        text: 'RT @kim: Acme app is broken again',
        author: { username: 'pat' },
      });
    });

    it('matches OR, negation and from:', async () => {
      const { client } = sandboxClient(sandbox, 'app-bearer');

      const broken = await client.v2.search('broken -is:retweet');
      const either = await client.v2.search('(love OR refund) acme');
      const fromKim = await client.v2.search('from:kim broken');

      expect(broken.tweets.map((tweet) => tweet.text)).toEqual([
        'Acme app is broken again',
        '@acme refund please, the app is broken',
      ]);
      expect(either.tweets.map((tweet) => tweet.text)).toEqual([
        'I love the new acme release',
        '@acme refund please, the app is broken',
      ]);
      expect(fromKim.tweets.map((tweet) => tweet.text)).toEqual(['Acme app is broken again']);
    });

    it('finds the brand account’s own posts only with from:brand', async () => {
      const { client } = sandboxClient(sandbox);
      const mention = await seedMention(sandbox, { text: 'help', author: { username: 'ann' } });
      await client.v2.reply('Sorry to hear that, acme is on it', mention.id);

      const withoutFrom = await client.v2.search('"acme is on it"');
      const withFrom = await client.v2.search('from:acme "acme is on it"');

      expect(withoutFrom.meta.result_count).toBe(0);
      expect(withFrom.tweets.map((tweet) => tweet.text)).toEqual([
        'Sorry to hear that, acme is on it',
      ]);
    });

    it('paginates search results with next_token', async () => {
      for (let index = 0; index < 11; index += 1) {
        await seedPost(sandbox, {
          text: `outage number ${index}`,
          author: { username: `u${index}` },
        });
      }
      const { client } = sandboxClient(sandbox);

      const page = await client.v2.search('outage', { max_results: 10 });
      const firstCount = page.tweets.length;
      await page.fetchNext();

      expect(firstCount).toBe(10);
      expect(page.tweets.map((tweet) => tweet.text).slice(-2)).toEqual([
        'outage number 1',
        'outage number 0',
      ]);
      expect(page.meta.result_count).toBe(11);
      expect(page.done).toBe(true);
    });

    it('feeds the rate-limit plugin under the sandbox URL', async () => {
      const { client, rateLimits } = sandboxClient(sandbox, 'app-bearer');

      await client.v2.userMentionTimeline(BRAND.id);
      const stored = await rateLimits.getRateLimit(`${sandbox.url}/2/users/:id/mentions`, 'GET');

      expect(stored).toEqual({
        limit: 450,
        remaining: 449,
        reset: Math.ceil((START + 900_000) / 1000),
      });
    });

    it('only searches the last 7 days', async () => {
      await seedPost(sandbox, {
        text: 'ancient outage',
        author: { username: 'old' },
        created_at: new Date(START - 8 * 86_400_000).toISOString(),
      });
      await seedPost(sandbox, {
        text: 'recent outage',
        author: { username: 'new' },
        created_at: new Date(START - 6 * 86_400_000).toISOString(),
      });
      const { client } = sandboxClient(sandbox);

      const page = await client.v2.search('outage');

      expect(page.tweets.map((tweet) => tweet.text)).toEqual(['recent outage']);
    });

    it('rejects an unparseable query with 400 invalid-request naming the query', async () => {
      const { client } = sandboxClient(sandbox);

      const error = await apiError(client.v2.search('(broken'));

      expect(error.code).toBe(400);
      expect(error.errors).toEqual([
        {
          parameters: { query: ['(broken'] },
          message: "There were errors processing your request: Missing ')' for '(' at position 1",
        },
      ]);
    });
  });

  describe('GET /2/tweets (lookup by ids)', () => {
    it('returns the posts asked for, in order, with current counts and missing ids as partial errors', async () => {
      const first = await seedMention(sandbox, { text: 'late again', author: { username: 'sam' } });
      const second = await seedPost(sandbox, { text: 'acme is late', author: { username: 'kim' } });
      await seedMention(sandbox, {
        text: 'me too',
        author: { username: 'lee' },
        in_reply_to_tweet_id: first.id,
      });
      await admin(sandbox, 'POST', `/posts/${first.id}/metrics`, { retweet_count: 60 });
      const { client } = sandboxClient(sandbox);

      const result = await client.v2.tweets([second.id, first.id, '1860000000000000999'], {
        'tweet.fields': ['public_metrics', 'created_at'],
        expansions: ['author_id'],
      });

      expect(result.data.map((tweet) => tweet.id)).toEqual([second.id, first.id]);
      expect(result.data[1]?.public_metrics).toMatchObject({
        retweet_count: 60,
        reply_count: 1,
        like_count: 0,
        quote_count: 0,
      });
      expect(result.includes?.users?.map((user) => user.username).sort()).toEqual(['kim', 'sam']);
      expect(result.errors).toEqual([
        {
          value: '1860000000000000999',
          detail: 'Could not find tweet with ids: [1860000000000000999].',
          title: 'Not Found Error',
          resource_type: 'tweet',
          parameter: 'ids',
          resource_id: '1860000000000000999',
          type: 'https://api.twitter.com/2/problems/resource-not-found',
        },
      ]);
    });

    it('rejects no ids, more than 100 ids and non-numeric ids with 400 in X’s wording', async () => {
      const { client } = sandboxClient(sandbox);
      const many = Array.from({ length: 101 }, (_, index) => String(1_000 + index));

      const empty = await apiError(client.v2.get('tweets', { ids: '' }));
      const tooMany = await apiError(client.v2.tweets(many));
      const notIds = await apiError(client.v2.tweets(['12', 'abc']));

      expect(empty.errors).toEqual([
        { parameters: { ids: [] }, message: 'The `ids` query parameter can not be empty' },
      ]);
      expect(tooMany.code).toBe(400);
      expect(tooMany.errors?.[0]).toMatchObject({
        message:
          'The number of values in the `ids` query parameter list [101] is not between 1 and 100',
      });
      expect(notIds.errors).toEqual([
        {
          parameters: { ids: ['abc'] },
          message: 'The `ids` query parameter value [abc] does not match ^[0-9]{1,19}$',
        },
      ]);
    });

    it('serves an app-only bearer and counts against its own rate limit', async () => {
      const mention = await seedMention(sandbox, { text: 'help', author: { username: 'sam' } });
      const { client } = sandboxClient(sandbox, 'app-bearer');

      const response = await client.v2.get('tweets', { ids: mention.id }, { fullResponse: true });

      expect(response.data).toMatchObject({ data: [{ id: mention.id }] });
      expect(response.rateLimit).toMatchObject({ limit: 450, remaining: 449 });
    });
  });

  describe('POST /2/tweets', () => {
    it('creates a reply to a mention with 201, visible through the admin API', async () => {
      const mention = await seedMention(sandbox, {
        text: 'my order never arrived',
        author: { username: 'sam' },
      });
      const { client } = sandboxClient(sandbox);

      const result = await client.v2.reply(
        'We are sorry, Sam. Please DM us your order number.',
        mention.id,
      );
      const posts = await admin(sandbox, 'GET', '/posts?by=brand');

      expect(result).toEqual({
        data: {
          id: expect.stringMatching(/^[0-9]{19}$/),
          text: 'We are sorry, Sam. Please DM us your order number.',
          edit_history_tweet_ids: [result.data.id],
        },
      });
      expect(posts).toEqual({
        status: 200,
        body: {
          data: [
            {
              id: result.data.id,
              author_id: BRAND.id,
              text: 'We are sorry, Sam. Please DM us your order number.',
              in_reply_to_tweet_id: mention.id,
              quote_tweet_id: null,
              created_at: new Date(START).toISOString(),
            },
          ],
        },
      });
    });

    it('rejects duplicate text with 403 and the duplicate-content body', async () => {
      const mention = await seedMention(sandbox, { text: 'hello', author: { username: 'sam' } });
      const { client } = sandboxClient(sandbox);
      await client.v2.reply('Thanks for reaching out!', mention.id);

      const error = await apiError(client.v2.reply('Thanks for reaching out!', mention.id));

      expect(error.code).toBe(403);
      expect(error.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(error.rateLimit?.limit).toBe(100);
      expect(error.data).toEqual({
        detail: 'You are not allowed to create a Tweet with duplicate content.',
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
      });
    });

    it('rejects a reply to a post that did not mention or quote the brand with 403', async () => {
      const post = await seedPost(sandbox, {
        text: 'acme is the worst',
        author: { username: 'kim' },
      });
      const { client } = sandboxClient(sandbox);

      const error = await apiError(client.v2.reply('Sorry to hear that', post.id));

      expect(error.code).toBe(403);
      expect(error.data).toEqual({
        title: 'Forbidden',
        type: 'about:blank',
        status: 403,
        detail: `Reply to post ${post.id} was rejected: its author did not @mention @acme or quote one of its posts, and self-serve apps may only reply to posts that summon them.`,
      });
    });

    it('allows a reply to a post that quotes a brand post', async () => {
      const quote = await seedMention(sandbox, {
        text: 'this is wrong',
        author: { username: 'kim' },
        quote_of_brand_post: true,
      });
      const { client } = sandboxClient(sandbox);

      const result = await client.v2.reply('Could you tell us more?', quote.id);

      expect(result.data.text).toBe('Could you tell us more?');
    });

    it('rejects a reply to a post that does not exist with 403', async () => {
      const { client } = sandboxClient(sandbox);

      const error = await apiError(client.v2.reply('hello', '1234'));

      expect(error.code).toBe(403);
      expect(error.data).toEqual({
        title: 'Forbidden',
        type: 'about:blank',
        status: 403,
        detail: 'You attempted to reply to a Tweet that is deleted or not visible to you.',
      });
    });

    it('rejects 281 characters with 400 "Your Tweet text is too long."', async () => {
      const { client } = sandboxClient(sandbox);

      const error = await apiError(client.v2.tweet('a'.repeat(281)));

      expect(error.code).toBe(400);
      expect(error.data).toEqual({
        errors: [
          {
            message: 'Your Tweet text is too long.',
            parameters: { text: ['Your Tweet text is 281 characters, however the limit is 280.'] },
          },
        ],
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      });
    });

    it('weights CJK as two: 140 × 好 is accepted, 141 × 好 is rejected', async () => {
      const { client } = sandboxClient(sandbox);

      const accepted = await client.v2.tweet('好'.repeat(140));
      const error = await apiError(client.v2.tweet('好'.repeat(141)));

      expect(accepted.data.text).toBe('好'.repeat(140));
      expect(error.code).toBe(400);
      expect(error.errors).toEqual([
        {
          message: 'Your Tweet text is too long.',
          parameters: { text: ['Your Tweet text is 282 characters, however the limit is 280.'] },
        },
      ]);
    });

    it('weights emoji as two: 140 × 👍 is accepted', async () => {
      const { client } = sandboxClient(sandbox);

      const accepted = await client.v2.tweet('👍'.repeat(140));

      expect(accepted.data.text).toBe('👍'.repeat(140));
    });

    it('rejects unknown body fields with 400 invalid-request', async () => {
      const { client } = sandboxClient(sandbox);

      const error = await apiError(client.v2.post('tweets', { text: 'hi', colour: 'blue' }));

      expect(error.code).toBe(400);
      expect(error.errors).toEqual([
        {
          parameters: {},
          message:
            '$.colour: is not defined in the schema and the schema does not allow additional properties',
        },
      ]);
    });

    it('reports the 24-hour app limit alongside the 15-minute user limit', async () => {
      const { client } = sandboxClient(sandbox);

      const result = await client.v2.post(
        'tweets',
        { text: 'status update' },
        { fullResponse: true },
      );

      expect(result.rateLimit).toEqual({
        limit: 100,
        remaining: 99,
        reset: Math.ceil((START + 900_000) / 1000),
        day: { limit: 10_000, remaining: 9_999, reset: Math.ceil((START + 86_400_000) / 1000) },
      });
    });
  });

  describe('POST /2/dm_conversations/with/:participant_id/messages', () => {
    it('sends a DM with 201 and records it', async () => {
      const mention = await seedMention(sandbox, {
        text: 'charged twice',
        author: { username: 'sam' },
      });
      const { client } = sandboxClient(sandbox);

      const result = (await client.v2.sendDmToParticipant(mention.author_id, {
        text: 'Hi Sam, can you share your order number here?',
      })) as unknown as { data: { dm_conversation_id: string; dm_event_id: string } };
      const dms = await admin(sandbox, 'GET', '/dms');

      expect(result.data).toEqual({
        dm_conversation_id: `${mention.author_id}-${BRAND.id}`,
        dm_event_id: expect.stringMatching(/^[0-9]{19}$/),
      });
      expect(dms.body).toEqual({
        data: [
          {
            dm_event_id: result.data.dm_event_id,
            dm_conversation_id: `${mention.author_id}-${BRAND.id}`,
            participant_id: mention.author_id,
            text: 'Hi Sam, can you share your order number here?',
            created_at: new Date(START).toISOString(),
          },
        ],
      });
    });

    it('rejects a DM to a user who does not accept DMs with 403', async () => {
      const mention = await seedMention(sandbox, {
        text: 'no dms please',
        author: { username: 'kim', accepts_dms: false },
      });
      const { client } = sandboxClient(sandbox);

      const error = await apiError(
        client.v2.sendDmToParticipant(mention.author_id, { text: 'hello' }),
      );

      expect(error.code).toBe(403);
      expect(error.data).toEqual({
        title: 'Forbidden',
        type: 'about:blank',
        status: 403,
        detail:
          'You cannot send messages to this user: they do not accept Direct Messages from you.',
      });
    });
  });

  describe('GET /2/dm_conversations/with/:participant_id/dm_events', () => {
    async function sendThree(): Promise<{ participant: string; ids: string[] }> {
      const mention = await seedMention(sandbox, { text: 'help', author: { username: 'sam' } });
      const other = await seedMention(sandbox, { text: 'help', author: { username: 'kim' } });
      const { client } = sandboxClient(sandbox);
      const ids: string[] = [];
      for (const text of ['first', 'second', 'third']) {
        clock += 60_000;
        const sent = (await client.v2.sendDmToParticipant(mention.author_id, {
          text,
        })) as unknown as { data: { dm_event_id: string } };
        ids.push(sent.data.dm_event_id);
      }
      await client.v2.sendDmToParticipant(other.author_id, { text: 'to someone else' });
      return { participant: mention.author_id, ids };
    }

    it('lists the conversation newest first with the fields asked for, paging through the real client', async () => {
      const { participant, ids } = await sendThree();
      const { client } = sandboxClient(sandbox);

      const paginator = await client.v2.listDmEventsWithParticipant(participant, {
        'dm_event.fields': ['created_at', 'sender_id'],
        event_types: ['MessageCreate'],
        max_results: 2,
      });
      const firstPage = [...paginator.events];
      await paginator.fetchNext();

      expect(firstPage).toEqual([
        {
          id: ids[2],
          event_type: 'MessageCreate',
          text: 'third',
          sender_id: BRAND.id,
          created_at: new Date(START + 180_000).toISOString(),
        },
        {
          id: ids[1],
          event_type: 'MessageCreate',
          text: 'second',
          sender_id: BRAND.id,
          created_at: new Date(START + 120_000).toISOString(),
        },
      ]);
      expect(paginator.events.map((event) => event.id)).toEqual([ids[2], ids[1], ids[0]]);
      expect(paginator.done).toBe(true);
    });

    it('answers default fields, an empty conversation and bad parameters as X does', async () => {
      const { participant } = await sendThree();
      const { client } = sandboxClient(sandbox);

      const plain = await client.v2.get(
        'dm_conversations/with/:id/dm_events',
        {},
        {
          params: { id: participant },
        },
      );
      const empty = await client.v2.get(
        'dm_conversations/with/:id/dm_events',
        {},
        {
          params: { id: '1999999999' },
        },
      );
      const bad = await apiError(
        client.v2.get(
          'dm_conversations/with/:id/dm_events',
          { max_results: 101 },
          {
            params: { id: 'sam' },
          },
        ),
      );

      expect(plain.data[0]).toEqual({
        id: expect.any(String),
        event_type: 'MessageCreate',
        text: 'third',
      });
      expect(empty).toEqual({ meta: { result_count: 0 } });
      expect(bad.code).toBe(400);
      expect(
        (bad.data as { errors: Array<{ message: string }> }).errors.map((e) => e.message),
      ).toEqual([
        'The `participant_id` path parameter value [sam] does not match ^[0-9]{1,19}$',
        'The `max_results` query parameter value [101] is not between 1 and 100',
      ]);
    });

    it('refuses an app-only bearer: DMs are private', async () => {
      const { participant } = await sendThree();
      const { client } = sandboxClient(sandbox, 'app-bearer');

      const error = await apiError(client.v2.listDmEventsWithParticipant(participant));

      expect(error.code).toBe(403);
    });
  });
});

describe('X sandbox admin API', () => {
  let sandbox: XSandbox;

  beforeAll(async () => {
    sandbox = await startXSandbox({ brand: BRAND, now: () => clock });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('rejects an invalid mention body with 400 naming the field', async () => {
    const response = await admin(sandbox, 'POST', '/mentions', {
      text: 'hi',
      author: { username: 'not a handle!' },
      colour: 'blue',
    });

    expect(response).toEqual({
      status: 400,
      body: {
        error: 'invalid-request',
        message:
          'author.username: must be 1 to 15 letters, digits or _; Unrecognized key: "colour"',
        issues: [
          'author.username: must be 1 to 15 letters, digits or _',
          'Unrecognized key: "colour"',
        ],
      },
    });
  });

  it('sets the repost and like counts of a stored post, and 404s an unknown one', async () => {
    const mention = await seedMention(sandbox, { text: 'late', author: { username: 'sam' } });

    const updated = await admin(sandbox, 'POST', `/posts/${mention.id}/metrics`, {
      retweet_count: 60,
      like_count: 7,
    });
    const unknown = await admin(sandbox, 'POST', '/posts/1860000000000000999/metrics', {
      like_count: 1,
    });
    const empty = await admin(sandbox, 'POST', `/posts/${mention.id}/metrics`, {});

    expect(updated).toEqual({
      status: 200,
      body: { id: mention.id, retweet_count: 60, like_count: 7 },
    });
    expect(unknown.status).toBe(404);
    expect(empty.status).toBe(400);
  });

  it('maps the same username to the same user id, across resets', async () => {
    const first = await seedMention(sandbox, { text: 'one', author: { username: 'Sam' } });
    await admin(sandbox, 'POST', '/reset');
    const second = await seedMention(sandbox, { text: 'two', author: { username: 'sam' } });

    const posts = await admin<{ data: unknown[] }>(sandbox, 'GET', '/posts?by=sam');

    expect(second.author_id).toBe(first.author_id);
    expect(posts.body.data).toHaveLength(1);
  });

  it('threads replies into the parent conversation', async () => {
    const parent = await seedMention(sandbox, { text: 'first', author: { username: 'sam' } });
    await seedMention(sandbox, {
      text: 'second',
      author: { username: 'sam' },
      in_reply_to_tweet_id: parent.id,
    });
    const { client } = sandboxClient(sandbox);

    const page = await client.v2.userMentionTimeline(BRAND.id, {
      'tweet.fields': ['conversation_id', 'in_reply_to_user_id'],
    });

    expect(page.tweets[0]).toMatchObject({
      text: '@acme second',
      conversation_id: parent.id,
      in_reply_to_user_id: parent.author_id,
    });
  });
});

describe('X sandbox rate limits', () => {
  let sandbox: XSandbox;

  beforeAll(async () => {
    sandbox = await startXSandbox({
      brand: BRAND,
      now: () => clock,
      windowMs: 60_000,
      limits: { 'GET /2/users/me': { perUser15m: 2 } },
    });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.reset();
    clock = START;
  });

  it('answers 429 once the window is used up and serves again after it resets', async () => {
    const { client } = sandboxClient(sandbox);
    await client.v2.me();
    await client.v2.me();

    const error = await apiError(client.v2.me());
    clock = (error.rateLimit?.reset ?? 0) * 1000;
    const afterReset = await client.v2.get('users/me', undefined, { fullResponse: true });

    expect(error.code).toBe(429);
    expect(error.rateLimitError).toBe(true);
    expect(error.rateLimit).toEqual({
      limit: 2,
      remaining: 0,
      reset: Math.ceil((START + 60_000) / 1000),
    });
    expect(error.data).toEqual({
      title: 'Too Many Requests',
      detail: 'Too Many Requests',
      type: 'about:blank',
      status: 429,
    });
    expect(afterReset.rateLimit).toEqual({
      limit: 2,
      remaining: 1,
      reset: Math.ceil((START + 60_000 + 60_000) / 1000),
    });
  });

  it('changes limits at runtime through the admin API', async () => {
    const { client } = sandboxClient(sandbox);
    await admin(sandbox, 'POST', '/limits', { 'GET /2/users/me': { perUser15m: 1 } });
    await client.v2.me();

    const error = await apiError(client.v2.me());

    expect(error.code).toBe(429);
    await admin(sandbox, 'POST', '/limits', { 'GET /2/users/me': { perUser15m: 2 } });
  });

  it('logs every X API request with its status', async () => {
    const { client } = sandboxClient(sandbox);
    await client.v2.me();
    await client.v2.me();
    await apiError(client.v2.me());

    const log = sandbox.requests();

    expect(log).toEqual([
      { method: 'GET', path: '/2/users/me', query: {}, status: 200, at: START },
      { method: 'GET', path: '/2/users/me', query: {}, status: 200, at: START },
      { method: 'GET', path: '/2/users/me', query: {}, status: 429, at: START },
    ]);
  });
});
