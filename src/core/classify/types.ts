import type { Flag, Severity } from '../types.js';

/**
 * How a term behaves when a negation ("not", "never", "no", "doesn't", …) stands within the negation window
 * before it.
 * - `blocks`: the rule does not fire when negated ("not a problem" is no problem).
 * - `flips`: the rule fires with the opposite weight when negated ("no issues" counts against a complaint).
 * - `required`: the rule fires only when negated ("never arrived", "no response", "doesn't work").
 * - `ignored`: negation makes no difference (topic words: "no refund" is still about billing).
 */
export type NegationMode = 'blocks' | 'flips' | 'required' | 'ignored';

/** Words and patterns of one language. Keywords and phrases are matched on stemmed tokens. */
export interface Terms {
  /** Single words, matched by stem ("crash" also matches "crashes", "crashed"). */
  keywords: string[];
  /** Several words in a row, each matched by stem ("charged twice"). */
  phrases: string[];
  /** JavaScript regular expressions, case-insensitive, run on the text without URLs. */
  regexes: string[];
}

/**
 * One named rule that matches terms and contributes a weight.
 *
 * @example
 * { id: 'still-waiting', weight: 2, negation: 'blocks',
 *   keywords: [], phrases: ['still waiting', 'still no'], regexes: [] }
 */
export interface TermRule extends Terms {
  id: string;
  /** Log-odds added to the complaint score when the rule fires (negative = evidence against a complaint). */
  weight: number;
  negation: NegationMode;
  /**
   * Match the words as written instead of by stem: "refunded" then does not match "refund", nor "fixed" "fix".
   * For cues whose tense or form carries the meaning.
   */
  exact: boolean;
}

/** Everything language-specific the classifier needs, from one `lexicon.<lang>.yaml`. */
export interface LanguageLexicon {
  language: string;
  /** Word → valence (AFINN scale, −5…+5), after the file's overrides are applied to its base list. */
  sentiment: Record<string, number>;
  /** Words that negate what follows them within the window. */
  negations: string[];
  /** Word → multiplier for the next sentiment word ("very" 1.5, "slightly" 0.5). */
  intensifiers: Record<string, number>;
  /** Words that shift weight to the clause after them ("but", "however"). */
  contrasts: string[];
  /** First words that make a sentence a question even without "?". */
  questionStarters: string[];
  complaintCues: TermRule[];
  /** Evidence against a complaint that also marks a mention as praise. */
  praiseCues: TermRule[];
  /** Patterns of sarcasm ("thanks for nothing"); they add their weight and mute positive sentiment. */
  sarcasmCues: TermRule[];
  /** Positive words that read as sarcasm when complaint words follow in the same sentence ("great, another outage"). */
  sarcasmOpeners: string[];
  /** Short sentences that read as sarcasm after a complaint ("Two hours on hold. Great."). */
  sarcasmClosers: string[];
  /** Suggestions and feature requests: capped at `severity.suggestion`. */
  suggestionCues: TermRule[];
  /** Whole messages that mean "stop" ("stop", "unsubscribe"), compared after removing handles and punctuation. */
  optOutMessages: string[];
  optOutCues: TermRule[];
  abusiveCues: TermRule[];
  /** The author shares, or is asked for, personal details ("my order number", "dm us your email"). */
  privateDataCues: TermRule[];
}

/** A category of complaint, e.g. billing. Brands add their own in `categories.<brand>.yaml`. */
export interface CategoryRule {
  id: string;
  label: string;
  /** Severity of a complaint in this category before bumps. */
  severity: Severity;
  /** Log-odds added to the complaint score when the category matches (0 = topic only). */
  complaintWeight: number;
  /** Language code → terms. */
  match: Record<string, Terms>;
}

/** Raises (or caps) the severity of a complaint when its terms match. */
export interface SeverityBump {
  id: string;
  atLeast: Severity | null;
  atMost: Severity | null;
  /** Log-odds the strongest matched bump adds to the complaint score. */
  complaintWeight: number;
  negation: NegationMode;
  match: Record<string, Terms>;
}

/** Language-independent pattern run on the raw text (URLs removed), e.g. an e-mail address. */
export interface PatternRule {
  id: string;
  regex: string;
}

/** Conditions are ANDed; a trigger with no condition never fires. */
export interface EscalationWhen {
  complaint: boolean | null;
  severity: Severity[];
  categories: string[];
  flags: Flag[];
  match: Record<string, Terms>;
}

export interface EscalationTrigger {
  id: string;
  flag: 'escalate_human' | 'escalate_dm';
  when: EscalationWhen;
}

/** Global constants of the complaint score: logit = bias + evidence; confidence = sigmoid(slope × logit). */
export interface ScoringSettings {
  bias: number;
  slope: number;
  /** Logit per point of negative valence (summed |AFINN|), up to `sentimentCap`. */
  negativeWeight: number;
  /** Logit removed per point of positive valence, up to `sentimentCap`. */
  positiveWeight: number;
  sentimentCap: number;
  /** Added when the mention is a question. */
  questionWeight: number;
  /** Added when the last message of the thread was a complaint. */
  threadWeight: number;
  /** Multiplier of valence before a contrast word, and after it. */
  contrastBefore: number;
  contrastAfter: number;
  /** Valence of a negated sentiment word is multiplied by this ("not good" ≈ −0.5 × 3). */
  negatedSentimentFactor: number;
  /** Negative valence needed for `praise` to be impossible, and positive valence needed for `praise`. */
  praiseMinSentiment: number;
}

export interface SeveritySettings {
  /** Severity of a complaint that matches no category. */
  uncategorised: Severity;
  /** Floor for an influential author (verified, or followers ≥ `influentialFollowers`). */
  influentialAuthor: Severity;
  influentialFollowers: number;
  verifiedIsInfluential: boolean;
  /** Cap applied when a suggestion cue matches. */
  suggestion: Severity;
  /** Floor for a complaint shared (reposts + quotes) fast: "a complaint spreading fast". Null: off. */
  spreading: EngagementRule | null;
  /** Floor for a complaint whose replies grow fast: "a fast-growing thread". Null: off. */
  growingThread: EngagementRule | null;
  bumps: SeverityBump[];
}

/** At least `atLeast` items (shares or replies) at an average of `perHour` or more since the post was made. */
export interface EngagementRule {
  atLeast: number;
  perHour: number;
  severity: Severity;
}

/**
 * Validated, merged classifier rules: plain data, built by `loadClassifierRules` from `rules/*.yaml`.
 *
 * @example
 * const rules = loadClassifierRules('rules');
 * const classify = createClassifier(rules);
 */
export interface ClassifierRules {
  /** Content hash of the rule files (and base word lists); changes whenever a rule changes. */
  version: string;
  /** The rule files this was built from, relative to the rules directory. */
  files: string[];
  defaultLanguage: string;
  /**
   * A mention in a language no lexicon covers: 'escalate' scores it with the default lexicon and flags
   * `escalate_human` (the score means little); 'classify' only scores it.
   */
  unsupportedLanguage: 'escalate' | 'classify';
  negationWindow: number;
  scoring: ScoringSettings;
  severity: SeveritySettings;
  privateDataPatterns: PatternRule[];
  escalation: EscalationTrigger[];
  categories: CategoryRule[];
  /** Language code → lexicon. */
  languages: Record<string, LanguageLexicon>;
}
