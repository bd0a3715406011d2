import type { Reason } from '../types.js';
import type { CompiledRules } from './compile.js';
import type { Evidence, Hit } from './evidence.js';

export interface CategoryScore {
  index: number;
  score: number;
  terms: string[];
}

export interface Scored {
  evidence: Evidence;
  logit: number;
  sarcasm: boolean;
  sentiment: number;
  category: CategoryScore | null;
  complaintReasons: Reason[];
}

// VADER's normalisation constant: maps a valence sum onto (−1, 1) with ±4 ≈ ±0.72.
const SENTIMENT_ALPHA = 15;
const MAX_REASON_WORDS = 8;

/** Three decimals: enough for the desk, and stable in snapshots of reasons. */
export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
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

export function score(
  compiled: CompiledRules,
  evidence: Evidence,
  threadComplaint: boolean,
): Scored {
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

  const sarcasm = hits.sarcasm.length > 0 || evidence.sarcasticWords !== null;
  for (const hit of hits.sarcasm) {
    logit += hit.target.weight;
    reasons.push({
      field: 'complaint',
      rule: hit.target.ruleId,
      detail: `sarcasm: matched "${hit.text}"`,
      weight: round(hit.target.weight),
    });
  }
  if (evidence.sarcasticWords !== null) {
    reasons.push({
      field: 'complaint',
      rule: 'sarcasm:positive-word-with-complaint',
      detail: `"${evidence.sarcasticWords}" next to complaint words: its positive valence is ignored`,
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

  // A legal threat, a safety risk, fraud: the strongest matched bump counts once, however many match.
  let strongestBump: (typeof hits.bump)[number] | undefined;
  for (const hit of hits.bump) {
    if (hit.sign > 0 && hit.target.weight > (strongestBump?.target.weight ?? 0)) {
      strongestBump = hit;
    }
  }
  if (strongestBump !== undefined) {
    logit += strongestBump.target.weight;
    reasons.push({
      field: 'complaint',
      rule: strongestBump.target.ruleId,
      detail: `matched "${strongestBump.text}"`,
      weight: round(strongestBump.target.weight),
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

export function sentimentDetail(scored: Scored): string {
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
