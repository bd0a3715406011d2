import type {
  CompiledLanguage,
  CompiledRules,
  PhraseEntry,
  Target,
  TargetKind,
  TokenInfo,
} from './compile.js';
import { withoutUrls } from './text.js';

export interface Hit {
  target: Target;
  text: string;
  /** −1 when a `flips` rule matched under negation. */
  sign: number;
  /** Topic points for categories: a phrase or pattern says more than one word. */
  points: number;
  /** Token index of the match; −1 for a regex. */
  at: number;
}

export type HitLists = Record<TargetKind, Hit[]>;

export interface Word {
  token: string;
  /** The lexicon's valence of the word (its weighted contribution is in the totals). */
  valence: number;
  negated: boolean;
}

/** Everything read from one text; the thread's last message gets the same treatment. */
export interface Evidence {
  /** One hit per rule (the first match), except categories: one per distinct term. */
  hits: HitLists;
  positive: number;
  negative: number;
  words: Word[];
  question: boolean;
  /** Positive words read as sarcasm ("great" before complaint words, "thanks a lot." after them). */
  sarcasticWords: string | null;
  optOutMessage: boolean;
  privateData: string[];
  /** Token index of the last contrast word ("but"), or −1. */
  contrastAt: number;
}

// Intensifiers reach over at most one word ("very long delay" still intensifies "delay").
const INTENSITY_REACH = 2;
const OPT_OUT_MAX_WORDS = 4;
const SHORT_SENTENCE = 4;
export const NO_HITS: Hit[] = [];

function emptyHits(): HitLists {
  return {
    complaint: NO_HITS,
    praise: NO_HITS,
    sarcasm: NO_HITS,
    suggestion: NO_HITS,
    'opt-out': NO_HITS,
    abusive: NO_HITS,
    'private-data': NO_HITS,
    category: NO_HITS,
    bump: NO_HITS,
    escalation: NO_HITS,
  };
}

function addHit(lists: HitLists, hit: Hit): void {
  const kind = hit.target.kind;
  const list = lists[kind];
  if (list === NO_HITS) {
    lists[kind] = [hit];
    return;
  }
  for (const seen of list) {
    if (seen.target === hit.target && (kind !== 'category' || seen.text === hit.text)) {
      return;
    }
  }
  list.push(hit);
}

function phraseMatches(infos: TokenInfo[], start: number, entry: PhraseEntry): boolean {
  const { rest, exact } = entry;
  for (let offset = 0; offset < rest.length; offset += 1) {
    const info = infos[start + offset];
    if (info === undefined || (exact ? info.token : info.stem) !== rest[offset]) {
      return false;
    }
  }
  return true;
}

function negationSign(target: Target, negated: boolean): number {
  switch (target.negation) {
    case 'blocks':
      return negated ? 0 : 1;
    case 'required':
      return negated ? 1 : 0;
    case 'flips':
      return negated ? -1 : 1;
    case 'ignored':
      return 1;
  }
}

/** The words of infos[start, end) joined by spaces, punctuation left out. */
function wordsBetween(infos: TokenInfo[], start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i += 1) {
    const info = infos[i];
    if (info !== undefined && !info.clause) {
      text += text === '' ? info.token : ` ${info.token}`;
    }
  }
  return text;
}

function isOptOutMessage(language: CompiledLanguage, infos: TokenInfo[], words: number): boolean {
  if (words === 0 || words > OPT_OUT_MAX_WORDS) {
    return false;
  }
  return language.optOutMessages.has(wordsBetween(infos, 0, infos.length));
}

export function collectEvidence(
  compiled: CompiledRules,
  language: CompiledLanguage,
  text: string,
): Evidence {
  const { scoring } = compiled.rules;
  const window = compiled.rules.negationWindow;
  const cleaned = withoutUrls(text);
  const infos = language.scan(cleaned);

  const hits = emptyHits();
  const words: Word[] = [];
  let positive = 0;
  let negative = 0;
  let negatedUntil = -1;
  let intensity = 1;
  let intensityAt = -10;
  let contrastFactor = 1;
  let openerAt = -1;
  let sarcasticWords: string | null = null;
  let wordCount = 0;
  let first: TokenInfo | null = null;
  let question = false;
  // "Two hours on hold. Great!": a short positive sentence after a complaint reads as sarcasm too.
  let complaintSeen = false;
  let complaintBeforeSentence = false;
  let sentenceWords = 0;
  let sentenceStart = 0;
  let contrastAt = -1;

  function match(target: Target, text: string, negated: boolean, at: number, points: number): void {
    const sign = negationSign(target, negated);
    if (sign === 0) {
      return;
    }
    addHit(hits, { target, text, sign, points, at });
    if (target.kind !== 'complaint' || target.weight <= 0 || sign <= 0) {
      return;
    }
    complaintSeen = true;
    if (openerAt >= 0 && openerAt < at) {
      sarcasticWords ??= infos[openerAt]?.token ?? null;
    }
  }

  function endSentence(end: number): void {
    if (complaintBeforeSentence && sentenceWords > 0 && sentenceWords <= SHORT_SENTENCE) {
      const sentence = wordsBetween(infos, sentenceStart, end);
      if (language.sarcasmClosers.has(sentence)) {
        sarcasticWords ??= sentence;
      }
    }
    complaintBeforeSentence = complaintSeen;
    sentenceWords = 0;
    sentenceStart = end + 1;
  }

  // Indexed loops in this hot path: it runs for every token of every mention.
  for (let i = 0; i < infos.length; i += 1) {
    const info = infos[i];
    if (info === undefined) {
      continue;
    }
    if (info.clause) {
      negatedUntil = -1;
      if (info.boundary) {
        intensity = 1;
        openerAt = -1;
        question ||= info.token === '?';
        endSentence(i);
      }
      continue;
    }
    wordCount += 1;
    sentenceWords += 1;
    first ??= info;
    if (info.inert) {
      continue;
    }
    const negated = i <= negatedUntil;
    if (info.contrast) {
      positive *= scoring.contrastBefore;
      negative *= scoring.contrastBefore;
      contrastFactor = scoring.contrastAfter;
      contrastAt = i;
      openerAt = -1;
      complaintSeen = false;
    }
    if (info.valence !== 0) {
      let value = info.valence * contrastFactor;
      if (i - intensityAt <= INTENSITY_REACH) {
        value *= intensity;
        intensity = 1;
      }
      if (negated) {
        value *= scoring.negatedSentimentFactor;
      }
      if (value > 0) {
        positive += value;
      } else {
        negative -= value;
      }
      words.push({ token: info.token, valence: info.valence, negated });
    } else if (info.intensity !== 1) {
      intensity = info.intensity;
      intensityAt = i;
    }
    if (info.sarcasmOpener) {
      openerAt = i;
    }
    for (const entry of info.keywords) {
      match(entry.target, entry.text, negated, i, 1);
    }
    for (const entry of info.phrases) {
      if (phraseMatches(infos, i + 1, entry)) {
        match(entry.target, entry.text, negated, i, 2);
      }
    }
    if (info.negator) {
      negatedUntil = i + window;
    }
  }

  endSentence(infos.length);

  const privateData: string[] = [];
  for (const entry of language.regexes) {
    if (entry.target.negation !== 'required' && entry.regex.test(cleaned)) {
      addHit(hits, { target: entry.target, text: entry.text, sign: 1, points: 2, at: -1 });
    }
  }
  for (const pattern of compiled.privateDataPatterns) {
    if (pattern.regex.test(cleaned)) {
      privateData.push(pattern.id);
    }
  }

  return {
    hits,
    positive,
    negative,
    words,
    question: question || first?.questionStarter === true,
    sarcasticWords,
    optOutMessage: isOptOutMessage(language, infos, wordCount),
    privateData,
    contrastAt,
  };
}
