import { fileURLToPath } from 'node:url';
import twitter from 'twitter-text';
import { describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/config/templates.js';
import type { DraftInput, Template, TemplateKind, TemplateSet } from '../../src/core/draft.js';
import { draftReply, firstNameOf, measure } from '../../src/core/draft.js';
import type { Platform } from '../../src/core/types.js';
import { ConfigError } from '../../src/errors.js';

const TEMPLATES_DIR = fileURLToPath(new URL('../../templates', import.meta.url));
const templates = loadTemplates(TEMPLATES_DIR);

const BRAND = { name: 'Acme', handle: 'acme', privacyUrl: 'https://acme.example/privacy' };
const CATEGORIES = [
  'outage',
  'account',
  'billing',
  'delivery',
  'service',
  'safety',
  'legal',
  'privacy',
  'abuse',
  'a-brand-new-category',
  null,
];
const PUBLIC: { platform: Platform; kind: TemplateKind }[] = [
  { platform: 'x', kind: 'first-reply' },
  { platform: 'x', kind: 'dm-handoff' },
  { platform: 'x', kind: 'safe-ack' },
  { platform: 'app-store', kind: 'first-reply' },
  { platform: 'app-store', kind: 'safe-ack' },
  { platform: 'google-play', kind: 'first-reply' },
  { platform: 'google-play', kind: 'safe-ack' },
];
const ALL = [...PUBLIC, { platform: 'x' as const, kind: 'dm' as const }];

function input(overrides: Partial<DraftInput> = {}): DraftInput {
  return {
    kind: 'first-reply',
    platform: 'x',
    mention: {
      id: '1860000000000000001',
      text: '@acme I was charged twice',
      lang: 'en',
      author: { id: '42', username: 'sam', name: 'Sam Jones', followersCount: 10, verified: false },
    },
    classification: { category: 'billing', severity: 'P2' },
    brand: BRAND,
    ...overrides,
  };
}

function withAuthorName(name: string, overrides: Partial<DraftInput> = {}): DraftInput {
  const base = input(overrides);
  return { ...base, mention: { ...base.mention, author: { ...base.mention.author, name } } };
}

function withId(id: string, overrides: Partial<DraftInput> = {}): DraftInput {
  const base = input(overrides);
  return { ...base, mention: { ...base.mention, id } };
}

/** Everything X would turn into a link or a notification. */
function linked(text: string): string[] {
  return [
    ...twitter.extractUrls(text),
    ...twitter.extractMentions(text),
    ...twitter.extractHashtags(text),
    ...twitter.extractCashtags(text),
  ];
}

function cases<T>(rows: readonly T[], categories: readonly (string | null)[]) {
  return rows.flatMap((row) => categories.map((category) => ({ ...row, category })));
}

describe('draftReply: length', () => {
  it.each(cases(ALL, CATEGORIES))(
    '$platform $kind renders category $category within the limit',
    ({ platform, kind, category }) => {
      const longName = 'Bartholomew-Alexandrina Smith-Jones';
      const drafts = [input(), withAuthorName(longName), withAuthorName('🎉')].map((base) =>
        draftReply(templates, {
          ...base,
          platform,
          kind,
          classification: { category, severity: 'P2' },
        }),
      );

      const checked = drafts.map((draft) => ({
        withinLimit: draft.weightedLength <= draft.limit,
        measured: measure(draft.text, platform) === draft.weightedLength,
        placeholdersLeft: /[{}]/.test(draft.text),
      }));

      expect(checked).toEqual(
        drafts.map(() => ({ withinLimit: true, measured: true, placeholdersLeft: false })),
      );
    },
  );

  it.each`
    platform         | limit
    ${'x'}           | ${280}
    ${'app-store'}   | ${1000}
    ${'google-play'} | ${350}
  `('uses the $platform limit of $limit', ({ platform, limit }) => {
    const request = input({ platform: platform as Platform });

    const draft = draftReply(templates, request);

    expect(draft.limit).toBe(limit);
  });

  it.each`
    platform         | brandLength
    ${'x'}           | ${120}
    ${'google-play'} | ${300}
  `(
    'stays within the $platform limit with a $brandLength-character brand name',
    ({ platform, brandLength }) => {
      const brand = { ...BRAND, name: 'B'.repeat(brandLength as number) };
      const request = input({ platform: platform as Platform, brand });

      const draft = draftReply(templates, request);

      expect(draft.weightedLength <= draft.limit).toBe(true);
    },
  );

  it('throws a ConfigError when no variant can fit', () => {
    const tiny = singleTemplate({ limit: 10 });

    const act = () => draftReply(tiny, input());

    expect(act).toThrow(ConfigError);
  });
});

describe('draftReply: the author name', () => {
  it.each`
    displayName                             | expected
    ${'Sam Jones'}                          | ${'Sam'}
    ${'@evil https://x.co #spam 🎉 Sam'}    | ${'Sam'}
    ${'＠evil ＃spam Sam'}                  | ${'Sam'}
    ${'$TSLA to the moon'}                  | ${null}
    ${'evil.com Sam'}                       | ${'Sam'}
    ${'www.spam.example'}                   | ${null}
    ${'Ｓａｍ'}                             | ${'Sam'}
    ${'Dr. Jane Doe'}                       | ${'Jane'}
    ${'Jean-Luc Picard'}                    | ${'Jean-Luc'}
    ${'Zoë 🌸'}                             | ${'Zoë'}
    ${"Siobhán O'Neill"}                    | ${'Siobhán'}
    ${'山田 太郎'}                          | ${'山田'}
    ${'Sam\u202Eevil'}                      | ${'Sam'}
    ${'🎉🎉🎉'}                             | ${null}
    ${'123 456'}                            | ${null}
    ${'J'}                                  | ${null}
    ${'Angry Customer'}                     | ${null}
    ${'Acme Support'}                       | ${null}
    ${'Supercalifragilisticexpialidocious'} | ${null}
    ${''}                                   | ${null}
  `('"$displayName" → $expected', ({ displayName, expected }) => {
    const name = displayName as string;

    const first = firstNameOf(name, BRAND);

    expect(first).toBe(expected);
  });

  it.each`
    displayName
    ${'@evil https://x.co #spam 🎉 Sam'}
    ${'@a @b @c'}
    ${'#ad #promo'}
    ${'https://phish.example/login'}
    ${'Sam @acme_support'}
    ${'Sam＠evil'}
    ${'$SCAM Sam'}
    ${'Sam (visit evil.com)'}
  `('a reply to "$displayName" carries no link, @mention or hashtag', ({ displayName }) => {
    const requests = PUBLIC.map(({ platform, kind }) =>
      withAuthorName(displayName as string, { platform, kind }),
    );

    const entities = requests.flatMap((request) => linked(draftReply(templates, request).text));

    expect(entities).toEqual([]);
  });

  it.each`
    platform         | kind
    ${'x'}           | ${'first-reply'}
    ${'x'}           | ${'dm-handoff'}
    ${'x'}           | ${'dm'}
    ${'x'}           | ${'safe-ack'}
    ${'app-store'}   | ${'first-reply'}
    ${'google-play'} | ${'first-reply'}
  `('greets the author by first name on $platform $kind', ({ platform, kind }) => {
    const request = withAuthorName('Priya Raman', { platform, kind });

    const draft = draftReply(templates, request);

    expect({
      hasFirst: draft.text.includes('Priya'),
      hasLast: draft.text.includes('Raman'),
    }).toEqual({
      hasFirst: true,
      hasLast: false,
    });
  });

  it.each(PUBLIC)(
    'uses a name-less opener on $platform $kind when the name is unusable',
    ({ platform, kind }) => {
      const requests = ['1', '2', '3', '4', '5', '6'].map((id) =>
        withAuthorName('🎉 @party', { platform, kind, mention: { ...input().mention, id } }),
      );

      const texts = requests.map((request) => draftReply(templates, request).text);

      expect(texts.filter((text) => /^(Hi|Hello)\b(?! there)|(^|\s)[,.]|party/.test(text))).toEqual(
        [],
      );
    },
  );
});

describe('draftReply: the problem and the category', () => {
  it.each`
    category      | phrase
    ${'billing'}  | ${/billing problem|unexpected charge|trouble with your payment/}
    ${'account'}  | ${/account|login trouble/}
    ${'delivery'} | ${/delivery|your order/}
    ${'outage'}   | ${/outage|disruption|Acme being down/}
  `('names the $category problem', ({ category, phrase }) => {
    const request = input({ classification: { category: category as string, severity: 'P2' } });

    const draft = draftReply(templates, request);

    expect(draft.text).toMatch(phrase as RegExp);
  });

  it.each`
    category
    ${'a-brand-new-category'}
    ${null}
  `('falls back to the default parts for category $category', ({ category }) => {
    const request = input({
      classification: { category: category as string | null, severity: 'P3' },
    });

    const draft = draftReply(templates, request);

    expect(draft.templateId).toMatch(
      /^x\/first-reply\.en#.*problems\.default\[\d\]\+bodies\.default\[\d\]/,
    );
  });
});

describe('draftReply: language', () => {
  it.each`
    lang       | expected
    ${'en'}    | ${'x/first-reply.en#'}
    ${'fr'}    | ${'x/first-reply.en#'}
    ${'und'}   | ${'x/first-reply.en#'}
    ${null}    | ${'x/first-reply.en#'}
    ${'es'}    | ${'x/first-reply.es#'}
    ${'es-MX'} | ${'x/first-reply.es#'}
  `('lang $lang uses $expected', ({ lang, expected }) => {
    const set = withSpanish(templates);
    const base = input();
    const request = { ...base, mention: { ...base.mention, lang: lang as string | null } };

    const draft = draftReply(set, request);

    expect(draft.templateId.startsWith(expected as string)).toBe(true);
  });
});

describe('draftReply: privacy', () => {
  it.each(CATEGORIES.map((category) => ({ category })))(
    'the DM for category $category links the privacy policy and asks for an order number or e-mail',
    ({ category }) => {
      const request = input({ kind: 'dm', classification: { category, severity: 'P2' } });

      const draft = draftReply(templates, request);

      expect({
        linksPolicy: draft.text.includes(BRAND.privacyUrl),
        asksForDetails: /order number|e-mail address/.test(draft.text),
      }).toEqual({ linksPolicy: true, asksForDetails: true });
    },
  );

  it('asks for the order number in a delivery DM', () => {
    const request = input({ kind: 'dm', classification: { category: 'delivery', severity: 'P2' } });

    const draft = draftReply(templates, request);

    expect(draft.text).toMatch(/order number/);
  });

  it.each(cases(PUBLIC, CATEGORIES))(
    '$platform $kind for $category never asks for personal data or links anything',
    ({ platform, kind, category }) => {
      const texts = Array.from(
        { length: 20 },
        (_, i) =>
          draftReply(
            templates,
            withId(`18600000000000${i}`, {
              platform,
              kind,
              classification: { category, severity: 'P1' },
            }),
          ).text,
      );

      const offending = texts.filter(
        (text) =>
          /order number|e-?mail|password|https?:|privacy\.|@/i.test(text) ||
          linked(text).length > 0,
      );

      expect(offending).toEqual([]);
    },
  );

  it('refuses to draft a DM without a privacy policy link', () => {
    const request = input({ kind: 'dm', brand: { name: 'Acme' } });

    const act = () => draftReply(templates, request);

    expect(act).toThrow(/privacy/);
  });

  it('skips a public variant that would render a URL, and throws when every variant does', () => {
    const mixed = singleTemplate({ bodies: ['See acme.com for help.', 'Please send us a DM.'] });
    const onlyUrls = singleTemplate({ bodies: ['See acme.com for help.'] });

    const drafts = Array.from({ length: 10 }, (_, i) => draftReply(mixed, withId(`${i}`)).text);
    const act = () => draftReply(onlyUrls, input());

    expect(drafts.filter((text) => text.includes('acme.com'))).toEqual([]);
    expect(act).toThrow(ConfigError);
  });
});

describe('draftReply: variety and determinism', () => {
  it('gives the same draft for the same input', () => {
    const request = input();

    const first = draftReply(templates, request);
    const second = draftReply(templates, input());

    expect(second).toEqual(first);
  });

  it('picks variants from the seed rather than the clock or Math.random', () => {
    const seeds = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

    const texts = seeds.map((seed) => draftReply(templates, input({ seed })).text);
    const again = seeds.map((seed) => draftReply(templates, input({ seed })).text);

    expect(again).toEqual(texts);
    expect(new Set(texts).size > 1).toBe(true);
  });

  // Measured with the shipped templates: 166, 170, 48, 36, 72 and 48 distinct texts.
  it.each`
    platform         | kind             | category      | floor
    ${'x'}           | ${'first-reply'} | ${'billing'}  | ${150}
    ${'x'}           | ${'first-reply'} | ${'outage'}   | ${150}
    ${'x'}           | ${'dm-handoff'}  | ${'billing'}  | ${42}
    ${'x'}           | ${'safe-ack'}    | ${'billing'}  | ${32}
    ${'app-store'}   | ${'first-reply'} | ${'delivery'} | ${64}
    ${'google-play'} | ${'first-reply'} | ${'account'}  | ${42}
  `(
    '500 mentions from the same author give at least $floor distinct $platform $kind texts',
    ({ platform, kind, category, floor }) => {
      const requests = Array.from({ length: 500 }, (_, i) =>
        withId(String(1_860_000_000_000_000_000n + BigInt(i)), {
          platform,
          kind,
          classification: { category, severity: 'P2' },
        }),
      );

      const distinct = new Set(requests.map((request) => draftReply(templates, request).text)).size;

      expect(distinct).toBeGreaterThanOrEqual(floor as number);
    },
  );

  it('500 mentions from different authors about different problems give at least 380 distinct texts', () => {
    const names = [
      'Sam Jones',
      'Priya',
      '🎉',
      'Lee',
      'Ana Maria',
      'José',
      'Kim',
      '@x',
      'Tom',
      'Zoë',
    ];
    const categories = ['billing', 'outage', 'account', 'delivery', 'service'];
    const requests = Array.from({ length: 500 }, (_, i) =>
      withAuthorName(names[i % names.length] ?? '', {
        mention: { ...input().mention, id: String(1_860_000_000_000_000_000n + BigInt(i)) },
        classification: { category: categories[i % categories.length] ?? null, severity: 'P2' },
      }),
    );

    const distinct = new Set(requests.map((request) => draftReply(templates, request).text)).size;

    // Measured: 420.
    expect(distinct).toBeGreaterThanOrEqual(380);
  });

  it('gives a different text when the first choice was already used', () => {
    const first = draftReply(templates, input());

    const second = draftReply(templates, input({ isUsed: (text) => text === first.text }));

    expect(second.text === first.text).toBe(false);
  });

  it('never returns a used text while unused variants remain', () => {
    const used = new Set<string>();

    for (let i = 0; i < 150; i++) {
      used.add(draftReply(templates, input({ isUsed: (text) => used.has(text) })).text);
    }

    expect(used.size).toBe(150);
  });

  it('appends a short reference derived from the seed when every variant is used', () => {
    const isUsed = (text: string) => !text.includes('(ref ');

    const draft = draftReply(templates, input({ isUsed }));
    const again = draftReply(templates, input({ isUsed }));
    const other = draftReply(templates, input({ isUsed, seed: 'another-seed' }));

    expect({
      endsWithRef: /\(ref [0-9A-HJKMNP-TV-Z]{4}\)$/.test(draft.text),
      withinLimit: draft.weightedLength <= draft.limit,
      templateId: draft.templateId.endsWith('+ref'),
      deterministic: again.text === draft.text,
      seeded: other.text === draft.text,
    }).toEqual({
      endsWithRef: true,
      withinLimit: true,
      templateId: true,
      deterministic: true,
      seeded: false,
    });
  });

  it('tries further references when a reference was used too', () => {
    const first = draftReply(templates, input({ isUsed: (text) => !text.includes('(ref ') }));

    const second = draftReply(
      templates,
      input({ isUsed: (text) => !text.includes('(ref ') || text.endsWith(first.text.slice(-11)) }),
    );

    expect({ hasRef: second.text.includes('(ref '), differs: second.text !== first.text }).toEqual({
      hasRef: true,
      differs: true,
    });
  });
});

/** A one-file TemplateSet built by hand, bypassing the loader's checks on purpose. */
function singleTemplate(options: { limit?: number; bodies?: string[] }): TemplateSet {
  const template: Template = {
    id: 'x/first-reply.en',
    file: 'test/x/first-reply.en.yaml',
    kind: 'first-reply',
    platform: 'x',
    lang: 'en',
    limit: options.limit ?? 280,
    openers: [{ key: 'openers[0]', text: 'Sorry about {problem}.' }],
    problems: new Map([['default', [{ key: 'problems.default[0]', text: 'the trouble' }]]]),
    bodies: new Map([
      [
        'default',
        (options.bodies ?? ['Please send us a DM so we can look into it.']).map((text, index) => ({
          key: `bodies.default[${index}]`,
          text,
        })),
      ],
    ]),
    closers: [],
  };
  return { version: 'test', templates: new Map([[template.id, template]]) };
}

function withSpanish(set: TemplateSet): TemplateSet {
  const spanish: Template = {
    id: 'x/first-reply.es',
    file: 'test/x/first-reply.es.yaml',
    kind: 'first-reply',
    platform: 'x',
    lang: 'es',
    limit: 280,
    openers: [{ key: 'openers[0]', text: 'Sentimos mucho {problem}.' }],
    problems: new Map([['default', [{ key: 'problems.default[0]', text: 'el problema' }]]]),
    bodies: new Map([
      ['default', [{ key: 'bodies.default[0]', text: 'Envíanos un DM, por favor.' }]],
    ]),
    closers: [],
  };
  return { version: set.version, templates: new Map([...set.templates, [spanish.id, spanish]]) };
}
