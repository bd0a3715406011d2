import { stem } from './stem.js';
import { isBoundary, scanTokens, tokenize } from './text.js';
import type { ClassifierRules, LanguageLexicon, NegationMode, TermRule, Terms } from './types.js';

/** Which list of the rules a term belongs to. */
export type TargetKind =
  | 'complaint'
  | 'praise'
  | 'sarcasm'
  | 'suggestion'
  | 'opt-out'
  | 'abusive'
  | 'private-data'
  | 'category'
  | 'bump'
  | 'escalation';

/** The rule a matched term belongs to; `index` points into the list of its kind. */
export interface Target {
  kind: TargetKind;
  index: number;
  /** Shown in reasons, e.g. 'cue:still-waiting'. */
  ruleId: string;
  weight: number;
  negation: NegationMode;
}

export interface KeywordEntry {
  text: string;
  target: Target;
}

export interface PhraseEntry {
  text: string;
  /** Stems (or, when `exact`, tokens) of the phrase's second and later words; the first is the index key. */
  rest: string[];
  exact: boolean;
  target: Target;
}

export interface RegexEntry {
  text: string;
  regex: RegExp;
  target: Target;
}

/** What the classifier knows about one distinct token; computed once, then cached. */
export interface TokenInfo {
  /** The lower-cased token. */
  token: string;
  stem: string;
  /** Sentence punctuation: ends negation, intensity and sarcasm scopes. */
  boundary: boolean;
  /** A comma: ends a negation's scope only ("no refund, worst service"). */
  clause: boolean;
  valence: number;
  negator: boolean;
  /** Multiplier for the next sentiment word; 1 when the token is no intensifier. */
  intensity: number;
  contrast: boolean;
  sarcasmOpener: boolean;
  questionStarter: boolean;
  keywords: KeywordEntry[];
  phrases: PhraseEntry[];
  /** Nothing to do for this word but count it (most words): lets the hot loop skip it. */
  inert: boolean;
}

export interface CompiledLanguage {
  lexicon: LanguageLexicon;
  /** Tokens of a text (URLs already removed) with what the rules know about each. */
  scan: (text: string) => TokenInfo[];
  regexes: RegexEntry[];
  optOutMessages: Set<string>;
  /** Whole short sentences that read as sarcasm after a complaint ("great", "thanks a lot"), normalised. */
  sarcasmClosers: Set<string>;
}

const EMPTY_KEYWORDS: KeywordEntry[] = [];
const EMPTY_PHRASES: PhraseEntry[] = [];
// Open-addressing word cache: 2^17 slots, cleared when half full. Bounds memory on a long-running worker fed
// with endless new words; refilling is cheap.
const CACHE_BITS = 17;
const CACHE_SLOTS = 1 << CACHE_BITS;
const CACHE_MASK = CACHE_SLOTS - 1;
const CACHE_LIMIT = CACHE_SLOTS >> 1;
const RIGHT_QUOTE = 0x2019;
const APOSTROPHE = 39;

function tokensOf(text: string): string[] {
  return tokenize(text).filter((token) => !isBoundary(token) && token !== ',');
}

/** FNV-1a over the char codes of lower[start, end), reading '’' as "'"; never 0 (0 marks an empty slot). */
function hashRange(lower: string, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = start; i < end; i += 1) {
    const code = lower.charCodeAt(i);
    hash = Math.imul(hash ^ (code === RIGHT_QUOTE ? APOSTROPHE : code), 16777619);
  }
  return hash === 0 ? 1 : hash;
}

function sameToken(token: string, lower: string, start: number, end: number): boolean {
  if (token.length !== end - start) {
    return false;
  }
  for (let i = start; i < end; i += 1) {
    const code = lower.charCodeAt(i);
    if (token.charCodeAt(i - start) !== (code === RIGHT_QUOTE ? APOSTROPHE : code)) {
      return false;
    }
  }
  return true;
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [value]);
    return;
  }
  list.push(value);
}

interface IndexBuilder {
  /** `ruleId|stems`: inflections of one word in one rule ("charge", "charged") are one term. */
  seen: Set<string>;
  /** Keyed by stem. */
  keywords: Map<string, KeywordEntry[]>;
  /** Keyed by the exact token, for rules with `exact: true`. */
  exactKeywords: Map<string, KeywordEntry[]>;
  phrases: Map<string, PhraseEntry[]>;
  exactPhrases: Map<string, PhraseEntry[]>;
  regexes: RegexEntry[];
}

function addTerms(builder: IndexBuilder, terms: Terms, target: Target, exact = false): void {
  for (const keyword of terms.keywords) {
    addPhrase(builder, keyword, target, exact);
  }
  for (const phrase of terms.phrases) {
    addPhrase(builder, phrase, target, exact);
  }
  for (const source of terms.regexes) {
    builder.regexes.push({ text: source, regex: new RegExp(source, 'i'), target });
  }
}

function addPhrase(builder: IndexBuilder, text: string, target: Target, exact: boolean): void {
  const tokens = tokensOf(text);
  const words = exact ? tokens : tokens.map(stem);
  const first = words[0];
  const key = `${target.ruleId}|${exact ? '=' : ''}${words.join(' ')}`;
  if (first === undefined || builder.seen.has(key)) {
    return;
  }
  builder.seen.add(key);
  if (words.length === 1) {
    pushTo(exact ? builder.exactKeywords : builder.keywords, first, { text, target });
    return;
  }
  pushTo(exact ? builder.exactPhrases : builder.phrases, first, {
    text,
    rest: words.slice(1),
    exact,
    target,
  });
}

function addRules(
  builder: IndexBuilder,
  rules: TermRule[],
  kind: TargetKind,
  prefix: string,
): void {
  for (const [index, rule] of rules.entries()) {
    const target: Target = {
      kind,
      index,
      ruleId: `${prefix}:${rule.id}`,
      weight: rule.weight,
      negation: rule.negation,
    };
    addTerms(builder, rule, target, rule.exact);
  }
}

function merged<T>(a: T[] | undefined, b: T[] | undefined, empty: T[]): T[] {
  if (a === undefined) {
    return b ?? empty;
  }
  return b === undefined ? a : [...a, ...b];
}

/**
 * Valence by stem for inflections the word list lacks ("crashes" from "crash"). Only base words (whose stem is
 * the word itself) lend their valence: "questionable" must not make "question" negative. Stems whose base words
 * disagree in sign are dropped.
 */
function stemValences(sentiment: Record<string, number>): Map<string, number> {
  const byStem = new Map<string, number>();
  const conflicting = new Set<string>();
  for (const [word, value] of Object.entries(sentiment)) {
    // Two-letter stems are too ambiguous to lend their valence: "has" stems to AFINN's laughing "ha" (+2).
    if (word.includes(' ') || stem(word) !== word || word.length < 3) {
      continue;
    }
    const seen = byStem.get(word);
    if (seen !== undefined && Math.sign(seen) !== Math.sign(value)) {
      conflicting.add(word);
    }
    byStem.set(word, value);
  }
  for (const key of conflicting) {
    byStem.delete(key);
  }
  return byStem;
}

function compileLanguage(rules: ClassifierRules, lexicon: LanguageLexicon): CompiledLanguage {
  const language = lexicon.language;
  const builder: IndexBuilder = {
    seen: new Set(),
    keywords: new Map(),
    exactKeywords: new Map(),
    phrases: new Map(),
    exactPhrases: new Map(),
    regexes: [],
  };
  addRules(builder, lexicon.complaintCues, 'complaint', 'cue');
  addRules(builder, lexicon.praiseCues, 'praise', 'praise');
  addRules(builder, lexicon.sarcasmCues, 'sarcasm', 'sarcasm');
  addRules(builder, lexicon.suggestionCues, 'suggestion', 'suggestion');
  addRules(builder, lexicon.optOutCues, 'opt-out', 'opt-out');
  addRules(builder, lexicon.abusiveCues, 'abusive', 'abusive');
  addRules(builder, lexicon.privateDataCues, 'private-data', 'private-data');
  for (const [index, category] of rules.categories.entries()) {
    const terms = category.match[language];
    if (terms === undefined) {
      continue;
    }
    const target: Target = {
      kind: 'category',
      index,
      ruleId: `category:${category.id}`,
      weight: category.complaintWeight,
      negation: 'ignored',
    };
    addTerms(builder, terms, target);
  }
  for (const [index, bump] of rules.severity.bumps.entries()) {
    const terms = bump.match[language];
    if (terms === undefined) {
      continue;
    }
    const target: Target = {
      kind: 'bump',
      index,
      ruleId: `bump:${bump.id}`,
      weight: bump.complaintWeight,
      negation: bump.negation,
    };
    addTerms(builder, terms, target);
  }
  for (const [index, trigger] of rules.escalation.entries()) {
    const terms = trigger.when.match[language];
    if (terms === undefined) {
      continue;
    }
    const target: Target = {
      kind: 'escalation',
      index,
      ruleId: `escalation:${trigger.id}`,
      weight: 0,
      negation: 'blocks',
    };
    addTerms(builder, terms, target);
  }

  const sentiment = new Map(Object.entries(lexicon.sentiment));
  const sentimentByStem = stemValences(lexicon.sentiment);
  const negations = new Set(lexicon.negations);
  const intensifiers = new Map(Object.entries(lexicon.intensifiers));
  const contrasts = new Set(lexicon.contrasts);
  const openers = new Set(lexicon.sarcasmOpeners);
  const questionStarters = new Set(lexicon.questionStarters);

  function computeInfo(token: string): TokenInfo {
    if (isBoundary(token) || token === ',') {
      return {
        token,
        stem: token,
        boundary: token !== ',',
        clause: true,
        valence: 0,
        negator: false,
        intensity: 1,
        contrast: false,
        sarcasmOpener: false,
        questionStarter: false,
        keywords: EMPTY_KEYWORDS,
        phrases: EMPTY_PHRASES,
        inert: false,
      };
    }
    const tokenStem = stem(token);
    const negator = negations.has(token);
    let valence = sentiment.get(token) ?? sentimentByStem.get(tokenStem) ?? 0;
    // A negator's own valence ("no" is −1 in AFINN) would count twice: it already flips what follows.
    if (negator) {
      valence = 0;
    }
    const info: TokenInfo = {
      token,
      stem: tokenStem,
      boundary: false,
      clause: false,
      valence,
      negator,
      intensity: intensifiers.get(token) ?? 1,
      contrast: contrasts.has(token),
      sarcasmOpener: openers.has(token),
      questionStarter: questionStarters.has(token),
      keywords: merged(
        builder.keywords.get(tokenStem),
        builder.exactKeywords.get(token),
        EMPTY_KEYWORDS,
      ),
      phrases: merged(
        builder.phrases.get(tokenStem),
        builder.exactPhrases.get(token),
        EMPTY_PHRASES,
      ),
      inert: false,
    };
    info.inert =
      info.valence === 0 &&
      !info.negator &&
      info.intensity === 1 &&
      !info.contrast &&
      !info.sarcasmOpener &&
      info.keywords.length === 0 &&
      info.phrases.length === 0;
    return info;
  }

  const slotHashes = new Int32Array(CACHE_SLOTS);
  // Filled, not `new Array(n)`: a large pre-sized array is a slow dictionary in V8.
  const slotInfos: (TokenInfo | undefined)[] = Array.from({ length: CACHE_SLOTS }, () => undefined);
  let cached = 0;
  const symbols = new Map<string, TokenInfo>();
  const infos: TokenInfo[] = [];
  let count = 0;

  // Hot path: a cached word costs one hash over its characters and no allocation.
  function wordInfo(lower: string, start: number, end: number): TokenInfo {
    const hash = hashRange(lower, start, end);
    let slot = hash & CACHE_MASK;
    for (;;) {
      const stored = slotHashes[slot];
      if (stored === 0) {
        break;
      }
      if (stored === hash) {
        const info = slotInfos[slot];
        if (info !== undefined && sameToken(info.token, lower, start, end)) {
          return info;
        }
      }
      slot = (slot + 1) & CACHE_MASK;
    }
    if (cached >= CACHE_LIMIT) {
      slotHashes.fill(0);
      slotInfos.fill(undefined);
      cached = 0;
      slot = hash & CACHE_MASK;
    }
    const info = computeInfo(lower.slice(start, end).replaceAll('\u2019', "'"));
    slotHashes[slot] = hash;
    slotInfos[slot] = info;
    cached += 1;
    return info;
  }

  function symbolInfo(token: string): TokenInfo {
    let info = symbols.get(token);
    if (info === undefined) {
      info = computeInfo(token);
      symbols.set(token, info);
    }
    return info;
  }

  const sink = {
    word(lower: string, start: number, end: number): void {
      infos[count++] = wordInfo(lower, start, end);
    },
    symbol(token: string): void {
      infos[count++] = symbolInfo(token);
    },
  };

  function scan(text: string): TokenInfo[] {
    count = 0;
    scanTokens(text, sink);
    return infos.slice(0, count);
  }

  return {
    lexicon,
    scan,
    regexes: builder.regexes,
    optOutMessages: new Set(lexicon.optOutMessages.map((message) => tokensOf(message).join(' '))),
    sarcasmClosers: new Set(lexicon.sarcasmClosers.map((closer) => tokensOf(closer).join(' '))),
  };
}

export interface CompiledRules {
  rules: ClassifierRules;
  languages: Map<string, CompiledLanguage>;
  fallback: CompiledLanguage;
  privateDataPatterns: { id: string; regex: RegExp }[];
  /** Per escalation trigger: whether it has words to match (then they must match). */
  escalationHasMatch: boolean[];
}

/** Builds the lookup tables once per rule set; classification then costs a few map lookups per token. */
export function compileRules(rules: ClassifierRules): CompiledRules {
  const languages = new Map<string, CompiledLanguage>();
  for (const lexicon of Object.values(rules.languages)) {
    languages.set(lexicon.language, compileLanguage(rules, lexicon));
  }
  const fallback = languages.get(rules.defaultLanguage) ?? languages.values().next().value;
  if (fallback === undefined) {
    throw new Error('classifier rules define no language lexicon');
  }
  return {
    rules,
    languages,
    fallback,
    privateDataPatterns: rules.privateDataPatterns.map((pattern) => ({
      id: pattern.id,
      regex: new RegExp(pattern.regex, 'i'),
    })),
    escalationHasMatch: rules.escalation.map(
      (trigger) => Object.keys(trigger.when.match).length > 0,
    ),
  };
}
