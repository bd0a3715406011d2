import type { BuiltinClassifier, DecidedOutcome } from '../types.js';
import { compileRules } from './compile.js';
import type { CompiledLanguage, CompiledRules } from './compile.js';
import { collectEvidence } from './evidence.js';
import { addFlag, escalate, flagsOf, severityOf } from './outcome.js';
import { round, score, sentimentDetail } from './score.js';
import type { Scored } from './score.js';
import type { ClassifierRules } from './types.js';

export type * from './types.js';
export { tokenize } from './text.js';

/** Identifies this algorithm in `classifierVersion`; bump it when scoring changes in a way rules cannot express. */
export const CLASSIFIER_ID = 'builtin-2';

const THRESHOLD = 0.5;

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

// X's codes for posts with no language of their own: undetermined, or only media, hashtags, mentions,
// cashtags or no linguistic content. The default lexicon is as good as any for those.
const NO_LANGUAGE = new Set(['und', 'qme', 'qht', 'qam', 'qct', 'qst', 'zxx']);

/** The lexicon for a language tag ("es", "pt-BR", "en_GB"), and the code when no lexicon covers it. */
function languageOf(
  compiled: CompiledRules,
  lang: string | null | undefined,
): { language: CompiledLanguage; unsupported: string | null } {
  const code = (lang ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  if (code === '' || NO_LANGUAGE.has(code)) {
    return { language: compiled.fallback, unsupported: null };
  }
  const language = compiled.languages.get(code);
  return language === undefined
    ? { language: compiled.fallback, unsupported: code }
    : { language, unsupported: null };
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
export function createClassifier(rules: ClassifierRules): BuiltinClassifier {
  const compiled = compileRules(rules);
  const categoryById = new Map(rules.categories.map((category) => [category.id, category]));
  const classifierVersion = `${CLASSIFIER_ID}+rules:${rules.version}`;

  function evaluate(text: string, language: CompiledLanguage, threadComplaint: boolean): Scored {
    return score(compiled, collectEvidence(compiled, language, text), threadComplaint);
  }

  return function classify(input, decided?: DecidedOutcome) {
    const { language, unsupported } = languageOf(compiled, input.lang);
    const previous = input.thread?.[input.thread.length - 1];
    const thread = previous === undefined ? null : evaluate(previous, language, false);
    const threadComplaint =
      thread !== null && sigmoid(rules.scoring.slope * thread.logit) >= THRESHOLD;
    const scored = evaluate(input.text, language, threadComplaint);

    const probability = sigmoid(rules.scoring.slope * scored.logit);
    const complaint = decided?.complaint ?? probability >= THRESHOLD;
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
    let categoryRule =
      scored.category === null ? undefined : rules.categories[scored.category.index];
    // A non-complaint names a topic only on more than one word ("I love this app" is no bug report).
    const ownCategory =
      categoryRule !== undefined &&
      scored.category !== null &&
      (complaint || scored.category.score >= 2);
    if (decided?.category !== undefined) {
      category = decided.category;
      // Severity starts where the more urgent of the two starts: a decision made elsewhere never lowers what our
      // evidence says ("caught fire" stays P0 whatever the category), and a category the rules do not know
      // starts where ours does.
      const chosen = category === null ? undefined : categoryById.get(category);
      if (
        chosen !== undefined &&
        (categoryRule === undefined || chosen.severity < categoryRule.severity)
      ) {
        categoryRule = chosen;
      }
    } else if (ownCategory && categoryRule !== undefined && scored.category !== null) {
      category = categoryRule.id;
      reasons.push({
        field: 'category',
        rule: `category:${categoryRule.id}`,
        detail: `${categoryRule.label}: matched ${scored.category.terms.map((term) => `"${term}"`).join(', ')}`,
        weight: scored.category.score,
      });
    }

    const severity = complaint ? severityOf(compiled, input, scored, categoryRule, reasons) : null;
    const flags = flagsOf(compiled, scored, thread, complaint, reasons);
    escalate(compiled, scored, { complaint, severity, category, flags }, reasons);
    if (unsupported !== null && rules.unsupportedLanguage === 'escalate') {
      addFlag(
        flags,
        reasons,
        'escalate_human',
        'language:unsupported',
        `no rules for language "${unsupported}"; scored with the ${language.lexicon.language} lexicon, which cannot read it — a person should`,
      );
    }

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
