import { describe, expect, it } from 'vitest';

import {
  PlatformAuthError,
  PlatformRateLimited,
  PolicyBlocked,
  TransientNetworkError,
} from '../../src/errors.js';
import {
  appStoreError,
  parseRateLimit,
  rateLimitResetAt,
} from '../../src/sources/app-store/client.js';
import {
  cleanText,
  mapAscReview,
  responsesByReview,
  revisionOf,
} from '../../src/sources/app-store/map.js';
import { storefrontOf, territoryOf } from '../../src/sources/app-store/territories.js';

const APP_ID = '682658836';
const NOW = Date.UTC(2026, 10, 20, 9, 0, 0);

function review(attributes: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return {
    type: 'customerReviews',
    id: '00000028-b08c-0014-729e-fbd500000000',
    attributes: {
      rating: 2,
      title: 'Keeps crashing',
      body: 'Since the update it closes on launch.',
      reviewerNickname: 'Anne Johnson',
      createdDate: '2017-11-15T08:10:34-08:00',
      territory: 'GBR',
      ...attributes,
    },
    ...extra,
  };
}

const noResponses = new Map();

describe('mapAscReview', () => {
  it('maps a customerReviews resource to a Mention', () => {
    const mapped = mapAscReview(review({}), { appId: APP_ID, responses: noResponses });

    expect(mapped).toEqual({
      ok: true,
      createdMs: Date.parse('2017-11-15T16:10:34Z'),
      mention: {
        source: 'app-store',
        id: '00000028-b08c-0014-729e-fbd500000000',
        text: 'Keeps crashing\nSince the update it closes on launch.',
        lang: null,
        author: {
          id: expect.stringMatching(/^appstore:[0-9a-f]{16}$/),
          username: 'Anne Johnson',
          name: 'Anne Johnson',
          followersCount: null,
          verified: false,
        },
        createdAt: '2017-11-15T16:10:34.000Z',
        conversationId: '00000028-b08c-0014-729e-fbd500000000',
        inReplyToId: null,
        mentionsBrand: true,
        url: 'https://apps.apple.com/gb/app/id682658836?see-all=reviews',
        rating: 2,
        title: 'Keeps crashing',
        revision: revisionOf(2, 'Keeps crashing', 'Since the update it closes on launch.'),
        details: {
          via: 'app-store-connect',
          reviewerNickname: 'Anne Johnson',
          territory: 'GBR',
          storefront: 'gb',
        },
      },
    });
  });

  it('gives the same nickname the same author id, and a different one another', () => {
    const a = mapAscReview(review({}), { appId: APP_ID, responses: noResponses });
    const b = mapAscReview(review({}, { id: 'other' }), { appId: APP_ID, responses: noResponses });
    const c = mapAscReview(review({ reviewerNickname: 'Kim' }), {
      appId: APP_ID,
      responses: noResponses,
    });

    expect(a.ok && b.ok && a.mention.author.id === b.mention.author.id).toBe(true);
    expect(a.ok && c.ok && a.mention.author.id !== c.mention.author.id).toBe(true);
  });

  it.each`
    change                           | same
    ${{}}                            | ${true}
    ${{ rating: 1 }}                 | ${false}
    ${{ title: 'Still crashing' }}   | ${false}
    ${{ body: 'Fixed now, thanks' }} | ${false}
    ${{ reviewerNickname: 'Anne' }}  | ${true}
    ${{ territory: 'USA' }}          | ${true}
  `('revision changes with rating, title or body only: $change', ({ change, same }) => {
    const before = mapAscReview(review({}), { appId: APP_ID, responses: noResponses });
    const after = mapAscReview(review(change as Record<string, unknown>), {
      appId: APP_ID,
      responses: noResponses,
    });

    expect(before.ok && after.ok && before.mention.revision === after.mention.revision).toBe(same);
  });

  it('records an existing response from included', () => {
    const responses = responsesByReview([
      {
        type: 'customerReviewResponses',
        id: 'resp-1',
        attributes: { responseBody: 'Sorry!', state: 'PENDING_PUBLISH' },
        relationships: {
          review: { data: { type: 'customerReviews', id: '00000028-b08c-0014-729e-fbd500000000' } },
        },
      },
      { type: 'territories', id: 'USA' },
      'garbage',
    ]);

    const mapped = mapAscReview(review({}), { appId: APP_ID, responses });

    expect(mapped.ok && mapped.mention.details).toMatchObject({
      responseId: 'resp-1',
      responseState: 'PENDING_PUBLISH',
    });
  });

  it.each`
    name                      | candidate                                 | reason
    ${'no id'}                | ${review({}, { id: undefined })}          | ${'malformed review: id Invalid input: expected string, received undefined'}
    ${'no rating'}            | ${review({ rating: undefined })}          | ${'malformed review: attributes.rating Invalid input'}
    ${'rating 0'}             | ${review({ rating: 0 })}                  | ${'malformed review: attributes.rating Too small: expected number to be >=1'}
    ${'no body'}              | ${review({ body: undefined })}            | ${'malformed review: attributes.body Invalid input: expected string, received undefined'}
    ${'bad date'}             | ${review({ createdDate: 'yesterday' })}   | ${'malformed review: attributes.createdDate Invalid ISO datetime'}
    ${'wrong type'}           | ${review({}, { type: 'apps' })}           | ${'malformed review: type Invalid input: expected "customerReviews"'}
    ${'not an object'}        | ${42}                                     | ${'malformed review: item Invalid input: expected object, received number'}
    ${'empty title and body'} | ${review({ title: ' ', body: '\u0000' })} | ${'review has no text'}
  `('skips a review with $name, saying why', ({ candidate, reason }) => {
    const mapped = mapAscReview(candidate, { appId: APP_ID, responses: noResponses });

    expect(mapped.ok).toBe(false);
    expect(!mapped.ok && mapped.skipped.reason).toBe(reason);
  });

  it('accepts odd but usable values: a string rating, no title, no nickname, an unknown territory', () => {
    const mapped = mapAscReview(
      review({ rating: '4', title: null, reviewerNickname: null, territory: 'ZZZ' }),
      { appId: APP_ID, responses: noResponses },
    );

    expect(mapped.ok && mapped.mention).toMatchObject({
      rating: 4,
      title: null,
      text: 'Since the update it closes on launch.',
      author: {
        id: 'appstore:anonymous-00000028-b08c-0014-729e-fbd500000000',
        username: 'App Store user',
      },
      url: 'https://apps.apple.com/us/app/id682658836?see-all=reviews',
      details: { territory: 'ZZZ' },
    });
  });
});

describe('cleanText', () => {
  it.each`
    input                            | output
    ${'  hello  '}                   | ${'hello'}
    ${'line\r\nbreak\rhere'}         | ${'line\nbreak\nhere'}
    ${'nul\u0000 and bell\u0007'}    | ${'nul and bell'}
    ${'lone \uD83D surrogate'}       | ${'lone \uFFFD surrogate'}
    ${'e\u0301'}                     | ${'\u00E9'}
    ${'emoji 😡👍🏽 stay'}             | ${'emoji 😡👍🏽 stay'}
    ${'\u200Fשלום \u202Bעולם\u202C'} | ${'\u200Fשלום \u202Bעולם\u202C'}
    ${'مرحبا بالعالم'}               | ${'مرحبا بالعالم'}
  `('cleans $input', ({ input, output }) => {
    expect(cleanText(input as string)).toBe(output);
  });
});

describe('territories', () => {
  it.each`
    territory | storefront
    ${'USA'}  | ${'us'}
    ${'GBR'}  | ${'gb'}
    ${'DEU'}  | ${'de'}
    ${'XKS'}  | ${'xk'}
    ${'ANT'}  | ${'an'}
  `('$territory ↔ $storefront', ({ territory, storefront }) => {
    expect(storefrontOf(territory as string)).toBe(storefront);
    expect(territoryOf((storefront as string).toUpperCase())).toBe(territory);
  });

  it('knows no storefront for unknown codes', () => {
    expect(storefrontOf('ZZZ')).toBeUndefined();
    expect(territoryOf('zz')).toBeUndefined();
  });
});

describe('App Store Connect HTTP answers', () => {
  it.each`
    header                                     | parsed
    ${'user-hour-lim:3600;user-hour-rem:120;'} | ${{ limit: 3600, remaining: 120 }}
    ${'user-hour-lim:3500;user-hour-rem:0;'}   | ${{ limit: 3500, remaining: 0 }}
    ${'something-else'}                        | ${undefined}
    ${null}                                    | ${undefined}
  `('parses X-Rate-Limit $header', ({ header, parsed }) => {
    expect(parseRateLimit(header as string | null)).toEqual(parsed);
  });

  it('waits out the hour when the budget is spent, a minute for a burst limit', () => {
    expect(rateLimitResetAt(NOW, { limit: 3600, remaining: 0 })).toBe(NOW + 3_600_000);
    expect(rateLimitResetAt(NOW, undefined)).toBe(NOW + 3_600_000);
    expect(rateLimitResetAt(NOW, { limit: 3600, remaining: 12 })).toBe(NOW + 60_000);
  });

  function errorBody(status: string, code: string, detail: string): unknown {
    return { errors: [{ id: 'x', status, code, title: 'Title', detail }] };
  }

  it.each`
    status | type                     | message
    ${401} | ${PlatformAuthError}     | ${/check APP_STORE_KEY_ID, APP_STORE_ISSUER_ID and APP_STORE_PRIVATE_KEY_PATH/}
    ${403} | ${PlatformAuthError}     | ${/needs the Admin, App Manager or Customer Support role/}
    ${404} | ${PolicyBlocked}         | ${/\(404 CODE: the detail\)/}
    ${409} | ${PolicyBlocked}         | ${/\(409 CODE: the detail\)/}
    ${422} | ${PolicyBlocked}         | ${/\(422 CODE: the detail\)/}
    ${429} | ${PlatformRateLimited}   | ${/rate limit reached/}
    ${500} | ${TransientNetworkError} | ${/answered 500/}
    ${503} | ${TransientNetworkError} | ${/answered 503/}
  `('maps $status to $type.name', ({ status, type, message }) => {
    const error = appStoreError(
      {
        status: status as number,
        body: errorBody(String(status), 'CODE', 'the detail'),
        rateLimit: undefined,
      },
      NOW,
      'do something',
    );

    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message as RegExp);
  });

  it('keeps Apple detail for PolicyBlocked and reason codes by status', () => {
    const notFound = appStoreError({ status: 404, body: '', rateLimit: undefined }, NOW, 'x');
    const rejected = appStoreError({ status: 409, body: '', rateLimit: undefined }, NOW, 'x');

    expect(notFound instanceof PolicyBlocked && notFound.reason).toBe('platform-not-found');
    expect(rejected instanceof PolicyBlocked && rejected.reason).toBe('platform-rejected');
    expect(rejected.message).toBe('App Store Connect would not x (409 HTTP 409)');
  });
});
