import type { SparseMatrix } from './linear.js';

/** Feature → column, for the features kept in a model. */
export type Vocabulary = ReadonlyMap<string, number>;

/** Code-unit order, not localeCompare: models and reports must not depend on the machine's ICU data. */
export function compareStrings(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/** The features that occur in at least `minCount` documents, sorted so the model file is stable. */
export function buildVocabulary(documents: readonly string[][], minCount: number): string[] {
  const counts = new Map<string, number>();
  for (const features of documents) {
    for (const feature of new Set(features)) {
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

/**
 * Each known feature's count in the document, divided by √(number of known feature occurrences): a long tweet
 * does not outvote a short one just by having more words. The divisor is not the vector's Euclidean length on
 * purpose: with it, a prediction can add up per-token sums cached once per word (see predict.ts).
 */
export function toMatrix(documents: readonly string[][], vocabulary: Vocabulary): SparseMatrix {
  const rows: Array<Map<number, number>> = [];
  let total = 0;
  for (const features of documents) {
    const counts = new Map<number, number>();
    for (const feature of features) {
      const column = vocabulary.get(feature);
      if (column !== undefined) {
        counts.set(column, (counts.get(column) ?? 0) + 1);
      }
    }
    rows.push(counts);
    total += counts.size;
  }
  const offsets = new Int32Array(rows.length + 1);
  const indices = new Int32Array(total);
  const values = new Float64Array(total);
  let at = 0;
  for (const [r, counts] of rows.entries()) {
    offsets[r] = at;
    let occurrences = 0;
    for (const count of counts.values()) {
      occurrences += count;
    }
    const scale = occurrences === 0 ? 0 : 1 / Math.sqrt(occurrences);
    for (const column of [...counts.keys()].sort((a, b) => a - b)) {
      indices[at] = column;
      values[at] = (counts.get(column) ?? 0) * scale;
      at += 1;
    }
  }
  offsets[rows.length] = at;
  return { rows: rows.length, columns: vocabulary.size, offsets, indices, values };
}
