import { describe, expect, it } from 'vitest';

import { parseCursor, pruneCursor, type PlayCursor } from '../../src/sources/google-play/cursor.js';
import {
  authorIdFor,
  mapPlayReview,
  revisionOf,
  revisionToMs,
  reviewText,
} from '../../src/sources/google-play/map.js';

const REVIEW_ID = 'gp:AOqpTOGnzh0bIjbXUnwLmAbcd';

/** The reviews.get example of Google's reply-to-reviews guide, with a developer reply. */
function docsReview(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    reviewId: REVIEW_ID,
    authorName: 'Jane Bloggs',
    comments: [
      {
        userComment: {
          text: 'Crashes on start\tSince the update it closes right away',
          lastModified: { seconds: '1443676826', nanos: 713000000 },
          starRating: 2,
          reviewerLanguage: 'pt_BR',
          device: 'hwcrr',
          androidOsVersion: 23,
          appVersionCode: 314,
          appVersionName: '3.1.4',
          thumbsUpCount: 5,
          deviceMetadata: { productName: 'Nexus 6P', manufacturer: 'Huawei' },
          ...overrides,
        },
      },
      {
        developerComment: {
          text: 'Sorry about that! A fix is rolling out.',
          lastModified: { seconds: '1443680000', nanos: 0 },
        },
      },
    ],
  };
}

describe('mapPlayReview', () => {
  it('maps every field of a review to a Mention', () => {
    const mapped = mapPlayReview(docsReview());

    expect(mapped).toEqual({
      ok: true,
      revision: '1443676826.713000000',
      mention: {
        source: 'google-play',
        id: REVIEW_ID,
        text: 'Crashes on start\nSince the update it closes right away',
        lang: 'pt-BR',
        author: {
          id: authorIdFor(REVIEW_ID),
          username: 'Jane Bloggs',
          name: 'Jane Bloggs',
          followersCount: null,
          verified: false,
        },
        createdAt: '2015-10-01T05:20:26.713Z',
        conversationId: REVIEW_ID,
        inReplyToId: null,
        mentionsBrand: true,
        url: null,
        rating: 2,
        title: null,
        revision: '1443676826.713000000',
        details: {
          reviewerLanguage: 'pt_BR',
          appVersionName: '3.1.4',
          appVersionCode: '314',
          device: 'hwcrr',
          androidOsVersion: '23',
          deviceModel: 'Huawei Nexus 6P',
          developerReply: 'Sorry about that! A fix is rolling out.',
          developerReplyAt: '2015-10-01T06:13:20.000Z',
        },
      },
    });
  });

  it('dates an edited review by the revision it was first seen under', () => {
    const mapped = mapPlayReview(docsReview(), '1443600000.000000000');

    expect(mapped.ok && mapped.mention.createdAt).toBe('2015-09-30T08:00:00.000Z');
    expect(mapped.ok && mapped.mention.revision).toBe('1443676826.713000000');
  });

  it('uses the newest user comment when a review carries several', () => {
    const review = docsReview();
    (review.comments as unknown[]).push({
      userComment: {
        text: 'Fixed now, thanks',
        lastModified: { seconds: '1443690000' },
        starRating: 5,
      },
    });

    const mapped = mapPlayReview(review);

    expect(mapped.ok && [mapped.mention.text, mapped.mention.rating, mapped.revision]).toEqual([
      'Fixed now, thanks',
      5,
      '1443690000.000000000',
    ]);
  });

  it.each`
    case                         | raw                                                                          | id           | reason
    ${'no reviewId'}             | ${{ ...docsReview(), reviewId: undefined }}                                  | ${null}      | ${'malformed review: reviewId Invalid input: expected string, received undefined'}
    ${'no comments'}             | ${{ reviewId: REVIEW_ID, authorName: 'Jo' }}                                 | ${REVIEW_ID} | ${'malformed review: comments Invalid input: expected array, received undefined'}
    ${'no userComment'}          | ${{ reviewId: REVIEW_ID, comments: [{ developerComment: { text: 'hi' } }] }} | ${REVIEW_ID} | ${'malformed review: comments has no userComment'}
    ${'non-numeric starRating'}  | ${docsReview({ starRating: 'five' })}                                        | ${REVIEW_ID} | ${'malformed review: comments.0.userComment.starRating Invalid input: expected number, received string'}
    ${'starRating out of range'} | ${docsReview({ starRating: 6 })}                                             | ${REVIEW_ID} | ${'malformed review: comments.0.userComment.starRating Too big: expected number to be <=5'}
    ${'no lastModified'}         | ${docsReview({ lastModified: undefined })}                                   | ${REVIEW_ID} | ${'malformed review: comments.0.userComment.lastModified Invalid input: expected object, received undefined'}
    ${'seconds not a number'}    | ${docsReview({ lastModified: { seconds: 'yesterday' } })}                    | ${REVIEW_ID} | ${'malformed review: comments.0.userComment.lastModified.seconds must be whole seconds since the epoch'}
    ${'text missing'}            | ${docsReview({ text: undefined })}                                           | ${REVIEW_ID} | ${'malformed review: comments.0.userComment.text Invalid input: expected string, received undefined'}
    ${'lone surrogate in text'}  | ${docsReview({ text: 'broken \uD83D text' })}                                | ${REVIEW_ID} | ${'malformed review: userComment.text is not valid UTF-16 (lone surrogate)'}
    ${'only whitespace'}         | ${docsReview({ text: ' \t ' })}                                              | ${REVIEW_ID} | ${'malformed review: userComment.text is empty'}
    ${'not an object'}           | ${'gp:123'}                                                                  | ${null}      | ${'malformed review: Invalid input: expected object, received string'}
  `('skips a review with $case, saying why', ({ raw, id, reason }) => {
    const mapped = mapPlayReview(raw);

    expect(mapped).toEqual({ ok: false, skipped: { id, reason } });
  });

  it('keeps odd but valid encodings: emoji, combining marks (NFC), replacement characters', () => {
    const mapped = mapPlayReview(docsReview({ text: 'Cafe\u0301 app 😡 \uFFFD crashed' }));

    expect(mapped.ok && mapped.mention.text).toBe('Café app 😡 \uFFFD crashed');
  });

  it('names anonymous reviewers as Play does and repairs a broken author name', () => {
    const anonymous = mapPlayReview({ ...docsReview(), authorName: undefined });
    const broken = mapPlayReview({ ...docsReview(), authorName: 'Jo\uDC00' });

    expect(anonymous.ok && anonymous.mention.author.name).toBe('A Google user');
    expect(broken.ok && broken.mention.author.name).toBe('Jo\uFFFD');
  });

  it('accepts numeric seconds and absent nanos (proto3 JSON leaves zero out)', () => {
    const mapped = mapPlayReview(docsReview({ lastModified: { seconds: 1443676826 } }));

    expect(mapped.ok && mapped.revision).toBe('1443676826.000000000');
  });
});

describe('reviewText', () => {
  it.each`
    text                       | expected
    ${'Title\tBody'}           | ${'Title\nBody'}
    ${'\tBody without title'}  | ${'Body without title'}
    ${'Only a title\t'}        | ${'Only a title'}
    ${'No tab at all '}        | ${'No tab at all'}
    ${'Title\tBody\twith tab'} | ${'Title\nBody\twith tab'}
  `('turns $text into one classifier text', ({ text, expected }) => {
    expect(reviewText(text)).toBe(expected);
  });
});

describe('revisions', () => {
  it.each`
    timestamp                                      | revision                  | ms
    ${{ seconds: '1443676826', nanos: 713000000 }} | ${'1443676826.713000000'} | ${1443676826713}
    ${{ seconds: '1443676826', nanos: 5 }}         | ${'1443676826.000000005'} | ${1443676826000}
    ${{ seconds: '0' }}                            | ${'0.000000000'}          | ${0}
  `('$revision', ({ timestamp, revision, ms }) => {
    expect(revisionOf(timestamp)).toBe(revision);
    expect(revisionToMs(revision as string)).toBe(ms);
  });

  it('gives each review its own stable author id', () => {
    expect(authorIdFor('gp:a')).toBe(authorIdFor('gp:a'));
    expect(authorIdFor('gp:a')).not.toBe(authorIdFor('gp:b'));
    expect(authorIdFor('gp:a')).toMatch(/^play:[0-9a-f]{24}$/);
  });
});

describe('the Play cursor', () => {
  const now = Date.UTC(2026, 10, 20);
  const day = 86_400_000;

  it('forgets reviews whose last revision is older than 8 days and old skip records', () => {
    const cursor: PlayCursor = {
      v: 1,
      seen: {
        fresh: ['1.000000000', revisionOf({ seconds: String((now - 7 * day) / 1000) })],
        stale: ['1.000000000', revisionOf({ seconds: String((now - 8 * day - 1000) / 1000) })],
      },
      skipped: { recent: (now - day) / 1000, old: (now - 9 * day) / 1000 },
    };

    const pruned = pruneCursor(cursor, now);

    expect(Object.keys(pruned.seen)).toEqual(['fresh']);
    expect(Object.keys(pruned.skipped)).toEqual(['recent']);
  });

  it.each`
    cursor
    ${'not json'}
    ${'{"v":2,"seen":{}}'}
    ${'{"v":1,"seen":{"a":"1.0"}}'}
  `('treats an unreadable cursor $cursor as none', ({ cursor }) => {
    expect(parseCursor(cursor)).toBeUndefined();
  });
});
