import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Document } from 'yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import {
  containsUrl,
  defaultLimit,
  handlesAndTags,
  linkedEntities,
  maxLimit,
  measure,
} from '../core/draft/measure.js';
import { NAME_MAX_LENGTH } from '../core/draft/name.js';
import type { RenderValues, Variant } from '../core/draft/render.js';
import {
  bodiesFor,
  placeholdersIn,
  REFERENCE_SUFFIX_LENGTH,
  renderVariant,
  usesPlaceholder,
  variantKey,
  variantsFor,
} from '../core/draft/render.js';
import type { Template, TemplatePart, TemplateSet } from '../core/draft/types.js';
import {
  DEFAULT_CATEGORY,
  FALLBACK_LANG,
  isPublicKind,
  PLACEHOLDERS,
  TEMPLATE_KINDS,
  templateId,
} from '../core/draft/types.js';
import type { Platform } from '../core/types.js';
import { ConfigError } from '../errors.js';

/** A schema-level message that still lets a missing value read "is required". */
function unlessMissing(message: string): (issue: { input: unknown }) => string | undefined {
  return (issue) => (issue.input === undefined ? undefined : message);
}

const categoryId = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, { error: 'category ids are lowercase letters, digits and "-"' });
const part = z
  .string({
    error: (issue) => {
      if (typeof issue.input === 'object' && issue.input !== null) {
        // The classic YAML trap: `- Our policy: {privacy_url}` is a map, not a text.
        return 'must be a text; put it in double quotes if it contains ": " or starts with "{"';
      }
      return unlessMissing('must be a text')(issue);
    },
  })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(2_000, { error: 'must be at most 2,000 characters' });
const parts = z
  .array(part, { error: unlessMissing('must be a list of texts') })
  .min(1, { error: 'needs at least one entry' });
const partsByCategory = z.record(categoryId, parts, {
  error: unlessMissing('must map category ids to lists of texts'),
});

/** One file under templates/, e.g. templates/x/first-reply.en.yaml. See templates/README.md. */
export const TemplateFile = z.strictObject({
  kind: z.enum(TEMPLATE_KINDS),
  platform: z.enum(['x', 'app-store', 'google-play']),
  lang: z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/, {
    error: 'must be a lowercase language tag such as "en" or "pt-br"',
  }),
  limit: z
    .int({ error: unlessMissing('must be a whole number') })
    .positive({ error: 'must be positive' })
    .optional(),
  openers: parts,
  problems: partsByCategory.optional(),
  bodies: partsByCategory.refine((bodies) => Object.hasOwn(bodies, DEFAULT_CATEGORY), {
    error: 'needs a "default" entry for categories without their own',
  }),
  closers: z.array(part, { error: unlessMissing('must be a list of texts') }).optional(),
});
export type TemplateFile = z.infer<typeof TemplateFile>;

/** A template file's text and the name to report it under, e.g. `templates/x/first-reply.en.yaml`. */
export interface TemplateSource {
  file: string;
  text: string;
}

export interface LoadTemplatesOptions {
  /**
   * Brand names the templates will be rendered with; the longest is used to check every combination fits.
   * Defaults to a 50-character name, the most BRAND_NAME allows.
   */
  brandNames?: readonly string[];
}

export interface TemplatesCheck {
  ok: boolean;
  /** Files read, as reported in messages. */
  files: string[];
  /** One line per problem, each starting `file:line:col — `. */
  errors: string[];
  /** Content hash of every file read; changes whenever any template changes. */
  version: string;
}

/** BRAND_NAME may be up to 50 characters (src/config/env.ts). */
const DEFAULT_WORST_BRAND = 'W'.repeat(50);
const WORST_PRIVACY_URL = `https://privacy.example.com/${'p'.repeat(60)}`;
/** Combination errors reported per file before summarising the rest. */
const MAX_COMBINATION_ERRORS = 10;

/**
 * Read and validate every `*.yaml` / `*.yml` under `dir`.
 *
 * @throws ConfigError listing every problem, one `file:line:col — what` per line.
 */
export function loadTemplates(dir: string, options: LoadTemplatesOptions = {}): TemplateSet {
  const { sources, errors: readErrors } = readSources(dir);
  const { set, errors } = parseTemplates(sources, options);
  const all = [...readErrors, ...errors];
  if (all.length > 0) {
    throw new ConfigError(all.join('\n'));
  }
  return set;
}

/** Like `loadTemplates`, but reports instead of throwing: for CI and `earshot templates check`. */
export function checkTemplatesDir(dir: string, options: LoadTemplatesOptions = {}): TemplatesCheck {
  const { sources, errors: readErrors } = readSources(dir);
  const { set, errors } = parseTemplates(sources, options);
  const all = [...readErrors, ...errors];
  return {
    ok: all.length === 0,
    files: sources.map((source) => source.file),
    errors: all,
    version: set.version,
  };
}

/** Validate template files given as text. The set holds every file that passed; `errors` the rest. */
export function parseTemplates(
  sources: readonly TemplateSource[],
  options: LoadTemplatesOptions = {},
): { set: TemplateSet; errors: string[] } {
  const errors: string[] = [];
  const templates = new Map<string, Template>();
  for (const source of sources) {
    const result = parseTemplateFile(source, options);
    errors.push(...result.errors);
    if (result.template === null) {
      continue;
    }
    const earlier = templates.get(result.template.id);
    if (earlier !== undefined) {
      errors.push(
        `${source.file}:1:1 — ${result.template.id} is already defined in ${earlier.file}`,
      );
      continue;
    }
    templates.set(result.template.id, result.template);
  }
  errors.push(...missingFallbacks(templates));
  return { set: { version: versionOf(sources), templates }, errors };
}

function readSources(dir: string): { sources: TemplateSource[]; errors: string[] } {
  const base = path.basename(path.resolve(dir));
  try {
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((entry) => /\.ya?ml$/.test(entry))
      .map((entry) => entry.split(path.sep).join('/'))
      .sort()
      .map((entry) => ({
        file: `${base}/${entry}`,
        text: readFileSync(path.join(dir, entry), 'utf8'),
      }));
    return { sources, errors: [] };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { sources: [], errors: [`${dir}: cannot read the templates (${reason})`] };
  }
}

function versionOf(sources: readonly TemplateSource[]): string {
  const hash = createHash('sha256');
  for (const source of [...sources].sort((a, b) => (a.file < b.file ? -1 : 1))) {
    hash.update(`${source.file}\u0000${source.text}\u0000`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Maps positions in one file to `file:line:col`. */
interface Locator {
  file: string;
  doc: Document;
  lines: LineCounter;
}

type YamlPath = readonly PropertyKey[];

function at(locator: Locator, offset: number): string {
  const { line, col } = locator.lines.linePos(offset);
  return `${locator.file}:${line}:${col}`;
}

/** The offset of the node at `yamlPath` (of its key when `key` is set), or of its nearest existing parent. */
function offsetOf(locator: Locator, yamlPath: YamlPath, key = false): number {
  let node: unknown = locator.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [index, segment] of yamlPath.entries()) {
    const last = index === yamlPath.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) {
        return offset;
      }
      if (last && key) {
        return rangeStart(pair.key) ?? offset;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      return offset;
    }
    offset = rangeStart(node) ?? offset;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node === 'object' && node !== null && 'range' in node && Array.isArray(node.range)) {
    const start: unknown = node.range[0];
    if (typeof start === 'number') {
      return start;
    }
  }
  return undefined;
}

function pathText(yamlPath: YamlPath): string {
  let text = '';
  for (const segment of yamlPath) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else {
      text += text === '' ? String(segment) : `.${String(segment)}`;
    }
  }
  return text === '' ? '(file)' : text;
}

function parseTemplateFile(
  source: TemplateSource,
  options: LoadTemplatesOptions,
): { template: Template | null; errors: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(source.text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const locator: Locator = { file: source.file, doc, lines };
  if (doc.errors.length > 0) {
    const errors = doc.errors.map(
      (error) =>
        `${at(locator, error.pos[0])} — YAML syntax: ${error.message.split('\n')[0] ?? error.code}`,
    );
    return { template: null, errors };
  }

  const parsed = TemplateFile.safeParse(doc.toJS(), { error: friendlierMessage });
  if (!parsed.success) {
    return {
      template: null,
      errors: parsed.error.issues.flatMap((issue) => issueErrors(locator, issue)),
    };
  }

  const data = parsed.data;
  const limit = data.limit ?? defaultLimit(data.platform, data.kind);
  const template: Template = {
    id: templateId(data.platform, data.kind, data.lang),
    file: source.file,
    kind: data.kind,
    platform: data.platform,
    lang: data.lang,
    limit,
    openers: toParts('openers', data.openers),
    problems: toPartsByCategory('problems', data.problems ?? {}),
    bodies: toPartsByCategory('bodies', data.bodies),
    closers: toParts('closers', data.closers ?? []),
  };
  const errors = [
    ...fileErrors(locator, template, data.limit),
    ...allParts(template).flatMap((entry) => partErrors(locator, template, entry)),
  ];
  if (errors.length > 0) {
    return { template: null, errors };
  }
  const combinationErrors = checkCombinations(locator, template, options);
  return { template: combinationErrors.length > 0 ? null : template, errors: combinationErrors };
}

function friendlierMessage(issue: z.core.$ZodRawIssue): string | undefined {
  return issue.input === undefined ? 'is required' : undefined;
}

function issueErrors(locator: Locator, issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const keyPath = [...issue.path, key];
      return `${at(locator, offsetOf(locator, keyPath, true))} — ${pathText(keyPath)}: unknown key; expected one of ${Object.keys(TemplateFile.shape).join(', ')}`;
    });
  }
  const offset = offsetOf(locator, issue.path, issue.code === 'invalid_key');
  const detail =
    issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  return [`${at(locator, offset)} — ${pathText(issue.path)}: ${detail}`];
}

function toParts(section: string, texts: readonly string[]): TemplatePart[] {
  return texts.map((text, index) => ({ key: `${section}[${index}]`, text }));
}

function toPartsByCategory(
  section: string,
  byCategory: Record<string, string[]>,
): Map<string, TemplatePart[]> {
  const result = new Map<string, TemplatePart[]>();
  for (const [category, texts] of Object.entries(byCategory)) {
    result.set(category, toParts(`${section}.${category}`, texts));
  }
  return result;
}

type Section = 'openers' | 'problems' | 'bodies' | 'closers';

interface PartEntry {
  section: Section;
  part: TemplatePart;
}

function allParts(template: Template): PartEntry[] {
  const entries: PartEntry[] = template.openers.map((part) => ({ section: 'openers', part }));
  for (const list of template.problems.values()) {
    entries.push(...list.map((part) => ({ section: 'problems' as const, part })));
  }
  for (const list of template.bodies.values()) {
    entries.push(...list.map((part) => ({ section: 'bodies' as const, part })));
  }
  entries.push(...template.closers.map((part) => ({ section: 'closers' as const, part })));
  return entries;
}

/** `bodies.billing[0]` → ['bodies', 'billing', 0]. */
function partPath(key: string): YamlPath {
  const match = /^([a-z]+)(?:\.([a-z0-9-]+))?\[(\d+)\]$/.exec(key);
  if (match === null) {
    return [];
  }
  const [, section = '', category, index = '0'] = match;
  return category === undefined ? [section, Number(index)] : [section, category, Number(index)];
}

function partAt(locator: Locator, part: TemplatePart): string {
  return at(locator, offsetOf(locator, partPath(part.key)));
}

function fileErrors(locator: Locator, template: Template, limit: number | undefined): string[] {
  const errors: string[] = [];
  const where = (key: string, onKey = false): string =>
    at(locator, offsetOf(locator, [key], onKey));
  const max = maxLimit(template.platform, template.kind);
  if (limit !== undefined && limit > max) {
    errors.push(
      `${where('limit')} — limit: ${limit} is over the ${template.platform} maximum of ${max}`,
    );
  }
  if (template.platform !== 'x' && (template.kind === 'dm' || template.kind === 'dm-handoff')) {
    errors.push(
      `${where('kind')} — kind: ${template.platform} has no direct messages; use first-reply or safe-ack`,
    );
  }
  if (template.openers.every((opener) => usesPlaceholder(opener.text, 'name'))) {
    errors.push(
      `${where('openers', true)} — openers: needs at least one opener without {name}, for authors with no usable name`,
    );
  }
  const usesProblem = [...template.openers, ...[...template.bodies.values()].flat()].some((part) =>
    usesPlaceholder(part.text, 'problem'),
  );
  if (usesProblem && !template.problems.has(DEFAULT_CATEGORY)) {
    const key = template.problems.size > 0 ? 'problems' : 'openers';
    errors.push(
      `${where(key, true)} — problems: {problem} is used, so problems needs a "default" entry for other categories`,
    );
  }
  return errors;
}

const ALLOWED_PLACEHOLDERS: Record<Section, readonly string[]> = {
  openers: ['name', 'brand', 'problem', 'privacy_url'],
  problems: ['brand'],
  bodies: ['brand', 'problem', 'privacy_url'],
  closers: ['brand', 'privacy_url'],
};

// English-only heuristics: a brand adding another language reviews its own files for these.
const PERSONAL_DATA_REQUESTS = [
  /\border\s*(number|no\.?|id|#|reference|ref)\b/i,
  /\be-?mails?\b/i,
  /\b(phone|mobile|telephone|card|account|tracking|booking|reference|passport|social security)\s+numbers?\b/i,
  /\b(postal|home|street|billing|shipping|delivery|mailing)\s+address(es)?\b/i,
  /\b(password|passcode|pin|date of birth|birthday|post\s?code|zip\s?code|iban|cvv)\b/i,
];
const FIRST_PERSON =
  /(?<![\p{L}'’])(I|I['’](m|ve|ll|d)|[Mm]e|[Mm]y|[Mm]ine|[Mm]yself)(?![\p{L}'’])/u;
const SIGNATURE = /(^|\s)([–—-]|\^)\s*\p{Lu}[\p{L}.]*(\s\p{Lu}\.?)?\s*$/u;

function partErrors(locator: Locator, template: Template, entry: PartEntry): string[] {
  const { section, part } = entry;
  const errors: string[] = [];
  const report = (message: string): void => {
    errors.push(`${partAt(locator, part)} — ${part.key}: ${message}`);
  };

  const used = placeholdersIn(part.text);
  for (const placeholder of new Set(used)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(placeholder)) {
      report(
        `unknown placeholder {${placeholder}}; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
      );
    } else if (!ALLOWED_PLACEHOLDERS[section].includes(placeholder)) {
      report(`{${placeholder}} is not allowed in ${section}`);
    } else if (placeholder === 'privacy_url' && template.kind !== 'dm') {
      report('{privacy_url} belongs only in dm templates: public replies carry no links');
    }
  }
  if (used.filter((placeholder) => placeholder === 'name').length > 1) {
    report('uses {name} more than once');
  }
  if (/[{}]/.test(part.text.replace(/\{[a-z_]+\}/g, ''))) {
    report('has a stray "{" or "}"; placeholders look like {name}');
  }

  const literal = part.text.replace(/\{[a-z_]+\}/g, ' ');
  if (isPublicKind(template.kind)) {
    if (containsUrl(literal)) {
      report('a public reply must not contain a URL; links belong only in dm templates');
    }
    const entities = handlesAndTags(literal);
    if (entities.length > 0 || /[@＠]/.test(literal)) {
      report(
        `a public reply must not contain an @handle, #hashtag or $cashtag (${entities.join(', ') || '@'})`,
      );
    }
  }
  if (template.lang === FALLBACK_LANG || template.lang.startsWith(`${FALLBACK_LANG}-`)) {
    const request = PERSONAL_DATA_REQUESTS.map((pattern) => pattern.exec(literal)?.[0]).find(
      Boolean,
    );
    if (isPublicKind(template.kind) && request !== undefined) {
      report(
        `asks for or mentions personal data ("${request}") in public; ask for it only in a dm template`,
      );
    }
    const person = FIRST_PERSON.exec(literal)?.[0];
    if (person !== undefined) {
      report(`speaks as a person ("${person}"); write as the brand ("we", "us", "our")`);
    }
    const signature = SIGNATURE.exec(literal)?.[0];
    if (signature !== undefined && !/\bteam\b/i.test(part.text)) {
      report(
        `looks like a personal signature ("${signature.trim()}"); never pretend to be a person`,
      );
    }
  }
  return errors;
}

function checkCombinations(
  locator: Locator,
  template: Template,
  options: LoadTemplatesOptions,
): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  const report = (anchor: TemplatePart, message: string): void => {
    if (seen.has(message)) {
      return;
    }
    seen.add(message);
    if (errors.length >= MAX_COMBINATION_ERRORS) {
      skipped += 1;
      return;
    }
    errors.push(`${partAt(locator, anchor)} — ${message}`);
  };

  const worst = worstValues(template.platform, options.brandNames);
  const nameless: RenderValues = { ...worst, name: '' };
  const unit = template.platform === 'x' ? 'weighted characters' : 'characters';
  const categories = new Set([
    DEFAULT_CATEGORY,
    ...template.bodies.keys(),
    ...template.problems.keys(),
  ]);

  for (const category of categories) {
    for (const opener of template.openers) {
      for (const body of bodiesFor(template, category)) {
        const problemCount = [opener, body]
          .flatMap((p) => placeholdersIn(p.text))
          .filter((p) => p === 'problem').length;
        if (problemCount > 1) {
          report(body, `${opener.key} + ${body.key} name the problem twice; use {problem} once`);
        }
        if (problemCount === 0 && template.kind !== 'safe-ack') {
          report(
            body,
            `${opener.key} + ${body.key} never name the problem; put {problem} in the opener or the body`,
          );
        }
      }
    }
    for (const variant of variantsFor(template, category, template.openers, true)) {
      const values = usesPlaceholder(variant.opener.text, 'name') ? worst : nameless;
      const text = renderVariant(variant, values);
      const anchor = longestPart(variant);
      const length = measure(text, template.platform) + REFERENCE_SUFFIX_LENGTH;
      if (length > template.limit) {
        const assumed = [
          values.name === '' ? '' : `a ${NAME_MAX_LENGTH}-character name`,
          variantUses(variant, 'brand') ? `the brand "${worst.brand}"` : '',
          'room for " (ref XXXX)"',
        ].filter((text) => text !== '');
        report(
          anchor,
          `${describe(variant)} is ${length}/${template.limit} ${unit} with ${assumed.join(', ')}; shorten one of these parts`,
        );
      }
      if (template.kind === 'dm' && !text.includes(worst.privacyUrl)) {
        report(
          anchor,
          `${describe(variant)} never links {privacy_url}; every DM must link the privacy policy`,
        );
      }
      if (isPublicKind(template.kind)) {
        const entities = linkedEntities(text);
        if (entities.length > 0 || containsUrl(text)) {
          report(
            anchor,
            `${describe(variant)} renders a link, @handle or hashtag (${entities.join(', ')})`,
          );
        }
      }
    }
  }
  if (skipped > 0) {
    errors.push(`${locator.file}:1:1 — … and ${skipped} more combinations with problems`);
  }
  return errors;
}

function worstValues(platform: Platform, brandNames: readonly string[] | undefined): RenderValues {
  // On X a CJK letter weighs 2, so the heaviest possible first name is NAME_MAX_LENGTH of them.
  const name = (platform === 'x' ? '名' : 'W').repeat(NAME_MAX_LENGTH);
  let brand = DEFAULT_WORST_BRAND;
  if (brandNames !== undefined && brandNames.length > 0) {
    brand = brandNames.reduce((a, b) => (measure(b, platform) > measure(a, platform) ? b : a));
  }
  return { name, brand, privacyUrl: WORST_PRIVACY_URL };
}

function longestPart(variant: Variant): TemplatePart {
  const parts = [variant.opener, variant.problem, variant.body, variant.closer].filter(
    (part): part is TemplatePart => part !== null,
  );
  return parts.reduce((a, b) => (b.text.length > a.text.length ? b : a));
}

function variantUses(variant: Variant, placeholder: string): boolean {
  return [variant.opener, variant.problem, variant.body, variant.closer].some(
    (part) => part !== null && usesPlaceholder(part.text, placeholder),
  );
}

function describe(variant: Variant): string {
  return variantKey(variant).split('+').join(' + ');
}

/** Every (platform, kind) with a template in any language needs an English one to fall back to. */
function missingFallbacks(templates: ReadonlyMap<string, Template>): string[] {
  const errors: string[] = [];
  const reported = new Set<string>();
  for (const template of templates.values()) {
    const fallback = templateId(template.platform, template.kind, FALLBACK_LANG);
    if (templates.has(fallback) || reported.has(fallback)) {
      continue;
    }
    reported.add(fallback);
    errors.push(
      `${template.file}:1:1 — ${template.id} has no ${FALLBACK_LANG} counterpart (${fallback}) to fall back to`,
    );
  }
  return errors;
}
