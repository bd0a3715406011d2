/**
 * Scores for a classifier against labeled data. Pure functions over plain values.
 *
 * Conventions: a ratio whose denominator is 0 (no predicted positives, no actual positives, no rows) is 0,
 * as scikit-learn does with `zero_division=0`.
 */
import { compareStrings } from './model/vocabulary.js';

export interface BinaryCounts {
  /** Complaints called complaints. */
  tp: number;
  /** Non-complaints called complaints. */
  fp: number;
  tn: number;
  /** Complaints missed. */
  fn: number;
}

export interface BinaryMetrics extends BinaryCounts {
  n: number;
  accuracy: number;
  /** Mean of the recall of each class present in the labels: (TPR + TNR) / 2 when both are present. */
  balancedAccuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

/** One labeled row as the category scores see it. */
export interface CategoryObservation {
  /** The label: is it a complaint? */
  complaint: boolean;
  /** The labeled category, or null. */
  category: string | null;
  /** The classifier's category for the row, or null when it gave none. */
  predicted: string | null;
}

export interface CategoryScore {
  category: string;
  /** Scored rows labeled with this category. */
  support: number;
  /** Scored rows the classifier put in this category. */
  predicted: number;
  tp: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ConfusionMatrix {
  /** Row labels: the categories present in the labels, sorted. */
  actual: string[];
  /**
   * Column labels: the actual categories, then any other category the classifier predicted (sorted), then
   * null for "no category".
   */
  predicted: Array<string | null>;
  /** counts[i][j]: rows labeled actual[i] that the classifier put in predicted[j]. */
  counts: number[][];
}

export interface CategoryMetrics {
  /** Rows scored: labeled complaints with a non-empty category. */
  n: number;
  /** Share of scored rows whose predicted category equals the label. */
  accuracy: number;
  /** One entry per category present in the labels, sorted by name. */
  perCategory: CategoryScore[];
  /** Unweighted mean F1 over `perCategory`. */
  macroF1: number;
  confusion: ConfusionMatrix;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function harmonic(precision: number, recall: number): number {
  return ratio(2 * precision * recall, precision + recall);
}

export function countBinary(
  actual: readonly boolean[],
  predicted: readonly boolean[],
): BinaryCounts {
  if (actual.length !== predicted.length) {
    throw new RangeError(`${actual.length} labels but ${predicted.length} predictions`);
  }
  const counts: BinaryCounts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const [i, label] of actual.entries()) {
    const guess = predicted[i] === true;
    if (label && guess) {
      counts.tp += 1;
    } else if (label) {
      counts.fn += 1;
    } else if (guess) {
      counts.fp += 1;
    } else {
      counts.tn += 1;
    }
  }
  return counts;
}

/** Complaint detection scores from a confusion matrix; the positive class is "complaint". */
export function binaryMetricsFromCounts(counts: BinaryCounts): BinaryMetrics {
  const { tp, fp, tn, fn } = counts;
  const n = tp + fp + tn + fn;
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const rates: number[] = [];
  if (tp + fn > 0) {
    rates.push(recall);
  }
  if (tn + fp > 0) {
    rates.push(ratio(tn, tn + fp));
  }
  return {
    ...counts,
    n,
    accuracy: ratio(tp + tn, n),
    balancedAccuracy: ratio(
      rates.reduce((sum, rate) => sum + rate, 0),
      rates.length,
    ),
    precision,
    recall,
    f1: harmonic(precision, recall),
  };
}

export function binaryMetrics(
  actual: readonly boolean[],
  predicted: readonly boolean[],
): BinaryMetrics {
  return binaryMetricsFromCounts(countBinary(actual, predicted));
}

/**
 * Per-category scores, scored only on rows labeled as complaints with a non-empty category: a category says
 * what a complaint is about, so rows labeled "not a complaint" (or a complaint of unknown category) have no
 * category to get right and are skipped. On a scored row the classifier's category is compared as is: when it
 * missed the complaint or gave no category, the row counts against the recall of its labeled category and
 * against no category's precision. A category the classifier predicts that never occurs in the labels gets no
 * score of its own (it has no support) but still costs the recall of the labeled categories.
 *
 * Returns null when no row qualifies (e.g. the file has no category column).
 */
export function categoryMetrics(rows: readonly CategoryObservation[]): CategoryMetrics | null {
  const scored = rows.filter(
    (row) => row.complaint && row.category !== null && row.category !== '',
  );
  if (scored.length === 0) {
    return null;
  }
  const actual = [...new Set(scored.map((row) => row.category ?? ''))].sort(compareStrings);
  const actualSet = new Set(actual);
  const extra = new Set<string>();
  let sawNone = false;
  for (const row of scored) {
    if (row.predicted === null) {
      sawNone = true;
    } else if (!actualSet.has(row.predicted)) {
      extra.add(row.predicted);
    }
  }
  const predicted: Array<string | null> = [...actual, ...[...extra].sort(compareStrings)];
  if (sawNone) {
    predicted.push(null);
  }
  const column = new Map(predicted.map((label, j) => [label, j]));
  const rowOf = new Map(actual.map((label, i) => [label, i]));
  const counts = actual.map(() => new Array<number>(predicted.length).fill(0));
  let correct = 0;
  for (const row of scored) {
    const i = rowOf.get(row.category ?? '') ?? 0;
    const j = column.get(row.predicted) ?? 0;
    const cells = counts[i];
    if (cells !== undefined) {
      cells[j] = (cells[j] ?? 0) + 1;
    }
    if (row.predicted === row.category) {
      correct += 1;
    }
  }

  const perCategory: CategoryScore[] = actual.map((category, i) => {
    const cells = counts[i] ?? [];
    const tp = cells[i] ?? 0;
    const support = cells.reduce((sum, count) => sum + count, 0);
    let predictedCount = 0;
    for (const other of counts) {
      predictedCount += other[i] ?? 0;
    }
    const precision = ratio(tp, predictedCount);
    const recall = ratio(tp, support);
    return {
      category,
      support,
      predicted: predictedCount,
      tp,
      precision,
      recall,
      f1: harmonic(precision, recall),
    };
  });
  const macroF1 = ratio(
    perCategory.reduce((sum, score) => sum + score.f1, 0),
    perCategory.length,
  );
  return {
    n: scored.length,
    accuracy: ratio(correct, scored.length),
    perCategory,
    macroF1,
    confusion: { actual, predicted, counts },
  };
}

/**
 * Complaint and category scores of predictions against labeled rows (complaint 1/0, category or null), as
 * `earshot eval` and cross-validation report them.
 */
export function scoreLabeled(
  rows: ReadonlyArray<{ complaint: 0 | 1; category: string | null }>,
  predictions: ReadonlyArray<{ complaint: boolean; category: string | null }>,
): { binary: BinaryMetrics; categories: CategoryMetrics | null } {
  return {
    binary: binaryMetrics(
      rows.map((row) => row.complaint === 1),
      predictions.map((prediction) => prediction.complaint),
    ),
    categories: categoryMetrics(
      rows.map((row, i) => ({
        complaint: row.complaint === 1,
        category: row.category,
        predicted: predictions[i]?.category ?? null,
      })),
    ),
  };
}
