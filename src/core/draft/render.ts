import type { Template, TemplatePart } from './types.js';
import { DEFAULT_CATEGORY } from './types.js';

/** One way to compose a reply: an opener, a body, an optional closer and the problem phrase if one is used. */
export interface Variant {
  opener: TemplatePart;
  problem: TemplatePart | null;
  body: TemplatePart;
  closer: TemplatePart | null;
}

/** The values substituted for placeholders. `name` is empty when the author has no usable name. */
export interface RenderValues {
  name: string;
  brand: string;
  privacyUrl: string;
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

export function usesPlaceholder(text: string, placeholder: string): boolean {
  return text.includes(`{${placeholder}}`);
}

/** Placeholder names in `text`, in order, with repeats. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

export function problemsFor(template: Template, category: string): readonly TemplatePart[] {
  return template.problems.get(category) ?? template.problems.get(DEFAULT_CATEGORY) ?? [];
}

export function bodiesFor(template: Template, category: string): readonly TemplatePart[] {
  return template.bodies.get(category) ?? template.bodies.get(DEFAULT_CATEGORY) ?? [];
}

/**
 * Every combination of `openers` × problem × body × closer for a category. The problem phrase only varies when
 * the opener or body uses `{problem}`; `withCloser: false` gives the closer-less variants.
 */
export function variantsFor(
  template: Template,
  category: string,
  openers: readonly TemplatePart[],
  withCloser: boolean,
): Variant[] {
  const problems = problemsFor(template, category);
  const bodies = bodiesFor(template, category);
  const closers = withCloser && template.closers.length > 0 ? template.closers : [null];
  const variants: Variant[] = [];
  for (const opener of openers) {
    for (const body of bodies) {
      const needsProblem =
        usesPlaceholder(opener.text, 'problem') || usesPlaceholder(body.text, 'problem');
      const problemChoices = needsProblem ? problems : [null];
      for (const problem of problemChoices) {
        for (const closer of closers) {
          variants.push({ opener, problem, body, closer });
        }
      }
    }
  }
  return variants;
}

export function variantKey(variant: Variant): string {
  const parts = [variant.opener, variant.problem, variant.body, variant.closer];
  return parts
    .filter((part): part is TemplatePart => part !== null)
    .map((part) => part.key)
    .join('+');
}

/** Fill the placeholders; inserted values are not scanned again, so a value cannot smuggle in a placeholder. */
export function renderVariant(variant: Variant, values: RenderValues): string {
  const problem = variant.problem === null ? '' : fill(variant.problem.text, values, '');
  const parts = [variant.opener, variant.body, variant.closer]
    .filter((part): part is TemplatePart => part !== null)
    .map((part) => fill(part.text, values, problem));
  return tidy(parts.join(' '));
}

function fill(text: string, values: RenderValues, problem: string): string {
  return text.replace(PLACEHOLDER, (whole, placeholder: string) => {
    switch (placeholder) {
      case 'name':
        return values.name;
      case 'brand':
        return values.brand;
      case 'problem':
        return problem;
      case 'privacy_url':
        return values.privacyUrl;
      default:
        return whole;
    }
  });
}

function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** cyrb53: a fast, well-mixed 53-bit string hash. Deterministic, so the same seed always picks the same text. */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The variants in an order that depends only on the seed. */
export function seededOrder(variants: readonly Variant[], seed: string): Variant[] {
  const ranked = variants.map((variant) => {
    const key = variantKey(variant);
    return { variant, key, rank: hash53(`${seed}\u0000${key}`) };
  });
  ranked.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : 1));
  return ranked.map((entry) => entry.variant);
}

// Crockford's base32 leaves out I, L, O and U, so a reference can't be misread or spell most words.
const REF_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short neutral reference such as `4F2K`, derived from the seed and the attempt number. */
export function referenceCode(seed: string, attempt: number): string {
  let value = hash53(`ref\u0000${seed}\u0000${attempt}`);
  let code = '';
  for (let i = 0; i < 4; i++) {
    code += REF_ALPHABET[value % 32] ?? '0';
    value = Math.floor(value / 32);
  }
  return code;
}

/** The longest suffix `referenceCode` adds: ` (ref 4F2K)`. */
export const REFERENCE_SUFFIX_LENGTH = ' (ref XXXX)'.length;

export function withReference(text: string, code: string): string {
  return `${text} (ref ${code})`;
}
