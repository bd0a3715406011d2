import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkTemplatesDir, loadTemplates, parseTemplates } from '../../src/config/templates.js';
import { ConfigError } from '../../src/errors.js';

const TEMPLATES_DIR = fileURLToPath(new URL('../../templates', import.meta.url));

/** A valid first reply; each test swaps one line to break it in a known place. */
const VALID = [
  'kind: first-reply', //                      1
  'platform: x', //                            2
  'lang: en', //                               3
  'openers:', //                               4
  '  - Hi {name}, sorry about {problem}.', //  5
  '  - Sorry about {problem}.', //             6
  'problems:', //                              7
  '  default:', //                             8
  '    - the trouble', //                      9
  'bodies:', //                                10
  '  default:', //                             11
  '    - Please send us a DM.', //             12
  'closers:', //                               13
  '  - Thanks for your patience.', //          14
];

function replaceLine(lines: readonly string[], line: number, text: string): string {
  return lines.map((original, index) => (index === line - 1 ? text : original)).join('\n');
}

const made: string[] = [];

/** Writes files into a fresh `templates/` directory and returns its path. */
function templatesDir(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'earshot-templates-'));
  made.push(root);
  const dir = path.join(root, 'templates');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

afterEach(() => {
  for (const root of made.splice(0)) {
    rmSync(root, { recursive: true, force: true });
  }
});

describe('the shipped templates', () => {
  it('load cleanly', () => {
    const dir = TEMPLATES_DIR;

    const check = checkTemplatesDir(dir);

    expect({ ok: check.ok, errors: check.errors }).toEqual({ ok: true, errors: [] });
  });

  it('cover every platform and kind the product needs', () => {
    const dir = TEMPLATES_DIR;

    const ids = [...loadTemplates(dir).templates.keys()].sort();

    expect(ids).toEqual([
      'app-store/first-reply.en',
      'app-store/safe-ack.en',
      'google-play/first-reply.en',
      'google-play/safe-ack.en',
      'x/dm-handoff.en',
      'x/dm.en',
      'x/first-reply.en',
      'x/safe-ack.en',
    ]);
  });

  it('fit with a 50-character brand name', () => {
    const brandNames = ['Acme', 'A Rather Long Brand Name For Testing Purposes Ltd.'];

    const check = checkTemplatesDir(TEMPLATES_DIR, { brandNames });

    expect(check.errors).toEqual([]);
  });
});

describe('loadTemplates errors name file:line:col', () => {
  it.each`
    problem                                 | line  | text                                               | expected
    ${'a YAML syntax error'}                | ${5}  | ${'\t- Hi {name}, sorry about {problem}.'}         | ${/^templates\/x\/first-reply\.en\.yaml:5:1 — YAML syntax: Tabs are not allowed/}
    ${'a schema error'}                     | ${1}  | ${'kind: reply'}                                   | ${/^templates\/x\/first-reply\.en\.yaml:1:7 — kind: Invalid option/}
    ${'an unknown key'}                     | ${13} | ${'closer:'}                                       | ${/^templates\/x\/first-reply\.en\.yaml:13:1 — closer: unknown key/}
    ${'an unquoted ": {"'}                  | ${14} | ${'  - Our policy: {privacy_url}'}                 | ${/^templates\/x\/first-reply\.en\.yaml:14:5 — closers\[0\]: must be a text; put it in double quotes/}
    ${'an empty part'}                      | ${12} | ${'    - ""'}                                      | ${/^templates\/x\/first-reply\.en\.yaml:12:7 — bodies\.default\[0\]: must not be empty/}
    ${'a URL in a public template'}         | ${12} | ${'    - See https://acme.example/help for more.'} | ${/^templates\/x\/first-reply\.en\.yaml:12:7 — bodies\.default\[0\]: a public reply must not contain a URL/}
    ${'a bare domain in a public template'} | ${12} | ${'    - See acme.com for more.'}                  | ${/^templates\/x\/first-reply\.en\.yaml:12:7 — bodies\.default\[0\]: a public reply must not contain a URL/}
    ${'an order number request in public'}  | ${12} | ${'    - Please reply with your order number.'}    | ${/^templates\/x\/first-reply\.en\.yaml:12:7 — bodies\.default\[0\]: asks for or mentions personal data \("order number"\)/}
    ${'an e-mail request in public'}        | ${12} | ${'    - What is your email?'}                     | ${/:12:7 — bodies\.default\[0\]: asks for or mentions personal data \("email"\)/}
    ${'an @handle in public'}               | ${14} | ${'  - Follow @acme_status for updates.'}          | ${/:14:5 — closers\[0\]: a public reply must not contain an @handle, #hashtag or \$cashtag \(@acme_status\)/}
    ${'a hashtag in public'}                | ${14} | ${'  - "Thanks! #support"'}                        | ${/:14:5 — closers\[0\]: a public reply must not contain an @handle, #hashtag or \$cashtag \(#support\)/}
    ${'a fake human signature'}             | ${14} | ${'  - Thanks for your patience. – Jenny'}         | ${/:14:5 — closers\[0\]: looks like a personal signature \("– Jenny"\)/}
    ${'first-person singular'}              | ${12} | ${"    - I'm looking into it now."}                | ${/:12:7 — bodies\.default\[0\]: speaks as a person \("I'm"\)/}
    ${'{privacy_url} in a public template'} | ${14} | ${'  - "Our policy: {privacy_url}"'}               | ${/:14:5 — closers\[0\]: \{privacy_url\} belongs only in dm templates/}
    ${'an unknown placeholder'}             | ${12} | ${'    - Please send us a DM, {nmae}.'}            | ${/:12:7 — bodies\.default\[0\]: unknown placeholder \{nmae\}/}
    ${'{name} outside an opener'}           | ${14} | ${'  - Thanks, {name}.'}                           | ${/:14:5 — closers\[0\]: \{name\} is not allowed in closers/}
    ${'no name-less opener'}                | ${6}  | ${'  - "{name}, sorry about {problem}."'}          | ${/^templates\/x\/first-reply\.en\.yaml:4:1 — openers: needs at least one opener without \{name\}/}
    ${'a limit over the platform maximum'}  | ${3}  | ${'lang: en\nlimit: 300'}                          | ${/:4:8 — limit: 300 is over the x maximum of 280/}
  `('reports $problem', ({ line, text, expected }) => {
    const dir = templatesDir({
      'x/first-reply.en.yaml': replaceLine(VALID, line as number, text as string),
    });

    const check = checkTemplatesDir(dir);

    expect(check.errors).toEqual([expect.stringMatching(expected as RegExp)]);
  });

  it('reports an opener and body that name the problem twice', () => {
    const dir = templatesDir({
      'x/first-reply.en.yaml': replaceLine(VALID, 12, '    - We are looking into {problem}.'),
    });

    const check = checkTemplatesDir(dir);

    expect(check.errors).toEqual([
      'templates/x/first-reply.en.yaml:12:7 — openers[0] + bodies.default[0] name the problem twice; use {problem} once',
      'templates/x/first-reply.en.yaml:12:7 — openers[1] + bodies.default[0] name the problem twice; use {problem} once',
    ]);
  });

  it('reports a combination that is too long, with the line of its longest part', () => {
    const long = `    - ${'We are looking into it and will update you. '.repeat(5).trim()}`;
    const dir = templatesDir({ 'x/first-reply.en.yaml': replaceLine(VALID, 12, long) });

    const check = checkTemplatesDir(dir);

    expect(check.errors).toEqual([
      expect.stringMatching(
        /^templates\/x\/first-reply\.en\.yaml:12:7 — openers\[0\] \+ problems\.default\[0\] \+ bodies\.default\[0\] \+ closers\[0\] is \d+\/280 weighted characters with a 24-character name, room for " \(ref XXXX\)"; shorten/,
      ),
      expect.stringMatching(
        /^templates\/x\/first-reply\.en\.yaml:12:7 — openers\[1\] \+ problems\.default\[0\] .* is \d+\/280/,
      ),
    ]);
  });

  it('checks lengths against the longest brand name given', () => {
    const withBrand = replaceLine(VALID, 12, '    - The {brand} team will look into it.');
    const dir = templatesDir({
      'google-play/first-reply.en.yaml': withBrand.replace('platform: x', 'platform: google-play'),
    });

    const short = checkTemplatesDir(dir, { brandNames: ['Acme'] });
    const long = checkTemplatesDir(dir, { brandNames: ['Acme', 'B'.repeat(320)] });

    expect({ short: short.errors, long: long.errors.length > 0 }).toEqual({
      short: [],
      long: true,
    });
    expect(long.errors[0]).toMatch(
      /^templates\/google-play\/first-reply\.en\.yaml:12:7 — .* is \d+\/350 characters with/,
    );
  });

  it('throws one ConfigError listing every problem', () => {
    const broken = replaceLine(
      replaceLine(VALID, 12, '    - See https://acme.example.').split('\n'),
      14,
      '  - Thanks! – Jenny',
    );
    const dir = templatesDir({ 'x/first-reply.en.yaml': broken });

    const act = () => loadTemplates(dir);

    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      /first-reply\.en\.yaml:12:7 — .*URL[\s\S]*\n.*first-reply\.en\.yaml:14:5 — .*signature/,
    );
  });

  it('reports a DM template without a privacy link', () => {
    const dm = VALID.join('\n').replace('kind: first-reply', 'kind: dm');
    const dir = templatesDir({ 'x/dm.en.yaml': dm });

    const check = checkTemplatesDir(dir);

    expect(check.errors[0]).toMatch(
      /^templates\/x\/dm\.en\.yaml:\d+:\d+ — .* never links \{privacy_url\}/,
    );
  });

  it('accepts a DM template that asks for personal details and links the policy', () => {
    const dm = replaceLine(
      replaceLine(
        VALID.join('\n').replace('kind: first-reply', 'kind: dm').split('\n'),
        12,
        '    - Could you reply with your order number?',
      ).split('\n'),
      14,
      '  - "Our privacy policy: {privacy_url}"',
    );
    const dir = templatesDir({ 'x/dm.en.yaml': dm });

    const check = checkTemplatesDir(dir);

    expect(check.errors).toEqual([]);
  });

  it.each`
    kind
    ${'dm'}
    ${'dm-handoff'}
  `('rejects a $kind template for a store', ({ kind }) => {
    const text = VALID.join('\n')
      .replace('kind: first-reply', `kind: ${kind as string}`)
      .replace('platform: x', 'platform: app-store');
    const dir = templatesDir({ 'app-store/x.en.yaml': text });

    const check = checkTemplatesDir(dir);

    expect(check.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/:1:7 — kind: app-store has no direct messages/),
      ]),
    );
  });

  it('reports the same template defined twice, and a language without an English fallback', () => {
    const spanish = VALID.join('\n').replace('lang: en', 'lang: es');
    const dir = templatesDir({ 'x/a.es.yaml': spanish, 'x/b.es.yaml': spanish });

    const check = checkTemplatesDir(dir);

    expect(check.errors).toEqual([
      'templates/x/b.es.yaml:1:1 — x/first-reply.es is already defined in templates/x/a.es.yaml',
      'templates/x/a.es.yaml:1:1 — x/first-reply.es has no en counterpart (x/first-reply.en) to fall back to',
    ]);
  });

  it('reports a directory that does not exist', () => {
    const dir = path.join(tmpdir(), 'earshot-no-such-templates-dir');

    const check = checkTemplatesDir(dir);

    expect({ ok: check.ok, files: check.files, errors: check.errors.length }).toEqual({
      ok: false,
      files: [],
      errors: 1,
    });
  });
});

describe('template set version', () => {
  it('is a content hash: stable for the same files, different when any file changes', () => {
    const sources = [{ file: 'templates/x/first-reply.en.yaml', text: VALID.join('\n') }];
    const changed = [
      { file: sources[0]?.file ?? '', text: `${VALID.join('\n')}\n  - We're here to help.` },
    ];

    const first = parseTemplates(sources).set.version;
    const again = parseTemplates(sources).set.version;
    const other = parseTemplates(changed).set.version;

    expect({
      stable: first === again,
      changes: first === other,
      shape: /^[0-9a-f]{16}$/.test(first),
    }).toEqual({
      stable: true,
      changes: false,
      shape: true,
    });
  });

  it('is reported by checkTemplatesDir with the files read', () => {
    const dir = templatesDir({ 'x/first-reply.en.yaml': VALID.join('\n') });

    const check = checkTemplatesDir(dir);

    expect({ ok: check.ok, files: check.files, version: check.version }).toEqual({
      ok: true,
      files: ['templates/x/first-reply.en.yaml'],
      version: loadTemplates(dir).version,
    });
  });
});
