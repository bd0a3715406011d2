import { describe, expect, it } from 'vitest';

import {
  matchesSearchQuery,
  queryNamesAuthor,
  type SearchablePost,
} from '../../src/sandbox/x/search-match.js';
import { parseSearchQuery, SearchQueryError } from '../../src/sandbox/x/search-query.js';

function post(overrides: Partial<SearchablePost> = {}): SearchablePost {
  return {
    text: '',
    authorId: '100',
    authorUsername: 'sam',
    authorVerified: false,
    inReplyToUserId: null,
    inReplyToUsername: null,
    lang: 'en',
    isReply: false,
    isQuote: false,
    isRetweet: false,
    ...overrides,
  };
}

function matches(query: string, candidate: SearchablePost): boolean {
  return matchesSearchQuery(parseSearchQuery(query), candidate);
}

describe('parseSearchQuery', () => {
  it('binds AND tighter than OR', () => {
    const tree = parseSearchQuery('a b OR c');

    expect(tree).toEqual({
      kind: 'or',
      children: [
        {
          kind: 'and',
          children: [
            { kind: 'keyword', value: 'a' },
            { kind: 'keyword', value: 'b' },
          ],
        },
        { kind: 'keyword', value: 'c' },
      ],
    });
  });

  it('parses groups, phrases, negation and operators', () => {
    const tree = parseSearchQuery('(from:Sam OR @Acme) "Not Working" -is:retweet lang:EN #Outage');

    expect(tree).toEqual({
      kind: 'and',
      children: [
        {
          kind: 'or',
          children: [
            { kind: 'from', value: 'sam' },
            { kind: 'mention', value: 'acme' },
          ],
        },
        { kind: 'phrase', value: 'not working' },
        { kind: 'not', child: { kind: 'is', value: 'retweet' } },
        { kind: 'lang', value: 'en' },
        { kind: 'hashtag', value: 'outage' },
      ],
    });
  });

  it('treats lower-case "or" as a keyword', () => {
    const tree = parseSearchQuery('this or that');

    expect(tree).toEqual({
      kind: 'and',
      children: [
        { kind: 'keyword', value: 'this' },
        { kind: 'keyword', value: 'or' },
        { kind: 'keyword', value: 'that' },
      ],
    });
  });

  it.each`
    query                       | message
    ${''}                       | ${'The query is empty'}
    ${'(broken'}                | ${"Missing ')' for '(' at position 1"}
    ${'broken)'}                | ${"Unexpected ')' at position 7"}
    ${'OR broken'}              | ${"Expected a search term before 'OR' at position 1"}
    ${'broken OR'}              | ${'Expected a search term at the end'}
    ${'"unterminated'}          | ${'Unterminated quoted phrase starting at position 1'}
    ${'-(a OR b) c'}            | ${'Negating a group is not supported (at position 1); negate each operator instead'}
    ${'is:retweet'}             | ${'The query needs at least one positive standalone operator (a keyword, "phrase", #hashtag, @handle, from: or to:); is:, has:, lang: and negations cannot stand alone'}
    ${'-refund'}                | ${'The query needs at least one positive standalone operator (a keyword, "phrase", #hashtag, @handle, from: or to:); is:, has:, lang: and negations cannot stand alone'}
    ${'url:example.com refund'} | ${"Reference to invalid operator 'url' at position 1. Operator is not available in the sandbox"}
    ${'refund is:nullcast'}     | ${"Reference to invalid operator 'is:nullcast' at position 8; the sandbox supports is:retweet, is:reply, is:quote, is:verified"}
    ${`${'a'.repeat(513)}`}     | ${'The query is 513 characters long; the limit is 512'}
  `('rejects $query', ({ query, message }: { query: string; message: string }) => {
    const attempt = () => parseSearchQuery(query);

    expect(attempt).toThrow(SearchQueryError);
    expect(attempt).toThrow(message);
  });
});

describe('matchesSearchQuery', () => {
  it.each`
    query                            | text                              | expected
    ${'refund'}                      | ${'I want a REFUND now'}          | ${true}
    ${'refund'}                      | ${'refunds are slow'}             | ${false}
    ${'refund'}                      | ${'refund!!!'}                    | ${true}
    ${'app crash'}                   | ${'the crash in the app'}         | ${true}
    ${'"app crash"'}                 | ${'the crash in the app'}         | ${false}
    ${'"app crash"'}                 | ${'another App-Crash today'}      | ${true}
    ${'refund OR chargeback'}        | ${'chargeback filed'}             | ${true}
    ${'refund -please'}              | ${'refund please'}                | ${false}
    ${'refund -please'}              | ${'refund now'}                   | ${true}
    ${'@acme'}                       | ${'hey @ACME help'}               | ${true}
    ${'@acme'}                       | ${'hey @acmecorp help'}           | ${false}
    ${'#outage'}                     | ${'big #Outage today'}            | ${true}
    ${'#outage'}                     | ${'big outage today'}             | ${false}
    ${"can't"}                       | ${"I can't log in"}               | ${true}
    ${'订单'}                        | ${'我的订单没到'}                 | ${true}
    ${'(refund OR money) -is:reply'} | ${'where is my money'}            | ${true}
    ${'refund has:links'}            | ${'refund https://example.com/x'} | ${true}
    ${'refund has:mentions'}         | ${'refund'}                       | ${false}
  `(
    '$query on "$text" → $expected',
    ({ query, text, expected }: { query: string; text: string; expected: boolean }) => {
      const result = matches(query, post({ text }));

      expect(result).toBe(expected);
    },
  );

  it('matches from: by username (any case) or by id', () => {
    const candidate = post({ text: 'hello', authorUsername: 'Sam', authorId: '100' });

    const results = [
      matches('from:sam hello', candidate),
      matches('from:100', candidate),
      matches('from:kim', candidate),
    ];

    expect(results).toEqual([true, true, false]);
  });

  it('matches to: against the replied-to user', () => {
    const reply = post({
      text: 'fixed yet?',
      isReply: true,
      inReplyToUserId: '7',
      inReplyToUsername: 'acme',
    });

    const results = [
      matches('to:acme', reply),
      matches('to:kim', reply),
      matches('fixed is:reply', reply),
    ];

    expect(results).toEqual([true, false, true]);
  });

  it('matches lang:, is:retweet, is:quote and is:verified', () => {
    const candidate = post({
      text: 'hola',
      lang: 'es',
      isRetweet: true,
      isQuote: true,
      authorVerified: true,
    });

    const results = [
      matches('hola lang:es', candidate),
      matches('hola lang:en', candidate),
      matches('hola -is:retweet', candidate),
      matches('hola is:quote is:verified', candidate),
    ];

    expect(results).toEqual([true, false, false, true]);
  });
});

describe('queryNamesAuthor', () => {
  it.each`
    query                    | expected
    ${'from:acme'}           | ${true}
    ${'from:ACME refund'}    | ${true}
    ${'refund OR from:acme'} | ${true}
    ${'refund -from:acme'}   | ${false}
    ${'refund from:kim'}     | ${false}
    ${'from:42'}             | ${true}
  `('$query → $expected', ({ query, expected }: { query: string; expected: boolean }) => {
    const tree = parseSearchQuery(query);

    const named = queryNamesAuthor(tree, 'acme', '42');

    expect(named).toBe(expected);
  });
});
