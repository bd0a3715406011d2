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
}

interface CompiledCategory {
  labels: string[];
  biases: Float64Array;
  // Single precision halves the memory a prediction touches; the stored weights have 5 decimals anyway.
  weights: Float32Array;
  scores: Float64Array;
}

/** Lookup tables built once per model: one map for both sub-models keeps it to one lookup per feature. */
interface CompiledModel {
  id: string;
  features: FeatureSettings;
  threshold: number;
  /** Feature key → entry. */
  entries: KeyTable;
  /**
   * ENTRY_FIELDS numbers per entry, together so one cache line serves a lookup: the stamp of the last text that
   * counted it (a text counts a feature once), its complaint column (−1: none), its complaint weight and its
   * category column (−1: none).
   */
  entryData: Float64Array;
  stamp: number;
  /**
   * Token → the entries of the features it makes alone (the word, its character n-grams). Words repeat from
   * text to text, so most tokens cost one map lookup instead of a dozen hashed n-grams.
   */
  tokenEntries: Map<string, Int32Array>;
  /** Scratch space for one prediction, grown as needed (predictions are synchronous). */
  scratch: {
    found: Int32Array;
    complaintColumns: Int32Array;
    complaintWeights: Float64Array;
    categoryColumns: Int32Array;
  };
  tokens: readonly string[];
  bias: number;
  builtinWeight: number | null;
  category: CompiledCategory | null;
}

const TOP_FEATURES = 5;
const ENTRY_FIELDS = 4;
const SEEN = 0;
const COMPLAINT_COLUMN = 1;
const COMPLAINT_WEIGHT = 2;
const CATEGORY_COLUMN = 3;
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

function scratchFor(size: number): CompiledModel['scratch'] {
  return {
    found: new Int32Array(size),
    complaintColumns: new Int32Array(size),
    complaintWeights: new Float64Array(size),
    categoryColumns: new Int32Array(size),
  };
}

function packEntries(
  complaintColumns: number[],
  categoryColumns: number[],
  weights: number[],
): Float64Array {
  const data = new Float64Array(complaintColumns.length * ENTRY_FIELDS);
  for (const [entry, column] of complaintColumns.entries()) {
    const at = entry * ENTRY_FIELDS;
    data[at + COMPLAINT_COLUMN] = column;
    data[at + COMPLAINT_WEIGHT] = column < 0 ? 0 : (weights[column] ?? 0);
    data[at + CATEGORY_COLUMN] = categoryColumns[entry] ?? -1;
  }
  return data;
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
    entryData: packEntries(complaintColumns, categoryColumns, model.complaint.weights),
    stamp: 0,
    tokenEntries: new Map(),
    scratch: scratchFor(0),
    tokens: model.complaint.vocabulary,
    bias: model.complaint.bias,
    builtinWeight: model.complaint.builtin?.weight ?? null,
    category:
      model.category === null
        ? null
        : {
            labels: model.category.labels,
            biases: Float64Array.from(model.category.biases),
            weights: Float32Array.from(model.category.weights),
            scores: new Float64Array(model.category.labels.length),
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

function entriesOfToken(compiled: CompiledModel, token: string): Int32Array {
  const cached = compiled.tokenEntries.get(token);
  if (cached !== undefined) {
    return cached;
  }
  const found: number[] = [];
  for (const feature of tokenFeatures(token, compiled.features)) {
    const entry = getKey(compiled.entries, featureKey(feature));
    if (entry >= 0) {
      found.push(entry);
    }
  }
  const entries = Int32Array.from(found);
  if (compiled.tokenEntries.size >= TOKEN_CACHE_LIMIT) {
    compiled.tokenEntries.clear();
  }
  compiled.tokenEntries.set(token, entries);
  return entries;
}

/** Entries of every known feature of a text, repeats included, into scratch.found; returns how many. */
function findEntries(compiled: CompiledModel, text: string): number {
  const tokens = featureTokens(text, compiled.features);
  const lists: Int32Array[] = [];
  let capacity = tokens.length + 1;
  for (const token of tokens) {
    const list = entriesOfToken(compiled, token);
    lists.push(list);
    capacity += list.length;
  }
  if (compiled.scratch.found.length < capacity) {
    compiled.scratch = scratchFor(capacity * 2);
  }
  const found = compiled.scratch.found;
  let count = 0;
  for (const list of lists) {
    found.set(list, count);
    count += list.length;
  }
  if (compiled.features.bigrams) {
    let previous = SENTENCE_START;
    for (const token of [...tokens, SENTENCE_END]) {
      const entry = getKey(compiled.entries, pairKey(previous, token));
      if (entry >= 0) {
        found[count] = entry;
        count += 1;
      }
      previous = token;
    }
  }
  return count;
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Keeps the strongest few in one pass, without sorting every feature of the text. */
function topFeatures(
  compiled: CompiledModel,
  columns: Int32Array,
  weights: Float64Array,
  count: number,
  sign: number,
): FeatureWeight[] {
  const best: Array<{ column: number; strength: number }> = [];
  for (let i = 0; i < count; i += 1) {
    const strength = (weights[i] ?? 0) * sign;
    if (strength <= 0) {
      continue;
    }
    const last = best[best.length - 1];
    if (best.length === TOP_FEATURES && last !== undefined && strength <= last.strength) {
      continue;
    }
    let at = best.length;
    while (at > 0 && (best[at - 1]?.strength ?? 0) < strength) {
      at -= 1;
    }
    best.splice(at, 0, { column: columns[i] ?? 0, strength });
    if (best.length > TOP_FEATURES) {
      best.pop();
    }
  }
  return best.map((entry) => ({
    token: compiled.tokens[entry.column] ?? '',
    weight: roundTo(entry.strength * sign, 3),
  }));
}

function predictCategory(
  category: CompiledCategory,
  columns: Int32Array,
  count: number,
): { label: string; probability: number } {
  const value = count === 0 ? 0 : 1 / Math.sqrt(count);
  const classes = category.labels.length;
  const scores = category.scores;
  scores.set(category.biases);
  for (let i = 0; i < count; i += 1) {
    const base = (columns[i] ?? 0) * classes;
    for (let c = 0; c < classes; c += 1) {
      scores[c] = (scores[c] ?? 0) + (category.weights[base + c] ?? 0) * value;
    }
  }
  let best = 0;
  let max = -Infinity;
  for (const [c, score] of scores.entries()) {
    if (score > max) {
      max = score;
      best = c;
    }
  }
  let total = 0;
  for (const score of scores) {
    total += Math.exp(score - max);
  }
  return { label: category.labels[best] ?? '', probability: 1 / total };
}

/**
 * Scores one text with a trained model. Pure; the model's lookup tables are built once per model object
 * (see prepareModel). A model trained with the built-in classifier's score needs the built-in's output in
 * `context`.
 */
export function predict(
  model: TrainedModel,
  text: string,
  context: PredictContext = {},
): Prediction {
  const compiled = compile(model);
  const count = findEntries(compiled, text);
  const { found, complaintColumns, complaintWeights, categoryColumns } = compiled.scratch;
  let complaintCount = 0;
  let categoryCount = 0;
  const data = compiled.entryData;
  compiled.stamp = compiled.stamp >= Number.MAX_SAFE_INTEGER ? 1 : compiled.stamp + 1;
  const stamp = compiled.stamp;
  let sum = 0;
  for (let i = 0; i < count; i += 1) {
    const at = (found[i] ?? 0) * ENTRY_FIELDS;
    if (data[at + SEEN] === stamp) {
      continue;
    }
    data[at + SEEN] = stamp;
    const complaintColumn = data[at + COMPLAINT_COLUMN] ?? -1;
    if (complaintColumn >= 0) {
      const weight = data[at + COMPLAINT_WEIGHT] ?? 0;
      complaintColumns[complaintCount] = complaintColumn;
      complaintWeights[complaintCount] = weight;
      complaintCount += 1;
      sum += weight;
    }
    const categoryColumn = data[at + CATEGORY_COLUMN] ?? -1;
    if (categoryColumn >= 0) {
      categoryColumns[categoryCount] = categoryColumn;
      categoryCount += 1;
    }
  }

  // Same unit-length scaling as training.
  let z = compiled.bias + (complaintCount === 0 ? 0 : sum / Math.sqrt(complaintCount));
  if (compiled.builtinWeight !== null) {
    if (context.builtin === undefined) {
      throw new TypeError(
        `model ${compiled.id} was trained with the built-in classifier's score: pass its output for the text`,
      );
    }
    z += compiled.builtinWeight * builtinLogOdds(context.builtin);
  }
  const probability = 1 / (1 + Math.exp(-z));
  const complaint = probability >= compiled.threshold;

  let category: string | null = null;
  let categoryProbability = 0;
  if (compiled.category !== null) {
    const best = predictCategory(compiled.category, categoryColumns, categoryCount);
    category = best.label;
    categoryProbability = best.probability;
  }
  return {
    complaint,
    probability,
    category,
    categoryProbability,
    topFeatures: topFeatures(
      compiled,
      complaintColumns,
      complaintWeights,
      complaintCount,
      complaint ? 1 : -1,
    ),
  };
}
