import { scoreLabeled } from '../metrics.js';
import type { BinaryCounts, BinaryMetrics } from '../metrics.js';
import type { Classification, ClassifierInput } from '../types.js';
import { predict } from './predict.js';
import { train } from './train.js';
import type { EncodedRows, HyperparameterOverrides, TrainingRow } from './train.js';
import { withModel } from './with-model.js';
import { seededRandom } from '../seeded-random.js';

/** What a fitted classifier says about one text, as far as the scores need it. */
export interface Outcome {
  complaint: boolean;
  category: string | null;
}

/** Fits on the training rows and returns the classifier to score the held-out fold with. */
export type FitFold = (training: TrainingRow[]) => (text: string) => Outcome;

/** The complaint scores of one held-out fold (`n` rows) and its category macro-F1. */
export interface FoldScore extends Omit<BinaryMetrics, keyof BinaryCounts> {
  /** Null when the held-out complaints carry no category. */
  categoryMacroF1: number | null;
}

/**
 * The fold (0 … folds − 1) of each row: a seeded shuffle dealt round-robin within each complaint label, so every
 * fold holds the same share of complaints and the same seed always gives the same folds.
 */
export function stratifiedFolds(
  rows: readonly TrainingRow[],
  folds: number,
  seed: number,
): number[] {
  const next = seededRandom(seed);
  const fold = new Array<number>(rows.length).fill(0);
  for (const label of [0, 1]) {
    const members = rows.flatMap((row, i) => (row.complaint === label ? [i] : []));
    for (let i = members.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [members[i], members[j]] = [members[j] ?? 0, members[i] ?? 0];
    }
    for (const [k, i] of members.entries()) {
      fold[i] = k % folds;
    }
  }
  return fold;
}

/** Scores one classifier on labeled rows with the same metric code `earshot eval` uses. */
export function scoreRows(rows: readonly TrainingRow[], outcomes: readonly Outcome[]): FoldScore {
  const { binary, categories } = scoreLabeled(rows, outcomes);
  return {
    n: binary.n,
    accuracy: binary.accuracy,
    balancedAccuracy: binary.balancedAccuracy,
    precision: binary.precision,
    recall: binary.recall,
    f1: binary.f1,
    categoryMacroF1: categories?.macroF1 ?? null,
  };
}

/**
 * K-fold cross-validation: each fold is scored by a classifier fitted on the other folds. `onFold` hears each
 * score as it is made (training can take a while).
 */
export function crossValidate(
  rows: readonly TrainingRow[],
  options: {
    folds: number;
    seed: number;
    fit: FitFold;
    onFold?: (k: number, score: FoldScore) => void;
  },
): FoldScore[] {
  const fold = stratifiedFolds(rows, options.folds, options.seed);
  const scores: FoldScore[] = [];
  for (let k = 0; k < options.folds; k += 1) {
    const training = rows.filter((_row, i) => fold[i] !== k);
    const heldOut = rows.filter((_row, i) => fold[i] === k);
    const classify = options.fit(training);
    const score = scoreRows(
      heldOut,
      heldOut.map((row) => classify(row.text)),
    );
    options.onFold?.(k, score);
    scores.push(score);
  }
  return scores;
}

/**
 * Fits the model on a fold's rows with these settings and classifies a held-out text as `earshot eval --model`
 * would. `encoded` holds the encoder's vector of every row of `rows`; the same text has the same vector, so a
 * text finds its vector whichever fold it is in.
 */
export function foldTrainer(
  rows: readonly TrainingRow[],
  settings: {
    hyperparameters?: HyperparameterOverrides;
    builtin?: (input: ClassifierInput) => Classification;
    encoded?: EncodedRows;
  },
): FitFold {
  const { hyperparameters, builtin, encoded } = settings;
  const vectorOf = new Map(rows.map((row, i) => [row.text, encoded?.vectors[i]]));
  const createdAt = new Date(0).toISOString();
  return (training) => {
    const model = train(training, {
      createdAt,
      hyperparameters,
      builtin,
      encoded:
        encoded === undefined
          ? undefined
          : {
              name: encoded.name,
              vectors: training.map((row) => vectorOf.get(row.text) ?? new Float32Array()),
            },
    });
    if (builtin === undefined) {
      return (text) => predict(model, text, { encoding: vectorOf.get(text) });
    }
    const classify = withModel(builtin, model);
    return (text) => classify({ text, source: 'x-mentions', encoding: vectorOf.get(text) });
  };
}

/** "mean ± sd" of the values, to `digits` decimals. */
export function formatMeanAndSd(values: readonly number[], digits = 3): string {
  const { mean, sd } = meanAndSd(values);
  return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`;
}

/** Mean and sample standard deviation (0 for a single value). */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  const variance =
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}
