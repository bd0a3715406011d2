import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRulesDir, loadClassifierRules } from '../../src/config/rules.js';
import { createClassifier } from '../../src/core/classify/index.js';
import { ConfigError } from '../../src/errors.js';

let dir: string;

/** A copy of the shipped rules in a temp dir, so a test can break or extend one file. */
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'earshot-rules-'));
  for (const name of ['classifier.yaml', 'lexicon.en.yaml', 'categories.yaml']) {
    cpSync(join('rules', name), join(dir, name));
  }
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, lines: string[]): void {
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
}

function loadError(): string {
  try {
    loadClassifierRules(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('rules-invalid');
    return (error as Error).message;
  }
  throw new Error('expected loadClassifierRules to throw');
}

describe('loadClassifierRules', () => {
  it('loads the shipped rules', () => {
    const rules = loadClassifierRules('rules');

    expect(rules.version).toMatch(/^[0-9a-f]{12}$/);
    expect(rules.files).toEqual(['categories.yaml', 'classifier.yaml', 'lexicon.en.yaml']);
    expect(rules.categories.map((category) => category.id).sort()).toEqual(
      [
        'abuse',
        'account',
        'billing',
        'delivery',
        'legal',
        'outage',
        'privacy',
        'safety',
        'service',
      ].sort(),
    );
    for (const category of rules.categories) {
      expect(category.label).not.toBe('');
    }
    expect(rules.languages.en?.sentiment.worst).toBeLessThan(0);
  });

  it('ignores files it does not own, such as policy.yaml', () => {
    write('policy.yaml', ['rules: [this is not ours', 'and: not even valid yaml']);
    write('README.md', ['# notes']);

    const rules = loadClassifierRules(dir);

    expect(rules.files).not.toContain('policy.yaml');
  });

  it('gives the same version for the same files and a new one when a rule changes', () => {
    const before = loadClassifierRules(dir).version;

    write('categories.extra.yaml', [
      'categories:',
      '  pets:',
      '    label: Pets',
      '    severity: P3',
      '    match:',
      '      en:',
      '        keywords: [dog]',
    ]);

    expect(loadClassifierRules(dir).version).not.toBe(before);
    expect(loadClassifierRules('rules').version).toBe(loadClassifierRules('rules').version);
  });

  it.each`
    case                   | lines                                                                                                                                   | expected
    ${'YAML syntax error'} | ${['categories:', '  billing:', '    label: [Billing', '    severity: P2']}                                                             | ${'categories.yaml:4:5 — YAML syntax error'}
    ${'wrong type'}        | ${['categories:', '  billing:', '    label: Billing', '    severity: P2', '    match:', '      en:', '        keywords: refund']}       | ${'categories.yaml:7:19 — categories.billing.match.en.keywords: Invalid input: expected array'}
    ${'unknown key'}       | ${['categories:', '  billing:', '    label: Billing', '    severity: P2', '    colour: red', '    match: {}']}                          | ${'categories.yaml:5:5 — categories.billing.colour: unknown key "colour"'}
    ${'bad severity'}      | ${['categories:', '  billing:', '    label: Billing', '    severity: P7', '    match: {}']}                                             | ${'categories.yaml:4:15 — categories.billing.severity'}
    ${'bad regex'}         | ${['categories:', '  billing:', '    label: Billing', '    severity: P2', '    match:', '      en:', '        regexes: ["(unclosed"]']} | ${'categories.yaml:7:19 — categories.billing.match.en.regexes.0: not a valid regular expression'}
    ${'bad id'}            | ${['categories:', '  Billing Stuff:', '    label: Billing', '    severity: P2', '    match: {}']}                                       | ${'categories.yaml:2:3 — categories.Billing Stuff: invalid key'}
    ${'empty file'}        | ${['']}                                                                                                                                 | ${'categories.yaml:1:1 — (top level): Invalid input: expected object'}
  `('reports $case as file:line', ({ lines, expected }) => {
    write('categories.yaml', lines as string[]);

    const message = loadError();

    expect(message).toContain(expected);
  });

  it('reports a schema error in classifier.yaml with its line', () => {
    write('classifier.yaml', [
      'defaultLanguage: en',
      'negationWindow: three',
      'scoring: {}',
      'severity: {}',
    ]);

    const message = loadError();

    expect(message).toContain('classifier.yaml:2:17 — negationWindow');
    expect(message).toContain('classifier.yaml:3:10 — scoring.bias');
  });

  it('reports a bad engagement floor with its line', () => {
    const lines = readFileSync(join(dir, 'classifier.yaml'), 'utf8').split('\n');
    const at = lines.findIndex((line) => line.startsWith('  spreading:'));
    lines.splice(at + 1, 1, '    atLeast: 0');
    write('classifier.yaml', lines);

    const message = loadError();

    expect(message).toContain(`classifier.yaml:${at + 2}:14 — severity.spreading.atLeast`);
  });

  it('turns an engagement floor off when its block is removed', () => {
    const lines = readFileSync(join(dir, 'classifier.yaml'), 'utf8').split('\n');
    const at = lines.findIndex((line) => line.startsWith('  spreading:'));
    lines.splice(at, 4);
    write('classifier.yaml', lines);

    const rules = loadClassifierRules(dir);
    const result = createClassifier(rules)({
      text: 'my package is 5 days late',
      source: 'x-mentions',
      engagement: { shares: 500, replies: 0, ageMinutes: 10 },
    });

    expect(rules.severity.spreading).toBeNull();
    expect(rules.severity.growingThread).not.toBeNull();
    expect(result.severity).toBe('P2');
  });

  it('reports a category defined twice', () => {
    write('categories.acme.yaml', [
      'categories:',
      '  billing:',
      '    label: Billing again',
      '    severity: P2',
      '    match: {}',
    ]);

    expect(loadError()).toContain(
      'categories.acme.yaml:2:3 — categories.billing: category "billing" is already defined',
    );
  });

  it('reports an escalation trigger naming an unknown category', () => {
    const rules = loadClassifierRules(dir);
    write('categories.yaml', [
      'categories:',
      '  pets:',
      '    label: Pets',
      '    severity: P3',
      '    match: {}',
    ]);

    const message = loadError();

    expect(rules.escalation.length).toBeGreaterThan(0);
    expect(message).toMatch(
      /classifier\.yaml:\d+:\d+ — escalation\.risky-categories\.when\.categories\.0: unknown category "safety"/,
    );
  });

  it('reports a missing classifier.yaml and a missing default lexicon', () => {
    unlinkSync(join(dir, 'classifier.yaml'));

    expect(loadError()).toContain('expected exactly one classifier.yaml');

    cpSync(join('rules', 'classifier.yaml'), join(dir, 'classifier.yaml'));
    unlinkSync(join(dir, 'lexicon.en.yaml'));

    expect(loadError()).toContain('defaultLanguage: no lexicon.en.yaml');
  });
});

describe('checkRulesDir', () => {
  it('reports ok with the version for valid rules', () => {
    const result = checkRulesDir(dir);

    expect(result).toEqual({
      ok: true,
      files: ['categories.yaml', 'classifier.yaml', 'lexicon.en.yaml'],
      errors: [],
      version: loadClassifierRules(dir).version,
    });
  });

  it('lists every error without throwing', () => {
    write('categories.yaml', [
      'categories:',
      '  billing:',
      '    label: Billing',
      '    severity: P9',
      '    match:',
      '      en:',
      '        keywords: refund',
    ]);

    const result = checkRulesDir(dir);

    expect(result.ok).toBe(false);
    expect(result.version).toBeNull();
    expect(result.errors).toHaveLength(2);
    expect(result.errors.every((error) => /categories\.yaml:\d+:\d+ — /.test(error))).toBe(true);
  });

  it('reports a directory that does not exist', () => {
    const result = checkRulesDir(join(dir, 'missing'));

    expect(result.ok).toBe(false);
    expect(result.errors[0]).toContain('cannot read the rules directory');
  });
});

describe('a brand-added category', () => {
  it('is used without code changes', () => {
    write('categories.acme.yaml', [
      '# Acme Rewards: loyalty points complaints.',
      'categories:',
      '  loyalty:',
      '    label: Loyalty points',
      '    severity: P2',
      '    complaintWeight: 0.5',
      '    match:',
      '      en:',
      '        keywords: [stamps]',
      '        phrases: [acme rewards, reward card]',
    ]);
    const classify = createClassifier(loadClassifierRules(dir));

    const result = classify({
      text: '@acme my acme rewards stamps disappeared again, so annoying',
      source: 'x-mentions',
    });

    expect(result.complaint).toBe(true);
    expect(result.category).toBe('loyalty');
    expect(result.severity).toBe('P2');
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ field: 'category', rule: 'category:loyalty' }),
    );
  });

  it('can be escalated by a trigger added to classifier.yaml', () => {
    write('categories.acme.yaml', [
      'categories:',
      '  recall:',
      '    label: Product recall',
      '    severity: P1',
      '    match:',
      '      en:',
      '        phrases: [model x]',
    ]);
    // escalation is the last map in classifier.yaml: appending a trigger extends it.
    appendFileSync(
      join(dir, 'classifier.yaml'),
      [
        '  recalls:',
        '    flag: escalate_human',
        '    when:',
        '      categories: [recall]',
        '',
      ].join('\n'),
    );
    const classify = createClassifier(loadClassifierRules(dir));

    const result = classify({
      text: 'the battery of my model x swelled up, terrible',
      source: 'app-store',
    });

    expect(result.category).toBe('recall');
    expect(result.flags).toContain('escalate_human');
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ field: 'flag', rule: 'escalation:recalls' }),
    );
  });
});
