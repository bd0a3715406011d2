import type { Classification, ClassifierInput, Flag, Reason, Severity } from '../types.js';
import { compileRules } from './compile.js';
import type {
  CompiledLanguage,
  CompiledRules,
  PhraseEntry,
  Target,
  TargetKind,
  TokenInfo,
} from './compile.js';
import { withoutUrls } from './text.js';
import type { ClassifierRules, EscalationWhen } from './types.js';

export type * from './types.js';
export { tokenize } from './text.js';

/** Identifies this algorithm in `classifierVersion`; bump it when scoring changes in a way rules cannot express. */
export const CLASSIFIER_ID = 'builtin-1';

interface Hit {
  target: Target;
  text: string;
  /** −1 when a `flips` rule matched under negation. */
  sign: number;
  /** Topic points for categories: a phrase or pattern says more than one word. */
  points: number;
  /** Token index of the match; −1 for a regex. */
  at: number;
}

type HitLists = Record<TargetKind, Hit[]>;

interface Word {
  token: string;
  /** The lexicon's valence of the word (its weighted contribution is in the totals). */
  valence: number;
  negated: boolean;
}

/** Everything read from one text; the thread's last message gets the same treatment. */
interface Evidence {
  /** One hit per rule (the first match), except categories: one per distinct term. */
  hits: HitLists;
  positive: number;
  negative: number;
  words: Word[];
  question: boolean;
  sarcasmOpener: string | null;
  optOutMessage: boolean;
  privateData: string[];
  /** Token index of the last contrast word ("but"), or −1. */
  contrastAt: number;
}

interface CategoryScore {
  index: number;
  score: number;
  terms: string[];
}

interface Scored {
  evidence: Evidence;
  logit: number;
  sarcasm: boolean;
  sentiment: number;
  category: CategoryScore | null;
  complaintReasons: Reason[];
}

const SEVERITY_RANK: Record<Severity, number> = { P0: 0, P1: 1, P2: 2, P3: 3 };
const SEVERITY_BY_RANK: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];
// VADER's normalisation constant: maps a valence sum onto (−1, 1) with ±4 ≈ ±0.72.
const SENTIMENT_ALPHA = 15;
const MAX_REASON_WORDS = 8;
// Intensifiers reach over at most one word ("very long delay" still intensifies "delay").
const INTENSITY_REACH = 2;
const OPT_OUT_MAX_WORDS = 4;
const SHORT_SENTENCE = 4;
const THRESHOLD = 0.5;
const NO_HITS: Hit[] = [];

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

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

function collectEvidence(
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
  let sarcasmOpener: string | null = null;
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
      sarcasmOpener ??= infos[openerAt]?.token ?? null;
    }
  }

  function endSentence(end: number): void {
    if (complaintBeforeSentence && sentenceWords > 0 && sentenceWords <= SHORT_SENTENCE) {
      const sentence = wordsBetween(infos, sentenceStart, end);
      if (language.sarcasmClosers.has(sentence)) {
        sarcasmOpener ??= sentence;
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
    sarcasmOpener,
    optOutMessage: isOptOutMessage(language, infos, wordCount),
    privateData,
    contrastAt,
  };
}

function bestCategory(hits: Hit[]): CategoryScore | null {
  // Hits of one category are not contiguous; a small map keeps the totals.
  const totals = new Map<number, CategoryScore>();
  for (const hit of hits) {
    let total = totals.get(hit.target.index);
    if (total === undefined) {
      total = { index: hit.target.index, score: 0, terms: [] };
      totals.set(hit.target.index, total);
    }
    total.score += hit.points;
    total.terms.push(hit.text);
  }
  let best: CategoryScore | null = null;
  for (const total of totals.values()) {
    if (
      best === null ||
      total.score > best.score ||
      (total.score === best.score && total.index < best.index)
    ) {
      best = total;
    }
  }
  return best;
}

function score(compiled: CompiledRules, evidence: Evidence, threadComplaint: boolean): Scored {
  const { scoring } = compiled.rules;
  const { hits } = evidence;
  const reasons: Reason[] = [
    {
      field: 'complaint',
      rule: 'score:bias',
      detail: 'prior log-odds of a complaint before any evidence',
      weight: round(scoring.bias),
    },
  ];
  let logit = scoring.bias;

  const sarcasm = hits.sarcasm.length > 0 || evidence.sarcasmOpener !== null;
  for (const hit of hits.sarcasm) {
    logit += hit.target.weight;
    reasons.push({
      field: 'complaint',
      rule: hit.target.ruleId,
      detail: `sarcasm: matched "${hit.text}"`,
      weight: round(hit.target.weight),
    });
  }
  if (evidence.sarcasmOpener !== null) {
    reasons.push({
      field: 'complaint',
      rule: 'sarcasm:positive-word-with-complaint',
      detail: `"${evidence.sarcasmOpener}" next to complaint words: its positive valence is ignored`,
    });
  }

  // Sarcasm turns the positive words into complaint words: they stop counting as praise.
  const positive = sarcasm ? 0 : evidence.positive;
  const negative = evidence.negative;
  const valence = positive - negative;
  const sentiment = round(valence / Math.sqrt(valence * valence + SENTIMENT_ALPHA));

  if (negative > 0) {
    const weight = scoring.negativeWeight * Math.min(negative, scoring.sentimentCap);
    logit += weight;
    reasons.push({
      field: 'complaint',
      rule: 'lexicon:negative-words',
      detail: 'negative sentiment words (see sentiment)',
      weight: round(weight),
    });
  }
  if (positive > 0) {
    const weight = -scoring.positiveWeight * Math.min(positive, scoring.sentimentCap);
    logit += weight;
    reasons.push({
      field: 'complaint',
      rule: 'lexicon:positive-words',
      detail: 'positive sentiment words (see sentiment)',
      weight: round(weight),
    });
  }

  const lists = sarcasm
    ? [hits.complaint, hits.suggestion, hits.abusive]
    : [hits.complaint, hits.praise, hits.suggestion, hits.abusive];
  for (const list of lists) {
    for (const hit of list) {
      // "Had a problem, but support sorted it out": what precedes a contrast counts less, as for sentiment.
      const contrast = hit.at >= 0 && hit.at < evidence.contrastAt ? scoring.contrastBefore : 1;
      const weight = hit.target.weight * hit.sign * contrast;
      if (weight === 0) {
        continue;
      }
      logit += weight;
      reasons.push({
        field: 'complaint',
        rule: hit.target.ruleId,
        detail: hit.sign < 0 ? `negated "${hit.text}"` : `matched "${hit.text}"`,
        weight: round(weight),
      });
    }
  }

  const category = hits.category.length === 0 ? null : bestCategory(hits.category);
  const categoryRule = category === null ? undefined : compiled.rules.categories[category.index];
  if (categoryRule !== undefined && categoryRule.complaintWeight !== 0) {
    logit += categoryRule.complaintWeight;
    reasons.push({
      field: 'complaint',
      rule: `category:${categoryRule.id}`,
      detail: `about ${categoryRule.label.toLowerCase()}`,
      weight: round(categoryRule.complaintWeight),
    });
  }

  if (evidence.question) {
    logit += scoring.questionWeight;
    reasons.push({
      field: 'complaint',
      rule: 'score:question',
      detail: 'a question',
      weight: round(scoring.questionWeight),
    });
  }
  if (threadComplaint) {
    logit += scoring.threadWeight;
    reasons.push({
      field: 'complaint',
      rule: 'score:thread',
      detail: 'the previous message in the thread was a complaint',
      weight: round(scoring.threadWeight),
    });
  }

  return { evidence, logit, sarcasm, sentiment, category, complaintReasons: reasons };
}

function sentimentDetail(scored: Scored): string {
  const { words } = scored.evidence;
  if (words.length === 0) {
    return 'no sentiment words';
  }
  // Integer valences from the word list, not the weighted values: number formatting is slow and the weight
  // field already carries the total.
  let detail = '';
  const shown = Math.min(words.length, MAX_REASON_WORDS);
  for (let i = 0; i < shown; i += 1) {
    const word = words[i];
    if (word === undefined) {
      continue;
    }
    detail += `${i > 0 ? ', ' : ''}"${word.token}" ${word.valence > 0 ? '+' : ''}${word.valence}${word.negated ? ' (negated)' : ''}`;
  }
  if (words.length > shown) {
    detail += ', …';
  }
  if (scored.sarcasm && scored.evidence.positive > 0) {
    detail += ' (positive words ignored: sarcasm)';
  }
  return detail;
}

function isInfluential(compiled: CompiledRules, input: ClassifierInput): string | null {
  const settings = compiled.rules.severity;
  if (settings.verifiedIsInfluential && input.author?.verified === true) {
    return 'verified author';
  }
  const followers = input.author?.followersCount;
  if (typeof followers === 'number' && followers >= settings.influentialFollowers) {
    return `${followers} followers ≥ ${settings.influentialFollowers}`;
  }
  return null;
}

function severityOf(
  compiled: CompiledRules,
  input: ClassifierInput,
  scored: Scored,
  reasons: Reason[],
): Severity {
  const settings = compiled.rules.severity;
  const { hits } = scored.evidence;
  const category =
    scored.category === null ? undefined : compiled.rules.categories[scored.category.index];
  let rank = SEVERITY_RANK[category?.severity ?? settings.uncategorised];
  if (category === undefined) {
    reasons.push({
      field: 'severity',
      rule: 'severity:uncategorised',
      detail: `a complaint in no category starts at ${settings.uncategorised}`,
    });
  } else {
    reasons.push({
      field: 'severity',
      rule: `category:${category.id}`,
      detail: `${category.label} complaints start at ${category.severity}`,
    });
  }

  const suggestion = hits.suggestion[0];
  if (suggestion !== undefined && rank < SEVERITY_RANK[settings.suggestion]) {
    rank = SEVERITY_RANK[settings.suggestion];
    reasons.push({
      field: 'severity',
      rule: suggestion.target.ruleId,
      detail: `a suggestion ("${suggestion.text}"): at most ${settings.suggestion}`,
    });
  }

  // Caps first, then floors: "would be nice if it didn't catch fire" is still P0.
  for (const hit of hits.bump) {
    const atMost = settings.bumps[hit.target.index]?.atMost;
    if (atMost !== null && atMost !== undefined && rank < SEVERITY_RANK[atMost]) {
      rank = SEVERITY_RANK[atMost];
      reasons.push({
        field: 'severity',
        rule: hit.target.ruleId,
        detail: `matched "${hit.text}": at most ${atMost}`,
      });
    }
  }
  for (const hit of hits.bump) {
    const atLeast = settings.bumps[hit.target.index]?.atLeast;
    if (atLeast !== null && atLeast !== undefined && rank > SEVERITY_RANK[atLeast]) {
      rank = SEVERITY_RANK[atLeast];
      reasons.push({
        field: 'severity',
        rule: hit.target.ruleId,
        detail: `matched "${hit.text}": at least ${atLeast}`,
      });
    }
  }

  const influential = isInfluential(compiled, input);
  if (influential !== null && rank > SEVERITY_RANK[settings.influentialAuthor]) {
    rank = SEVERITY_RANK[settings.influentialAuthor];
    reasons.push({
      field: 'severity',
      rule: 'author:influential',
      detail: `${influential}: at least ${settings.influentialAuthor}`,
    });
  }
  return SEVERITY_BY_RANK[rank] ?? settings.uncategorised;
}

function addFlag(flags: Flag[], reasons: Reason[], flag: Flag, rule: string, detail: string): void {
  if (!flags.includes(flag)) {
    flags.push(flag);
  }
  reasons.push({ field: 'flag', rule, detail: `${flag}: ${detail}` });
}

function flagsOf(
  compiled: CompiledRules,
  scored: Scored,
  thread: Scored | null,
  complaint: boolean,
  reasons: Reason[],
): Flag[] {
  const { evidence } = scored;
  const { hits } = evidence;
  const flags: Flag[] = [];

  for (const id of evidence.privateData) {
    addFlag(flags, reasons, 'private_data', `private-data:${id}`, 'personal details in the text');
  }
  for (const hit of hits['private-data']) {
    addFlag(flags, reasons, 'private_data', hit.target.ruleId, `matched "${hit.text}"`);
  }
  for (const hit of thread?.evidence.hits['private-data'] ?? NO_HITS) {
    addFlag(
      flags,
      reasons,
      'private_data',
      hit.target.ruleId,
      `the thread asks for or holds personal details ("${hit.text}")`,
    );
  }

  if (evidence.optOutMessage) {
    addFlag(flags, reasons, 'opt_out', 'opt-out:message', 'the whole message asks to stop');
  }
  for (const hit of hits['opt-out']) {
    addFlag(flags, reasons, 'opt_out', hit.target.ruleId, `matched "${hit.text}"`);
  }
  for (const hit of hits.abusive) {
    addFlag(flags, reasons, 'abusive', hit.target.ruleId, `matched "${hit.text}"`);
  }

  const sarcasmHit = hits.sarcasm[0];
  if (sarcasmHit !== undefined) {
    addFlag(
      flags,
      reasons,
      'sarcasm_suspected',
      sarcasmHit.target.ruleId,
      `matched "${sarcasmHit.text}"`,
    );
  } else if (evidence.sarcasmOpener !== null) {
    addFlag(
      flags,
      reasons,
      'sarcasm_suspected',
      'sarcasm:positive-word-with-complaint',
      `"${evidence.sarcasmOpener}" next to complaint words`,
    );
  }

  if (evidence.question) {
    addFlag(flags, reasons, 'question', 'score:question', 'asks something');
  }

  if (!complaint && !scored.sarcasm) {
    const praise = hits.praise.find((hit) => hit.sign > 0);
    const valence = evidence.positive - evidence.negative;
    if (praise !== undefined) {
      addFlag(flags, reasons, 'praise', praise.target.ruleId, `matched "${praise.text}"`);
    } else if (valence >= compiled.rules.scoring.praiseMinSentiment) {
      addFlag(flags, reasons, 'praise', 'lexicon:positive-words', 'clearly positive words');
    }
  }
  return flags;
}

interface Outcome {
  complaint: boolean;
  severity: Severity | null;
  category: string | null;
  flags: Flag[];
}

function describe(when: EscalationWhen, matched: string | undefined): string {
  const parts: string[] = [];
  if (when.complaint !== null) {
    parts.push(when.complaint ? 'a complaint' : 'not a complaint');
  }
  if (when.severity.length > 0) {
    parts.push(`severity ${when.severity.join('/')}`);
  }
  if (when.categories.length > 0) {
    parts.push(`category ${when.categories.join('/')}`);
  }
  if (when.flags.length > 0) {
    parts.push(`flag ${when.flags.join('/')}`);
  }
  if (matched !== undefined) {
    parts.push(`matched "${matched}"`);
  }
  return parts.join(', ');
}

function triggerHolds(
  compiled: CompiledRules,
  index: number,
  outcome: Outcome,
  matched: boolean,
): boolean {
  const trigger = compiled.rules.escalation[index];
  const hasMatch = compiled.escalationHasMatch[index] === true;
  if (trigger === undefined) {
    return false;
  }
  const { when } = trigger;
  const empty =
    when.complaint === null &&
    when.severity.length === 0 &&
    when.categories.length === 0 &&
    when.flags.length === 0 &&
    !hasMatch;
  if (empty) {
    return false;
  }
  if (when.complaint !== null && when.complaint !== outcome.complaint) {
    return false;
  }
  if (
    when.severity.length > 0 &&
    (outcome.severity === null || !when.severity.includes(outcome.severity))
  ) {
    return false;
  }
  if (
    when.categories.length > 0 &&
    (outcome.category === null || !when.categories.includes(outcome.category))
  ) {
    return false;
  }
  if (when.flags.length > 0 && !when.flags.some((flag) => outcome.flags.includes(flag))) {
    return false;
  }
  return !hasMatch || matched;
}

function escalate(
  compiled: CompiledRules,
  scored: Scored,
  outcome: Outcome,
  reasons: Reason[],
): void {
  const { escalation } = scored.evidence.hits;
  // Flags raised by earlier triggers are visible to later ones, in file order.
  for (const [index, trigger] of compiled.rules.escalation.entries()) {
    let matched: string | undefined;
    for (const hit of escalation) {
      if (hit.target.index === index) {
        matched = hit.text;
        break;
      }
    }
    if (triggerHolds(compiled, index, outcome, matched !== undefined)) {
      addFlag(
        outcome.flags,
        reasons,
        trigger.flag,
        `escalation:${trigger.id}`,
        describe(trigger.when, matched),
      );
    }
  }
}

function languageOf(compiled: CompiledRules, lang: string | null | undefined): CompiledLanguage {
  if (lang === null || lang === undefined || lang === '') {
    return compiled.fallback;
  }
  const code = lang.toLowerCase().split('-')[0] ?? '';
  return compiled.languages.get(code) ?? compiled.fallback;
}

/**
 * Builds the built-in classifier: lexicon + rules + negation + complaint cues, no training.
 * The returned function is pure (same input, same output) and synchronous.
 *
 * @example
 * const classify = createClassifier(loadClassifierRules('rules'));
 * classify({ text: '@acme charged twice and still no refund', source: 'x-mentions' });
 * // → { complaint: true, category: 'billing', severity: 'P1', flags: ['escalate_dm'], … }
 */
export function createClassifier(
  rules: ClassifierRules,
): (input: ClassifierInput) => Classification {
  const compiled = compileRules(rules);
  const classifierVersion = `${CLASSIFIER_ID}+rules:${rules.version}`;

  function evaluate(text: string, language: CompiledLanguage, threadComplaint: boolean): Scored {
    return score(compiled, collectEvidence(compiled, language, text), threadComplaint);
  }

  return function classify(input: ClassifierInput): Classification {
    const language = languageOf(compiled, input.lang);
    const previous = input.thread?.[input.thread.length - 1];
    const thread = previous === undefined ? null : evaluate(previous, language, false);
    const threadComplaint =
      thread !== null && sigmoid(rules.scoring.slope * thread.logit) >= THRESHOLD;
    const scored = evaluate(input.text, language, threadComplaint);

    const probability = sigmoid(rules.scoring.slope * scored.logit);
    const complaint = probability >= THRESHOLD;
    const reasons = scored.complaintReasons;
    reasons.push(
      {
        field: 'complaint',
        rule: 'score:logistic',
        detail: `total log-odds → p(complaint) ${Math.round(probability * 100)}%`,
        weight: round(scored.logit),
      },
      {
        field: 'sentiment',
        rule: `lexicon:${language.lexicon.language}`,
        detail: sentimentDetail(scored),
        weight: scored.sentiment,
      },
    );

    let category: string | null = null;
    const categoryRule =
      scored.category === null ? undefined : rules.categories[scored.category.index];
    // A non-complaint names a topic only on more than one word ("I love this app" is no bug report).
    if (
      categoryRule !== undefined &&
      scored.category !== null &&
      (complaint || scored.category.score >= 2)
    ) {
      category = categoryRule.id;
      reasons.push({
        field: 'category',
        rule: `category:${categoryRule.id}`,
        detail: `${categoryRule.label}: matched ${scored.category.terms.map((term) => `"${term}"`).join(', ')}`,
        weight: scored.category.score,
      });
    }

    const severity = complaint ? severityOf(compiled, input, scored, reasons) : null;
    const flags = flagsOf(compiled, scored, thread, complaint, reasons);
    escalate(compiled, scored, { complaint, severity, category, flags }, reasons);

    return {
      complaint,
      confidence: round(complaint ? probability : 1 - probability),
      sentiment: scored.sentiment,
      category,
      severity,
      flags,
      reasons,
      classifierVersion,
    };
  };
}
