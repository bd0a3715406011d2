import { describe, expect, it } from 'vitest';
import { classifierInputOf } from '../../src/core/classifier-input.js';
import { mapXPage } from '../../src/sources/x-shared/map.js';

const brand = { id: '1', handle: 'acme' };
const READ_AT = Date.parse('2026-11-22T10:30:00.000Z');

function page(metrics: Record<string, number> | undefined): unknown {
  return {
    data: [
      {
        id: '100',
        text: '@acme my package is 5 days late',
        author_id: '2',
        created_at: '2026-11-22T10:00:00.000Z',
        conversation_id: '100',
        lang: 'en',
        ...(metrics === undefined ? {} : { public_metrics: metrics }),
      },
    ],
    includes: { users: [{ id: '2', name: 'Dana', username: 'dana' }] },
  };
}

describe('mapXPage: engagement', () => {
  it('counts reposts and quotes as shares, with the time the page was read', () => {
    const metrics = { retweet_count: 40, quote_count: 5, reply_count: 7, like_count: 90 };

    const [mention] = mapXPage(page(metrics), 'x-mentions', brand, READ_AT).mentions;

    expect(mention?.engagement).toEqual({
      shares: 45,
      replies: 7,
      likes: 90,
      observedAt: '2026-11-22T10:30:00.000Z',
    });
  });

  it('leaves engagement out when X did not send public_metrics, or sent it malformed', () => {
    const missing = mapXPage(page(undefined), 'x-mentions', brand, READ_AT).mentions[0];
    const malformed = mapXPage(page({ retweet_count: -1 }), 'x-mentions', brand, READ_AT)
      .mentions[0];

    expect(missing?.engagement).toBeNull();
    expect(malformed?.engagement).toBeNull();
    expect(malformed?.text).toBe('@acme my package is 5 days late');
  });
});

describe('classifierInputOf', () => {
  it('turns counts into counts with the age of the post when they were read', () => {
    const metrics = { retweet_count: 40, quote_count: 5, reply_count: 7, like_count: 90 };
    const [mention] = mapXPage(page(metrics), 'x-mentions', brand, READ_AT).mentions;
    if (mention === undefined) {
      throw new Error('expected a mention');
    }

    expect(classifierInputOf(mention)).toEqual({
      text: '@acme my package is 5 days late',
      lang: 'en',
      source: 'x-mentions',
      author: { followersCount: null, verified: false },
      engagement: { shares: 45, replies: 7, ageMinutes: 30 },
    });
  });

  it('passes earlier texts of the conversation as the thread, and none when there are none', () => {
    const [mention] = mapXPage(page(undefined), 'x-mentions', brand, READ_AT).mentions;
    if (mention === undefined) {
      throw new Error('expected a mention');
    }

    expect(classifierInputOf(mention, ['@acme my order never arrived']).thread).toEqual([
      '@acme my order never arrived',
    ]);
    expect(classifierInputOf(mention, [])).not.toHaveProperty('thread');
  });

  it('gives no engagement to a mention without counts, and never a negative age', () => {
    const [mention] = mapXPage(page(undefined), 'x-mentions', brand, READ_AT).mentions;
    if (mention === undefined) {
      throw new Error('expected a mention');
    }
    const early = {
      ...mention,
      engagement: { shares: 3, replies: 0, likes: 0, observedAt: '2026-11-22T09:00:00.000Z' },
    };

    expect(classifierInputOf(mention).engagement).toBeUndefined();
    expect(classifierInputOf(early).engagement).toEqual({ shares: 3, replies: 0, ageMinutes: 0 });
  });
});
