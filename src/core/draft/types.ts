import type { Platform } from '../types.js';

export const TEMPLATE_KINDS = ['first-reply', 'dm-handoff', 'dm', 'safe-ack'] as const;

/**
 * What a template is for:
 * - `first-reply`: the public acknowledgment of a complaint;
 * - `dm-handoff`: a public reply saying a DM is on its way;
 * - `dm`: the private message itself, the only kind that may ask for personal data;
 * - `safe-ack`: a neutral public acknowledgment for when nothing else fits.
 */
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** The placeholders a template part may contain, e.g. `{name}`. */
export const PLACEHOLDERS = ['name', 'brand', 'problem', 'privacy_url'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The category every template must cover, and the one unknown categories fall back to. */
export const DEFAULT_CATEGORY = 'default';

/** The language used when a mention's language has no templates. */
export const FALLBACK_LANG = 'en';

export function isPublicKind(kind: TemplateKind): boolean {
  return kind !== 'dm';
}

/** One piece of text a reply is composed from. */
export interface TemplatePart {
  /** Where the part sits in its file, e.g. `bodies.billing[0]`: used in template ids and error messages. */
  key: string;
  text: string;
}

/**
 * One validated template file. A reply is `opener + body + closer`, where the opener or the body carries the
 * category's `{problem}` phrase.
 *
 * @example
 * { id: 'x/first-reply.en', file: 'templates/x/first-reply.en.yaml', kind: 'first-reply', platform: 'x',
 *   lang: 'en', limit: 280, openers: [{ key: 'openers[0]', text: 'Hi {name}, sorry about {problem}.' }],
 *   problems: Map { 'billing' => [{ key: 'problems.billing[0]', text: 'the unexpected charge' }] },
 *   bodies: Map { 'default' => [{ key: 'bodies.default[0]', text: 'Please send us a DM.' }] }, closers: [] }
 */
export interface Template {
  /** `<platform>/<kind>.<lang>`, e.g. `x/first-reply.en`. */
  id: string;
  /** The file it was loaded from, for messages. */
  file: string;
  kind: TemplateKind;
  platform: Platform;
  lang: string;
  /** The most a rendered text may measure (weighted characters on X, code points in the stores). */
  limit: number;
  openers: readonly TemplatePart[];
  /** Category id → noun phrases naming the problem ("the login trouble"); `default` covers the rest. */
  problems: ReadonlyMap<string, readonly TemplatePart[]>;
  /** Category id → what happens next; always has a `default` entry. */
  bodies: ReadonlyMap<string, readonly TemplatePart[]>;
  /** Optional last sentences; dropped when a reply would otherwise be too long. */
  closers: readonly TemplatePart[];
}

/** Every loaded template, keyed by `Template.id`, plus a content hash of the files they came from. */
export interface TemplateSet {
  version: string;
  templates: ReadonlyMap<string, Template>;
}

export function templateId(platform: Platform, kind: TemplateKind, lang: string): string {
  return `${platform}/${kind}.${lang}`;
}
