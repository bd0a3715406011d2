import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPolicyFile, loadPolicy, parsePolicy } from '../../src/config/policy.js';
import { ConfigError } from '../../src/errors.js';

const RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));
const FILE = 'rules/policy.yaml';

/** A small valid policy; each test swaps or adds a line to break it in a known place. */
const VALID = [
  'version: 1', //                                1
  'timezone: UTC', //                             2
  'businessHours:', //                            3
  '  days: [mon, tue, wed, thu, fri]', //         4
  "  from: '09:00'", //                           5
  "  to: '18:00'", //                             6
  'sla:', //                                      7
  '  P0: { minutes: 15 }', //                     8
  '  P1: { minutes: 60 }', //                     9
  '  P2: { sameDay: true }', //                   10
  '  P3: { workingDays: 2 }', //                  11
  'acknowledgeWithinMinutes: 60', //              12
  'notify:', //                                   13
  '  minutesBefore: 15', //                       14
  'approval:', //                                 15
  '  minConfidence: 0.7', //                      16
  '  influentialFollowers: 10000', //             17
  '  verifiedNeedsApproval: true', //             18
  'gate:', //                                     19
  '  dailyPostCap: 100', //                       20
  '  dailySpendCapUsd: 5', //                     21
  'rules:', //                                    22
  '  - id: acknowledge', //                       23
  '    when: { complaint: true }', //             24
  '    then: auto_reply', //                      25
  '  - id: catch-all', //                         26
  '    when: {}', //                              27
  '    then: ignore', //                          28
];

function replaceLine(line: number, text: string): string {
  return VALID.map((original, index) => (index === line - 1 ? text : original)).join('\n');
}

function insertAfter(line: number, text: string): string {
  return [...VALID.slice(0, line), text, ...VALID.slice(line)].join('\n');
}

function errorsOf(text: string, categories?: string[]): string[] {
  try {
    parsePolicy(text, FILE, categories === undefined ? {} : { categories });
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.message.split('\n').slice(1);
    }
    throw error;
  }
  return [];
}

const made: string[] = [];

function dirWith(text: string | null): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-policy-'));
  made.push(dir);
  if (text !== null) {
    writeFileSync(path.join(dir, 'policy.yaml'), text);
  }
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('parsePolicy', () => {
  it('accepts the minimal policy and fills in the defaults', () => {
    const text = VALID.join('\n');

    const policy = parsePolicy(text, FILE);

    expect(policy.quietHours).toBeNull();
    expect(policy.sla).toEqual({
      P0: { kind: 'minutes', minutes: 15 },
      P1: { kind: 'minutes', minutes: 60 },
      P2: { kind: 'same-day', cutoff: null },
      P3: { kind: 'working-days', days: 2 },
    });
    expect(policy.rules).toEqual([
      {
        id: 'acknowledge',
        when: { complaint: true },
        then: 'auto_reply',
        approval: 'by-risk',
        reason: 'acknowledge',
      },
      { id: 'catch-all', when: {}, then: 'ignore', approval: 'by-risk', reason: 'catch-all' },
    ]);
    expect(policy.approval.origins).toEqual(['edited', 'free-text', 'ai']);
    expect(policy.gate).toEqual({
      aiRepliesApproved: false,
      dailyPostCap: 100,
      dailySpendCapUsd: 5,
      costPerReplyUsd: 0.01,
      costPerPostWithUrlUsd: 0.2,
      costPerDmUsd: 0.015,
    });
    expect(policy.version).toMatch(/^1\+[0-9a-f]{12}$/);
  });

  it.each`
    case                                          | text                                                                   | error
    ${'a YAML syntax error'}                      | ${replaceLine(25, '    then: @auto_reply')}                            | ${/^rules\/policy\.yaml:25:11 — YAML syntax error \(BAD_SCALAR_START\)/}
    ${'an unknown key'}                           | ${insertAfter(6, '  colour: red')}                                     | ${'rules/policy.yaml:7:3 — businessHours.colour: unknown key "colour"'}
    ${'an unknown time zone'}                     | ${replaceLine(2, 'timezone: Mars/Olympus')}                            | ${/^rules\/policy\.yaml:2:11 — timezone: unknown time zone/}
    ${'a duplicate rule id'}                      | ${replaceLine(26, '  - id: acknowledge')}                              | ${'rules/policy.yaml:26:9 — rules.1.id: duplicate rule id "acknowledge" (first used by rules.0)'}
    ${'a time of day without two digits'}         | ${replaceLine(5, "  from: '9:00'")}                                    | ${/^rules\/policy\.yaml:5:9 — businessHours\.from: expected a time of day as "HH:MM"/}
    ${'closing before opening'}                   | ${replaceLine(6, "  to: '08:00'")}                                     | ${/^rules\/policy\.yaml:6:7 — businessHours\.to: "to" must be after "from"/}
    ${'an unknown action'}                        | ${replaceLine(25, '    then: reply')}                                  | ${/^rules\/policy\.yaml:25:11 — rules\.0\.then: /}
    ${'an unknown severity'}                      | ${insertAfter(11, '  P4: { minutes: 5 }')}                             | ${'rules/policy.yaml:12:3 — sla.P4: unknown key "P4"'}
    ${'an unknown severity in a rule'}            | ${replaceLine(24, '    when: { severity: [P5] }')}                     | ${/^rules\/policy\.yaml:24:24 — rules\.0\.when\.severity\.0: /}
    ${'two SLA kinds at once'}                    | ${replaceLine(10, '  P2: { sameDay: true, minutes: 30 }')}             | ${/^rules\/policy\.yaml:10:7 — sla\.P2: set exactly one of minutes, businessMinutes, sameDay, workingDays \(found minutes, sameDay\)/}
    ${'approval on an action that sends nothing'} | ${replaceLine(28, '    then: ignore\n    approval: auto')}             | ${/^rules\/policy\.yaml:29:15 — rules\.1\.approval: approval has no effect on ignore/}
    ${'auto approval of a draft'}                 | ${replaceLine(25, '    then: draft_for_approval\n    approval: auto')} | ${/^rules\/policy\.yaml:26:15 — rules\.0\.approval: draft_for_approval always waits/}
    ${'no catch-all at the end'}                  | ${replaceLine(27, '    when: { complaint: false }')}                   | ${/^rules\/policy\.yaml:26:5 — rules\.1: the last rule must be a catch-all/}
    ${'a catch-all before the end'}               | ${replaceLine(24, '    when: {}')}                                     | ${/^rules\/policy\.yaml:23:5 — rules\.0: "acknowledge" has no conditions, so the 1 rule\(s\) after it can never match/}
    ${'edited replies allowed unapproved'}        | ${insertAfter(18, '  origins: [free-text]')}                           | ${/^rules\/policy\.yaml:19:12 — approval\.origins: edited and free-text replies always wait/}
    ${'a holiday that is no date'}                | ${insertAfter(6, "  holidays: ['2026-02-30']")}                        | ${/^rules\/policy\.yaml:7:14 — businessHours\.holidays\.0: not a calendar date/}
    ${'equal quiet-hours bounds'}                 | ${insertAfter(6, "quietHours: { from: '22:00', to: '22:00' }")}        | ${/^rules\/policy\.yaml:7:34 — quietHours\.to: "from" and "to" are equal/}
  `('reports $case with file:line:col', ({ text, error }) => {
    const errors = errorsOf(text as string);

    expect(errors).toHaveLength(1);
    if (typeof error === 'string') {
      expect(errors[0]).toBe(error);
    } else {
      expect(errors[0]).toMatch(error as RegExp);
    }
  });

  it('reports an unknown category when the classifier categories are given', () => {
    const text = replaceLine(24, '    when: { category: [billing, biling] }');

    const errors = errorsOf(text, ['billing', 'account']);

    expect(errors).toEqual([
      'rules/policy.yaml:24:33 — rules.0.when.category.1: unknown category "biling" (known: billing, account)',
    ]);
  });

  it('throws a ConfigError with code rules-invalid', () => {
    const text = replaceLine(2, 'timezone: Nowhere/Special');

    expect(() => parsePolicy(text, FILE)).toThrow(
      expect.objectContaining({ code: 'rules-invalid' }) as Error,
    );
  });

  it('changes the version when the content changes', () => {
    const before = parsePolicy(VALID.join('\n'), FILE).version;

    const after = parsePolicy(replaceLine(14, '  minutesBefore: 20'), FILE).version;

    expect(after).not.toBe(before);
    expect(after.startsWith('1+')).toBe(true);
  });
});

describe('the shipped rules/policy.yaml', () => {
  it('loads against the classifier categories', () => {
    const categoriesFile = readFileSync(path.join(RULES_DIR, 'categories.yaml'), 'utf8');
    const categories = Object.keys(
      (parse(categoriesFile) as { categories: Record<string, unknown> }).categories,
    );

    const policy = loadPolicy(RULES_DIR, { categories });

    expect(policy.timezone).toBe('UTC');
    expect(policy.acknowledgeWithinMinutes).toBe(60);
    expect(policy.sla).toEqual({
      P0: { kind: 'minutes', minutes: 15 },
      P1: { kind: 'minutes', minutes: 60 },
      P2: { kind: 'same-day', cutoff: null },
      P3: { kind: 'working-days', days: 2 },
    });
    expect(policy.notify.pageImmediately).toEqual(['P0', 'P1']);
    expect(policy.approval.severities).toEqual(['P0', 'P1']);
    expect(policy.approval.categories).toEqual(['legal', 'safety', 'privacy']);
    expect(policy.gate.aiRepliesApproved).toBe(false);
    expect(policy.rules.at(-1)?.when).toEqual({});
  });

  it('passes checkPolicyFile with a versioned result', () => {
    const result = checkPolicyFile(RULES_DIR);

    expect(result.ok).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.files).toEqual(['policy.yaml']);
    expect(result.version).toMatch(/^1\+[0-9a-f]{12}$/);
  });
});

describe('loadPolicy and checkPolicyFile on a directory', () => {
  it('reports a missing file without throwing', () => {
    const dir = dirWith(null);

    const result = checkPolicyFile(dir);

    expect(result.ok).toBe(false);
    expect(result.version).toBeNull();
    expect(result.errors[0]).toContain(`${path.join(dir, 'policy.yaml')}: cannot read`);
  });

  it('names the file path in errors', () => {
    const dir = dirWith(replaceLine(2, 'timezone: Mars/Olympus'));

    const result = checkPolicyFile(dir);

    expect(result.ok).toBe(false);
    expect(result.errors[0]).toMatch(
      new RegExp(
        `^${path.join(dir, 'policy.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:11 — `,
      ),
    );
    expect(() => loadPolicy(dir)).toThrow(ConfigError);
  });

  it('loads a valid file', () => {
    const dir = dirWith(VALID.join('\n'));

    const policy = loadPolicy(dir);

    expect(policy.rules.map((rule) => rule.id)).toEqual(['acknowledge', 'catch-all']);
  });
});
