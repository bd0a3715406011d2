import { compareStrings } from './vocabulary.js';
/** Class label → log prior and per-token log likelihoods. */
export interface NaiveBayes {
  labels: string[];
  logPriors: number[];
  /** Token → log p(token | label) per label. */
  logLikelihoods: Map<string, number[]>;
  /** Distinct training tokens; tokens never seen in training are skipped at prediction. */
  vocabularySize: number;
}

/**
 * Plain multinomial naive Bayes over token counts with add-`alpha` smoothing: the baseline a trained model
 * must beat (scripts/model-cv.ts).
 */
export function fitNaiveBayes(
  documents: readonly string[][],
  labels: readonly string[],
  alpha: number,
): NaiveBayes {
  const classes = [...new Set(labels)].sort(compareStrings);
  const classIndex = new Map(classes.map((label, i) => [label, i]));
  const docCounts = new Array<number>(classes.length).fill(0);
  const tokenTotals = new Array<number>(classes.length).fill(0);
  const counts = new Map<string, number[]>();
  for (const [d, tokens] of documents.entries()) {
    const c = classIndex.get(labels[d] ?? '') ?? 0;
    docCounts[c] = (docCounts[c] ?? 0) + 1;
    for (const token of tokens) {
      let perClass = counts.get(token);
      if (perClass === undefined) {
        perClass = new Array<number>(classes.length).fill(0);
        counts.set(token, perClass);
      }
      perClass[c] = (perClass[c] ?? 0) + 1;
      tokenTotals[c] = (tokenTotals[c] ?? 0) + 1;
    }
  }
  const size = counts.size;
  const logLikelihoods = new Map<string, number[]>();
  for (const [token, perClass] of counts) {
    logLikelihoods.set(
      token,
      perClass.map((count, c) =>
        Math.log((count + alpha) / ((tokenTotals[c] ?? 0) + alpha * size)),
      ),
    );
  }
  return {
    labels: classes,
    logPriors: docCounts.map((count) => Math.log(count / documents.length)),
    logLikelihoods,
    vocabularySize: size,
  };
}

/** Most likely label and its posterior probability. */
export function predictNaiveBayes(
  model: NaiveBayes,
  tokens: readonly string[],
): { label: string; probability: number } {
  const scores = [...model.logPriors];
  for (const token of tokens) {
    const likelihoods = model.logLikelihoods.get(token);
    if (likelihoods === undefined) {
      continue;
    }
    for (const [c, value] of likelihoods.entries()) {
      scores[c] = (scores[c] ?? 0) + value;
    }
  }
  let best = 0;
  for (const [c, score] of scores.entries()) {
    if (score > (scores[best] ?? -Infinity)) {
      best = c;
    }
  }
  const max = scores[best] ?? 0;
  let total = 0;
  for (const score of scores) {
    total += Math.exp(score - max);
  }
  return { label: model.labels[best] ?? '', probability: 1 / total };
}
