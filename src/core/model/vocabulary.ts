import type { SparseMatrix } from './linear.js';

/** Feature → column, for the features kept in a model. */
export type Vocabulary = ReadonlyMap<string, number>;

function compareStrings(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  // Code-unit order, not localeCompare: the model must not depend on the machine's ICU data.
  return a < b ? -1 : 1;
}

/** The features that occur in at least `minCount` documents, sorted so the model file is stable. */
export function buildVocabulary(documents: readonly string[][], minCount: number): string[] {
  const counts = new Map<string, number>();
  for (const features of documents) {
    for (const feature of features) {
      counts.set(feature, (counts.get(feature) ?? 0) + 1);
    }
  }
  const kept: string[] = [];
  for (const [feature, count] of counts) {
    if (count >= minCount) {
      kept.push(feature);
    }
  }
  return kept.sort(compareStrings);
}

export function indexVocabulary(features: readonly string[]): Vocabulary {
  const index = new Map<string, number>();
  for (const [i, feature] of features.entries()) {
    index.set(feature, i);
  }
  return index;
}

/** Columns of the known features of one document, ascending. */
export function columnsOf(features: readonly string[], vocabulary: Vocabulary): number[] {
  const columns: number[] = [];
  for (const feature of features) {
    const column = vocabulary.get(feature);
    if (column !== undefined) {
      columns.push(column);
    }
  }
  return columns.sort((a, b) => a - b);
}

/**
 * Binary presence, scaled to unit length: a long tweet does not outvote a short one just by having more words.
 * Prediction uses the same scaling (1/√k for k known features).
 */
export function toMatrix(documents: readonly string[][], vocabulary: Vocabulary): SparseMatrix {
  const rows: number[][] = [];
  let total = 0;
  for (const features of documents) {
    const columns = columnsOf(features, vocabulary);
    rows.push(columns);
    total += columns.length;
  }
  const offsets = new Int32Array(rows.length + 1);
  const indices = new Int32Array(total);
  const values = new Float64Array(total);
  let at = 0;
  for (const [r, columns] of rows.entries()) {
    offsets[r] = at;
    const value = columns.length === 0 ? 0 : 1 / Math.sqrt(columns.length);
    for (const column of columns) {
      indices[at] = column;
      values[at] = value;
      at += 1;
    }
  }
  offsets[rows.length] = at;
  return { rows: rows.length, columns: vocabulary.size, offsets, indices, values };
}
