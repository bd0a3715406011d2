import { describe, expect, it } from 'vitest';

import { revisionOf } from '../../src/sources/app-store/map.js';
import { decodeEntities, entriesOf, mapRssEntry } from '../../src/sources/app-store-rss/map.js';

const CONTEXT = { appId: '682658836', storefront: 'de' };

function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    author: {
      uri: { label: 'https://itunes.apple.com/de/reviews/id324568166' },
      name: { label: 'Jonas' },
      label: '',
    },
    updated: { label: '2021-07-26T18:26:24-07:00' },
    'im:rating': { label: '1' },
    'im:version': { label: '4.2.0' },
    id: { label: '7543541866' },
    title: { label: 'Absturz' },
    content: { label: 'Stürzt beim Start ab.', attributes: { type: 'text' } },
    link: {
      attributes: { rel: 'related', href: 'https://itunes.apple.com/de/review?id=682658836' },
    },
    'im:voteSum': { label: '3' },
    'im:contentType': { attributes: { term: 'Application', label: 'Application' } },
    'im:voteCount': { label: '4' },
    ...overrides,
  };
}

describe('entriesOf', () => {
  it.each`
    name                 | feed                                       | entries
    ${'an array'}        | ${{ feed: { entry: [entry(), entry()] } }} | ${2}
    ${'a single object'} | ${{ feed: { entry: entry() } }}            | ${1}
    ${'no entry'}        | ${{ feed: { updated: { label: 'x' } } }}   | ${0}
    ${'a null entry'}    | ${{ feed: { entry: null } }}               | ${0}
  `('reads $name', ({ feed, entries }) => {
    expect(entriesOf(feed).entries).toHaveLength(entries as number);
    expect(entriesOf(feed).problem).toBeUndefined();
  });

  it('says when the body is not a feed', () => {
    expect(entriesOf('<html>').problem).toBe(
      'the body is not a customer-reviews feed (no feed object)',
    );
    expect(entriesOf({ feed: { entry: 'x' } }).problem).toBe('feed.entry is a string');
  });
});

describe('mapRssEntry', () => {
  it('unwraps every {label} and maps the entry to a Mention', () => {
    const mapped = mapRssEntry(entry(), CONTEXT);

    expect(mapped).toEqual({
      kind: 'mention',
      dateMs: Date.parse('2021-07-27T01:26:24Z'),
      mention: {
        source: 'app-store',
        id: '7543541866',
        text: 'Absturz\nStürzt beim Start ab.',
        lang: null,
        author: {
          id: expect.stringMatching(/^appstore:[0-9a-f]{16}$/),
          username: 'Jonas',
          name: 'Jonas',
          followersCount: null,
          verified: false,
        },
        createdAt: '2021-07-27T01:26:24.000Z',
        conversationId: '7543541866',
        inReplyToId: null,
        mentionsBrand: true,
        url: 'https://apps.apple.com/de/app/id682658836?see-all=reviews',
        rating: 1,
        title: 'Absturz',
        revision: revisionOf(1, 'Absturz', 'Stürzt beim Start ab.'),
        details: {
          via: 'rss',
          storefront: 'de',
          territory: 'DEU',
          reviewerNickname: 'Jonas',
          appVersion: '4.2.0',
          reviewerUri: 'https://itunes.apple.com/de/reviews/id324568166',
          voteSum: '3',
          voteCount: '4',
        },
      },
    });
  });

  it('ignores the app metadata entry older feeds put first (no im:rating)', () => {
    const metadata = { 'im:name': { label: 'Acme' }, id: { label: 'https://apps.apple.com/x' } };

    expect(mapRssEntry(metadata, CONTEXT)).toEqual({ kind: 'not-a-review' });
  });

  it.each`
    name              | candidate                                                   | reason
    ${'no im:rating'} | ${entry({ 'im:rating': undefined })}                        | ${'malformed feed entry: im:rating Invalid input'}
    ${'rating "0"'}   | ${entry({ 'im:rating': { label: '0' } })}                   | ${'malformed feed entry: im:rating must be 1 to 5'}
    ${'no content'}   | ${entry({ content: { attributes: {} } })}                   | ${'malformed feed entry: content Invalid input'}
    ${'no updated'}   | ${entry({ updated: undefined })}                            | ${'malformed feed entry: updated Invalid input'}
    ${'a bad id'}     | ${entry({ id: { label: 'abc' } })}                          | ${'malformed feed entry: id must be a numeric review id'}
    ${'a string'}     | ${'entry'}                                                  | ${'malformed feed entry: not an object'}
    ${'empty text'}   | ${entry({ title: { label: '' }, content: { label: ' ' } })} | ${'review has no text'}
  `('skips an entry with $name, saying why', ({ candidate, reason }) => {
    const mapped = mapRssEntry(candidate, CONTEXT);

    expect(mapped.kind).toBe('skipped');
    expect(mapped.kind === 'skipped' && mapped.skipped.reason).toBe(reason);
  });

  it('keeps the id and date of a skipped entry when they are readable', () => {
    const mapped = mapRssEntry(entry({ 'im:rating': { label: 'five' } }), CONTEXT);

    expect(mapped).toMatchObject({
      kind: 'skipped',
      id: '7543541866',
      dateMs: Date.parse('2021-07-27T01:26:24Z'),
    });
  });

  it('accepts bare strings and numbers where labels are expected', () => {
    const mapped = mapRssEntry(
      entry({ id: 7543541866, 'im:rating': 4, title: 'Gut', updated: '2021-07-26T18:26:24Z' }),
      CONTEXT,
    );

    expect(mapped.kind === 'mention' && mapped.mention).toMatchObject({
      id: '7543541866',
      rating: 4,
      title: 'Gut',
    });
  });

  it.each`
    name          | content                                                      | text
    ${'entities'} | ${'Tom &amp; Jerry &lt;3 it&#39;s &quot;ok&quot; &#x1F600;'} | ${'Tom & Jerry <3 it\'s "ok" 😀'}
    ${'emoji'}    | ${'💥💥 crash 👎🏾'}                                           | ${'💥💥 crash 👎🏾'}
    ${'RTL'}      | ${'التطبيق لا يعمل بعد التحديث'}                             | ${'التطبيق لا يعمل بعد التحديث'}
    ${'CJK'}      | ${'アプリが起動しません'}                                    | ${'アプリが起動しません'}
    ${'controls'} | ${'bad\u0000bytes\u0008here'}                                | ${'badbyteshere'}
  `('handles $name in the text', ({ content, text }) => {
    const mapped = mapRssEntry(
      entry({ title: { label: '' }, content: { label: content } }),
      CONTEXT,
    );

    expect(mapped.kind === 'mention' && mapped.mention.text).toBe(text);
  });
});

describe('decodeEntities', () => {
  it.each`
    input           | output
    ${'&amp;amp;'}  | ${'&amp;'}
    ${'&#0;'}       | ${'&#0;'}
    ${'&#xD800;'}   | ${'&#xD800;'}
    ${'&#x110000;'} | ${'&#x110000;'}
    ${'&unknown;'}  | ${'&unknown;'}
    ${'a & b'}      | ${'a & b'}
    ${'&NBSP;'}     | ${'\u00A0'}
  `('decodes $input once and leaves invalid ones', ({ input, output }) => {
    expect(decodeEntities(input as string)).toBe(output);
  });
});
