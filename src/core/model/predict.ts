import type { Classification } from '../types.js';
import { createKeyTable, featureKey, getKey, pairKey, setKey } from './feature-hash.js';
import type { KeyTable } from './feature-hash.js';
import { SENTENCE_END, SENTENCE_START, featureTokens, tokenFeatures } from './features.js';
import type { FeatureSettings, TrainedModel } from './schema.js';

export interface FeatureWeight {
  token: string;
  weight: number;
}

/**
 * What a model says about one text.
 *
 * @example
 * { complaint: true, probability: 0.93, category: 'Late Flight', categoryProbability: 0.71,
 *   topFeatures: [{ token: 'delayed', weight: 2.1 }, { token: 'still|waiting', weight: 1.4 }] }
 */
export interface Prediction {
  complaint: boolean;
  /** p(complaint), whatever the decision. */
  probability: number;
  /**
   * The most likely category if the text is a complaint (like the built-in classifier, a topic is named whatever
   * the complaint decision); null when the model learned no categories.
   */
  category: string | null;
  /** p(category | complaint) of `category`; 0 when `category` is null. */
  categoryProbability: number;
  /** Up to five features of the text that pushed hardest towards the decision, strongest first. */
  topFeatures: FeatureWeight[];
}

export interface PredictContext {
  /** The built-in classifier's output for the same text; required by models trained with it. */
  builtin?: Classification;
  /** The sentence encoder's vector of the same text; required by models trained with one (`model.complaint.encoder`). */
  encoding?: ArrayLike<number>;
}

interface Contribution {
  column: number;
  weight: number;
}

/**
 * What one token adds to a text's scores on its own (the word and its character n-grams), computed once per
 * token: a prediction then adds a few sums per word instead of looking up a dozen n-grams.
 */
interface TokenSums {
  complaintSum: number;
  complaintCount: number;
  categorySums: Float64Array | null;
  categoryCount: number;
  /** The token's strongest complaint features for each direction, for explanations. */
  towards: Contribution[];
  against: Contribution[];
}

interface CompiledCategory {
  labels: string[];
  biases: Float64Array;
  weights: Float64Array;
  /** Summed weights of the current text, one per label (predictions are synchronous). */
  sums: Float64Array;
  /** The category model over the sentence encoder's vector, and its share of the blend. */
  encoder: {
    biases: Float64Array;
    weights: Float64Array;
    blend: number;
    /** The encoder model's scores of the current text (predictions are synchronous). */
    scores: Float64Array;
  } | null;
}

/** Lookup tables built once per model. */
interface CompiledModel {
  id: string;
  features: FeatureSettings;
  threshold: number;
  /** Feature key → entry; one table for both sub-models keeps it to one lookup per feature. */
  entries: KeyTable;
  complaintColumn: Int32Array;
  complaintWeight: Float64Array;
  categoryColumn: Int32Array;
  tokenSums: Map<string, TokenSums>;
  vocabulary: readonly string[];
  bias: number;
  builtinWeight: number | null;
  encoder: { name: string; weights: Float64Array } | null;
  category: CompiledCategory | null;
}

const TOP_FEATURES = 5;
// Keeps the built-in's log-odds finite when it is certain (its confidence is rounded to 3 decimals).
const MAX_PROBABILITY = 0.999;
// Bounds the token cache's memory: it is emptied when it reaches this many tokens.
const TOKEN_CACHE_LIMIT = 100_000;
const compiledModels = new WeakMap<TrainedModel, CompiledModel>();

/** The built-in classifier's log-odds of a complaint, from its decision and confidence. */
export function builtinLogOdds(classification: Classification): number {
  const p = classification.complaint ? classification.confidence : 1 - classification.confidence;
  const clipped = Math.min(MAX_PROBABILITY, Math.max(1 - MAX_PROBABILITY, p));
  return Math.log(clipped / (1 - clipped));
}

function compile(model: TrainedModel): CompiledModel {
  const cached = compiledModels.get(model);
  if (cached !== undefined) {
    return cached;
  }
  const categoryVocabulary = model.category?.vocabulary ?? [];
  const entries = createKeyTable(model.complaint.vocabulary.length + categoryVocabulary.length);
  const complaintColumns: number[] = [];
  const categoryColumns: number[] = [];
  for (const [column, feature] of model.complaint.vocabulary.entries()) {
    // A (one-in-a-billion) hash collision keeps the first feature; the other is never seen.
    if (setKey(entries, featureKey(feature), complaintColumns.length)) {
      complaintColumns.push(column);
      categoryColumns.push(-1);
    }
  }
  for (const [column, feature] of categoryVocabulary.entries()) {
    const key = featureKey(feature);
    const entry = getKey(entries, key);
    if (entry < 0) {
      setKey(entries, key, complaintColumns.length);
      complaintColumns.push(-1);
      categoryColumns.push(column);
    } else if (categoryColumns[entry] === -1) {
      categoryColumns[entry] = column;
    }
  }
  const compiled: CompiledModel = {
    id: model.id,
    features: model.hyperparameters.features,
    threshold: model.hyperparameters.complaint.threshold,
    entries,
    complaintColumn: Int32Array.from(complaintColumns),
    complaintWeight: Float64Array.from(complaintColumns, (column) =>
      column < 0 ? 0 : (model.complaint.weights[column] ?? 0),
    ),
    categoryColumn: Int32Array.from(categoryColumns),
    tokenSums: new Map(),
    vocabulary: model.complaint.vocabulary,
    bias: model.complaint.bias,
    builtinWeight: model.complaint.builtin?.weight ?? null,
    encoder:
      model.complaint.encoder === null
        ? null
        : {
            name: model.complaint.encoder.name,
            weights: Float64Array.from(model.complaint.encoder.weights),
          },
    category:
      model.category === null
        ? null
        : {
            labels: model.category.labels,
            biases: Float64Array.from(model.category.biases),
            weights: Float64Array.from(model.category.weights),
            sums: new Float64Array(model.category.labels.length),
            encoder:
              model.category.encoder === null
                ? null
                : {
                    biases: Float64Array.from(model.category.encoder.biases),
                    weights: Float64Array.from(model.category.encoder.weights),
                    blend: model.hyperparameters.category.encoderBlend,
                    scores: new Float64Array(model.category.labels.length),
                  },
          },
  };
  compiledModels.set(model, compiled);
  return compiled;
}

/**
 * Builds the model's lookup tables now rather than on the first prediction (they take a moment for a large
 * model); call it before timing predictions. Returns the model.
 */
export function prepareModel(model: TrainedModel): TrainedModel {
  compile(model);
  return model;
}

/** Keeps `list` sorted by strength (weight × sign), strongest first, at most TOP_FEATURES long. */
function insertTop(list: Contribution[], candidate: Contribution, sign: number): void {
  const strength = candidate.weight * sign;
  if (strength <= 0) {
    return;
  }
  let at = list.length;
  while (at > 0 && (list[at - 1]?.weight ?? 0) * sign < strength) {
    at -= 1;
  }
  if (at < TOP_FEATURES) {
    list.splice(at, 0, candidate);
    list.length = Math.min(list.length, TOP_FEATURES);
  }
}

/** Adds the category weights of one feature occurrence to `sums`. */
function addCategory(category: CompiledCategory, column: number, sums: Float64Array): void {
  const classes = category.labels.length;
  const base = column * classes;
  for (let c = 0; c < classes; c += 1) {
    sums[c] = (sums[c] ?? 0) + (category.weights[base + c] ?? 0);
  }
}

function sumsOfToken(compiled: CompiledModel, token: string): TokenSums {
  const cached = compiled.tokenSums.get(token);
  if (cached !== undefined) {
    return cached;
  }
  const { category } = compiled;
  const sums: TokenSums = {
    complaintSum: 0,
    complaintCount: 0,
    categorySums: category === null ? null : new Float64Array(category.labels.length),
    categoryCount: 0,
    towards: [],
    against: [],
  };
  const seen = new Set<number>();
  for (const feature of tokenFeatures(token, compiled.features)) {
    const entry = getKey(compiled.entries, featureKey(feature));
    if (entry < 0) {
      continue;
    }
    const column = compiled.complaintColumn[entry] ?? -1;
    if (column >= 0) {
      const weight = compiled.complaintWeight[entry] ?? 0;
      sums.complaintSum += weight;
      sums.complaintCount += 1;
      if (!seen.has(column)) {
        seen.add(column);
        insertTop(sums.towards, { column, weight }, 1);
        insertTop(sums.against, { column, weight }, -1);
      }
    }
    const categoryColumn = compiled.categoryColumn[entry] ?? -1;
    if (category !== null && sums.categorySums !== null && categoryColumn >= 0) {
      addCategory(category, categoryColumn, sums.categorySums);
      sums.categoryCount += 1;
    }
  }
  if (compiled.tokenSums.size >= TOKEN_CACHE_LIMIT) {
    compiled.tokenSums.clear();
  }
  compiled.tokenSums.set(token, sums);
  return sums;
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Turns scores into log-probabilities in place. */
function logSoftmax(scores: Float64Array): void {
  let max = -Infinity;
  for (const score of scores) {
    max = Math.max(max, score);
  }
  let total = 0;
  for (const score of scores) {
    total += Math.exp(score - max);
  }
  const log = max + Math.log(total);
  for (let c = 0; c < scores.length; c += 1) {
    scores[c] = (scores[c] ?? 0) - log;
  }
}

function bestCategory(
  category: CompiledCategory,
  count: number,
  encoding: ArrayLike<number> | undefined,
): { label: string; probability: number } {
  const classes = category.labels.length;
  const scale = count === 0 ? 0 : 1 / Math.sqrt(count);
  const { sums, encoder } = category;
  for (let c = 0; c < classes; c += 1) {
    sums[c] = (category.biases[c] ?? 0) + (sums[c] ?? 0) * scale;
  }
  // With an encoder model: (1 − blend) × log p(words) + blend × log p(encoder), renormalised below.
  if (encoder !== null && encoding !== undefined) {
    logSoftmax(sums);
    const other = encoder.scores;
    other.set(encoder.biases);
    for (let j = 0; j < encoding.length; j += 1) {
      const x = encoding[j] ?? 0;
      for (let c = 0; c < classes; c += 1) {
        other[c] = (other[c] ?? 0) + (encoder.weights[j * classes + c] ?? 0) * x;
      }
    }
    logSoftmax(other);
    for (let c = 0; c < classes; c += 1) {
      sums[c] = (1 - encoder.blend) * (sums[c] ?? 0) + encoder.blend * (other[c] ?? 0);
    }
  }
  let best = 0;
  for (let c = 1; c < classes; c += 1) {
    if ((sums[c] ?? 0) > (sums[best] ?? 0)) {
      best = c;
    }
  }
  let total = 0;
  for (const score of sums) {
    total += Math.exp(score - (sums[best] ?? 0));
  }
  return { label: category.labels[best] ?? '', probability: 1 / total };
}

/**
 * Scores one text with a trained model. Pure; the model's lookup tables are built once per model object
 * (see prepareModel) and each word's contribution is computed once. A model trained with the built-in
 * classifier's score needs the built-in's output in `context`.
 */
export function predict(
  model: TrainedModel,
  text: string,
  context: PredictContext = {},
): Prediction {
  const compiled = compile(model);
  const { category } = compiled;
  const tokens = featureTokens(text, compiled.features);
  category?.sums.fill(0);
  let sum = 0;
  let count = 0;
  let categoryCount = 0;
  const found: TokenSums[] = [];
  for (const token of tokens) {
    const sums = sumsOfToken(compiled, token);
    found.push(sums);
    sum += sums.complaintSum;
    count += sums.complaintCount;
    if (category !== null && sums.categorySums !== null) {
      for (let c = 0; c < category.sums.length; c += 1) {
        category.sums[c] = (category.sums[c] ?? 0) + (sums.categorySums[c] ?? 0);
      }
      categoryCount += sums.categoryCount;
    }
  }
  const pairs: Contribution[] = [];
  if (compiled.features.bigrams) {
    let previous = SENTENCE_START;
    for (const token of [...tokens, SENTENCE_END]) {
      const entry = getKey(compiled.entries, pairKey(previous, token));
      previous = token;
      if (entry < 0) {
        continue;
      }
      const column = compiled.complaintColumn[entry] ?? -1;
      if (column >= 0) {
        const weight = compiled.complaintWeight[entry] ?? 0;
        sum += weight;
        count += 1;
        pairs.push({ column, weight });
      }
      const categoryColumn = compiled.categoryColumn[entry] ?? -1;
      if (category !== null && categoryColumn >= 0) {
        addCategory(category, categoryColumn, category.sums);
        categoryCount += 1;
      }
    }
  }

  // Same scaling as training: counts over √(known feature occurrences).
  let z = compiled.bias + (count === 0 ? 0 : sum / Math.sqrt(count));
  if (compiled.builtinWeight !== null) {
    if (context.builtin === undefined) {
      throw new TypeError(
        `model ${compiled.id} was trained with the built-in classifier's score: pass its output for the text`,
      );
    }
    z += compiled.builtinWeight * builtinLogOdds(context.builtin);
  }
  if (compiled.encoder !== null) {
    z += encoderScore(compiled, compiled.encoder, context.encoding);
  }
  const probability = 1 / (1 + Math.exp(-z));
  const complaint = probability >= compiled.threshold;

  let best: { label: string; probability: number } | null = null;
  if (category !== null) {
    best = bestCategory(category, categoryCount, context.encoding);
  }
  return {
    complaint,
    probability,
    category: best?.label ?? null,
    categoryProbability: best?.probability ?? 0,
    topFeatures: topFeatures(compiled, found, pairs, complaint ? 1 : -1),
  };
}

function encoderScore(
  compiled: CompiledModel,
  encoder: { name: string; weights: Float64Array },
  encoding: ArrayLike<number> | undefined,
): number {
  const { weights } = encoder;
  if (encoding?.length !== weights.length) {
    throw new TypeError(
      encoding === undefined
        ? `model ${compiled.id} was trained with the ${encoder.name} sentence encoder: pass its vector of the text`
        : `model ${compiled.id} expects ${weights.length}-component ${encoder.name} vectors, got ${encoding.length}`,
    );
  }
  let z = 0;
  for (let j = 0; j < weights.length; j += 1) {
    z += (weights[j] ?? 0) * (encoding[j] ?? 0);
  }
  return z;
}

function topFeatures(
  compiled: CompiledModel,
  tokens: readonly TokenSums[],
  pairs: readonly Contribution[],
  sign: number,
): FeatureWeight[] {
  const top: Contribution[] = [];
  const candidates: Contribution[] = [...pairs];
  for (const token of tokens) {
    candidates.push(...(sign > 0 ? token.towards : token.against));
  }
  for (const candidate of candidates) {
    if (!top.some((known) => known.column === candidate.column)) {
      insertTop(top, candidate, sign);
    }
  }
  return top.map((entry) => ({
    token: compiled.vocabulary[entry.column] ?? '',
    weight: roundTo(entry.weight, 3),
  }));
}
