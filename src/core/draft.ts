import { ConfigError, DuplicateContent } from '../errors.js';
import { containsUrl, linkedEntities, measure } from './draft/measure.js';
import { firstNameOf } from './draft/name.js';
import type { RenderValues, Variant } from './draft/render.js';
import {
  referenceCode,
  renderVariant,
  seededOrder,
  usesPlaceholder,
  variantKey,
  variantsFor,
  withReference,
} from './draft/render.js';
import type { Template, TemplateKind, TemplatePart, TemplateSet } from './draft/types.js';
import { DEFAULT_CATEGORY, FALLBACK_LANG, isPublicKind, templateId } from './draft/types.js';
import type { Classification, Draft, Mention, Platform } from './types.js';

export type { Template, TemplateKind, TemplatePart, TemplateSet } from './draft/types.js';
export { firstNameOf, NAME_MAX_LENGTH } from './draft/name.js';
export { defaultLimit, measure } from './draft/measure.js';

/**
 * Everything `draftReply` needs, as plain data.
 *
 * @example
 * { kind: 'first-reply', platform: 'x',
 *   mention: { id: '1850000000000000001', text: '@acme charged twice', lang: 'en', author },
 *   classification: { category: 'billing', severity: 'P2' }, brand: { name: 'Acme', handle: 'acme' },
 *   isUsed: (text) => sentTexts.has(text) }
 */
export interface DraftInput {
  kind: TemplateKind;
  platform: Platform;
  mention: Pick<Mention, 'id' | 'text' | 'author' | 'lang'>;
  classification: Pick<Classification, 'category' | 'severity'>;
  /** `handle` is never rendered; it only stops us greeting a look-alike account by the brand's name. */
  brand: { name: string; handle?: string; privacyUrl?: string };
  /** Returns true if this exact text was already posted by the brand (X rejects duplicates). */
  isUsed?: (text: string) => boolean;
  /** Extra entropy for choosing a variant; defaults to the mention id. */
  seed?: string;
}

interface Candidate {
  variant: Variant;
  text: string;
}

// Enough distinct references that a collision with an earlier reply is never the reason a draft fails.
const REFERENCE_ATTEMPTS = 32;

/**
 * Render the reply for one mention: the template for (platform, kind, language) — falling back to English —
 * and, within it, the first variant in seed order that fits the platform's limit, carries no link, @mention
 * or hashtag when public, and has not been used before. When every variant has been used, a short
 * `(ref XXXX)` derived from the seed makes the text unique.
 *
 * Pure and deterministic: the same input always gives the same draft.
 *
 * @throws ConfigError when no template exists or no variant fits; DuplicateContent when even the references
 * are all used.
 */
export function draftReply(templates: TemplateSet, input: DraftInput): Draft {
  const template = findTemplate(templates, input.platform, input.kind, input.mention.lang);
  const privacyUrl = input.brand.privacyUrl ?? '';
  if (template.kind === 'dm' && privacyUrl === '') {
    throw new ConfigError(
      `${template.id}: a DM must link the privacy policy; set the brand's privacy URL`,
    );
  }
  const seed = input.seed ?? input.mention.id;
  const name = firstNameOf(input.mention.author.name, input.brand);
  const values: RenderValues = { name: name ?? '', brand: input.brand.name, privacyUrl };

  const fitting: Candidate[] = [];
  const tried = new Set<string>();
  for (const variant of candidates(template, input.classification.category, seed, name !== null)) {
    const text = renderVariant(variant, values);
    if (tried.has(text)) {
      continue;
    }
    tried.add(text);
    if (!isSendable(template, text, values)) {
      continue;
    }
    if (input.isUsed?.(text) === true) {
      fitting.push({ variant, text });
      continue;
    }
    return toDraft(template, variantKey(variant), text);
  }
  if (fitting.length === 0) {
    throw new ConfigError(
      `${template.id}: no variant fits ${template.limit} characters for category "${input.classification.category ?? DEFAULT_CATEGORY}"`,
    );
  }

  for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
    const code = referenceCode(seed, attempt);
    for (const candidate of fitting) {
      const text = withReference(candidate.text, code);
      if (!isSendable(template, text, values) || input.isUsed?.(text) === true) {
        continue;
      }
      return toDraft(template, `${variantKey(candidate.variant)}+ref`, text);
    }
  }
  throw new DuplicateContent(
    `${template.id}: every variant and reference for this mention was already used`,
  );
}

function findTemplate(
  templates: TemplateSet,
  platform: Platform,
  kind: TemplateKind,
  lang: string | null,
): Template {
  for (const candidate of languageCandidates(lang)) {
    const template = templates.templates.get(templateId(platform, kind, candidate));
    if (template !== undefined) {
      return template;
    }
  }
  throw new ConfigError(`no template for ${templateId(platform, kind, FALLBACK_LANG)}`);
}

/** `pt-BR` → `pt-br`, `pt`, `en`. X also reports `und`, `qme` and the like, which simply fall through. */
function languageCandidates(lang: string | null): string[] {
  const tag = (lang ?? '').trim().toLowerCase().replace('_', '-');
  const primary = tag.split('-')[0] ?? '';
  return [...new Set([tag, primary, FALLBACK_LANG])].filter((candidate) => candidate !== '');
}

/**
 * Seeded order within tiers: personalised variants with a closer, then without one (shorter), then the
 * name-less openers the same way. Later tiers only matter when earlier ones are too long or already used.
 */
function* candidates(
  template: Template,
  category: string | null,
  seed: string,
  hasName: boolean,
): Generator<Variant> {
  const key = category ?? DEFAULT_CATEGORY;
  const named = template.openers.filter((opener) => usesPlaceholder(opener.text, 'name'));
  const nameless = template.openers.filter((opener) => !usesPlaceholder(opener.text, 'name'));
  const openerTiers: (readonly TemplatePart[])[] = hasName ? [named, nameless] : [nameless];
  for (const openers of openerTiers) {
    for (const withCloser of [true, false]) {
      if (!withCloser && template.closers.length === 0) {
        continue;
      }
      yield* seededOrder(variantsFor(template, key, openers, withCloser), seed);
    }
  }
}

function isSendable(template: Template, text: string, values: RenderValues): boolean {
  if (measure(text, template.platform) > template.limit) {
    return false;
  }
  if (template.kind === 'dm') {
    return text.includes(values.privacyUrl);
  }
  // Belt and braces over the load-time checks: a public reply never carries a link, @mention or hashtag,
  // whatever the brand name or author name turned out to be.
  return !isPublicKind(template.kind) || (!containsUrl(text) && linkedEntities(text).length === 0);
}

function toDraft(template: Template, key: string, text: string): Draft {
  return {
    text,
    templateId: `${template.id}#${key}`,
    weightedLength: measure(text, template.platform),
    limit: template.limit,
  };
}
