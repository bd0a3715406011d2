import { createHash } from 'node:crypto';
import type { Classification, ClassifierInput } from '../types.js';
import { extractFeatures } from './features.js';
import { fitLogistic, fitSoftmax, fitSoftmaxBatch } from './linear.js';
import type { SparseMatrix } from './linear.js';
import { builtinLogOdds } from './predict.js';
import { ENCODER_DEFAULTS, MODEL_FORMAT } from './schema.js';
import type {
  CategorySettings,
  ComplaintSettings,
  FeatureSettings,
  Hyperparameters,
  TrainedModel,
} from './schema.js';
import { buildVocabulary, compareStrings, indexVocabulary, toMatrix } from './vocabulary.js';

/** One labeled text. `category` is only learned from complaints. */
export interface TrainingRow {
  id: string;
  text: string;
  complaint: 0 | 1;
  category: string | null;
}

export interface HyperparameterOverrides {
  features?: Partial<FeatureSettings>;
  complaint?: Partial<ComplaintSettings>;
  category?: Partial<CategorySettings>;
}

export interface TrainOptions {
  /** ISO time recorded in the model; passed in so training stays pure. */
  createdAt: string;
  hyperparameters?: HyperparameterOverrides;
  /**
   * The built-in classifier. When given, its log-odds become one more feature of the complaint model (an
   * ensemble), and predictions then need the built-in's output for the same text (`withModel` passes it).
   */
  builtin?: (input: ClassifierInput) => Classification;
  /**
   * A pretrained sentence encoder's vectors of the rows. When given, their components become features of the
   * complaint model, and predictions then need the same encoder's vector of each text.
   */
  encoded?: EncodedRows;
}

/** Chosen by 5-fold cross-validation on labeled airline tweets (scripts/model-cv.ts). */
const DEFAULT_HYPERPARAMETERS: Hyperparameters = {
  features: { bigrams: true, negationWindow: 3, charNgrams: [3, 5] },
  complaint: {
    minCount: 2,
    l2: 0.2,
    nbAlpha: 0.5,
    builtinScale: 0.3,
    encoderScale: ENCODER_DEFAULTS.encoderScale,
    threshold: 0.5,
    maxIterations: 200,
  },
  category: {
    minCount: 3,
    l2: 0.1,
    nbAlpha: 0.25,
    balance: true,
    epochs: 20,
    learningRate: 0.1,
    seed: 1,
    encoderL2: ENCODER_DEFAULTS.encoderL2,
    encoderBlend: ENCODER_DEFAULTS.encoderBlend,
  },
};

const TOLERANCE = 1e-4;
// L-BFGS iterations of the encoder category model (cross-validated with 300; it converges well before).
const ENCODER_CATEGORY_ITERATIONS = 300;
const DECIMALS = 1e5;

function round(value: number): number {
  return Math.round(value * DECIMALS) / DECIMALS;
}

function roundAll(values: Iterable<number>): number[] {
  const rounded: number[] = [];
  for (const value of values) {
    rounded.push(round(value));
  }
  return rounded;
}

function resolveHyperparameters(overrides: HyperparameterOverrides = {}): Hyperparameters {
  return {
    features: { ...DEFAULT_HYPERPARAMETERS.features, ...overrides.features },
    complaint: { ...DEFAULT_HYPERPARAMETERS.complaint, ...overrides.complaint },
    category: { ...DEFAULT_HYPERPARAMETERS.category, ...overrides.category },
  };
}

/** SHA-256 over the rows in input order: the same file gives the same hash, a changed label a different one. */
function hashRows(rows: readonly TrainingRow[]): string {
  const hash = createHash('sha256');
  for (const row of rows) {
    hash.update(JSON.stringify([row.id, row.text, row.complaint, row.category]));
    hash.update('\n');
  }
  return hash.digest('hex');
}

function countCategories(rows: readonly TrainingRow[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    if (row.complaint === 1 && row.category !== null) {
      counts.set(row.category, (counts.get(row.category) ?? 0) + 1);
    }
  }
  const result: Record<string, number> = {};
  for (const label of [...counts.keys()].sort(compareStrings)) {
    result[label] = counts.get(label) ?? 0;
  }
  return result;
}

/**
 * Naive Bayes log-count ratio per feature: log of (share of complaint texts with it) over (share of other texts
 * with it), smoothed by alpha. Scaling features by it before logistic regression (NBSVM) beat plain logistic
 * regression by about a point of accuracy in cross-validation.
 */
function logCountRatios(matrix: SparseMatrix, labels: Uint8Array, alpha: number): Float64Array {
  const positive = new Float64Array(matrix.columns).fill(alpha);
  const negative = new Float64Array(matrix.columns).fill(alpha);
  for (let r = 0; r < matrix.rows; r += 1) {
    const counts = labels[r] === 1 ? positive : negative;
    for (let e = matrix.offsets[r] ?? 0; e < (matrix.offsets[r + 1] ?? 0); e += 1) {
      const column = matrix.indices[e] ?? 0;
      counts[column] = (counts[column] ?? 0) + 1;
    }
  }
  let positiveTotal = 0;
  let negativeTotal = 0;
  for (let j = 0; j < matrix.columns; j += 1) {
    positiveTotal += positive[j] ?? 0;
    negativeTotal += negative[j] ?? 0;
  }
  const ratios = new Float64Array(matrix.columns);
  for (let j = 0; j < matrix.columns; j += 1) {
    ratios[j] = Math.log((positive[j] ?? 0) / positiveTotal / ((negative[j] ?? 0) / negativeTotal));
  }
  return ratios;
}

/**
 * The same ratio for each category against the other categories (one-vs-rest), at j × classes + c. Scaling
 * the category model's features by it raised category macro-F1 by about 0.02 in cross-validation.
 */
function classLogCountRatios(
  matrix: SparseMatrix,
  targets: readonly number[],
  classes: number,
  alpha: number,
): Float64Array {
  const counts = new Float64Array(matrix.columns * classes).fill(alpha);
  for (let r = 0; r < matrix.rows; r += 1) {
    const target = targets[r] ?? 0;
    for (let e = matrix.offsets[r] ?? 0; e < (matrix.offsets[r + 1] ?? 0); e += 1) {
      const at = (matrix.indices[e] ?? 0) * classes + target;
      counts[at] = (counts[at] ?? 0) + 1;
    }
  }
  const classTotals = new Float64Array(classes);
  let total = 0;
  for (let j = 0; j < matrix.columns; j += 1) {
    for (let c = 0; c < classes; c += 1) {
      const count = counts[j * classes + c] ?? 0;
      classTotals[c] = (classTotals[c] ?? 0) + count;
      total += count;
    }
  }
  const ratios = new Float64Array(matrix.columns * classes);
  for (let j = 0; j < matrix.columns; j += 1) {
    let featureTotal = 0;
    for (let c = 0; c < classes; c += 1) {
      featureTotal += counts[j * classes + c] ?? 0;
    }
    for (let c = 0; c < classes; c += 1) {
      const inClass = counts[j * classes + c] ?? 0;
      const classTotal = classTotals[c] ?? 0;
      ratios[j * classes + c] = Math.log(
        inClass / classTotal / ((featureTotal - inClass) / (total - classTotal)),
      );
    }
  }
  return ratios;
}

/** Appends `width` dense columns to every row; `fill(r, out)` writes row r's values into `out`. */
function withDenseColumns(
  matrix: SparseMatrix,
  width: number,
  fill: (row: number, out: Float64Array) => void,
): SparseMatrix {
  const offsets = new Int32Array(matrix.rows + 1);
  const indices = new Int32Array(matrix.indices.length + matrix.rows * width);
  const values = new Float64Array(matrix.values.length + matrix.rows * width);
  const extra = new Float64Array(width);
  let at = 0;
  for (let r = 0; r < matrix.rows; r += 1) {
    offsets[r] = at;
    for (let e = matrix.offsets[r] ?? 0; e < (matrix.offsets[r + 1] ?? 0); e += 1) {
      indices[at] = matrix.indices[e] ?? 0;
      values[at] = matrix.values[e] ?? 0;
      at += 1;
    }
    fill(r, extra);
    for (let j = 0; j < width; j += 1) {
      indices[at] = matrix.columns + j;
      values[at] = extra[j] ?? 0;
      at += 1;
    }
  }
  offsets[matrix.rows] = at;
  return { rows: matrix.rows, columns: matrix.columns + width, offsets, indices, values };
}

/** A pretrained sentence encoder's vector of each training text, in row order. */
export interface EncodedRows {
  /** The encoder's name (recorded in the model; prediction needs vectors from the same encoder). */
  name: string;
  vectors: readonly Float32Array[];
}

function trainComplaint(
  documents: string[][],
  rows: readonly TrainingRow[],
  settings: ComplaintSettings,
  builtinScores: Float64Array | null,
  builtinVersion: string | null,
  encoded: EncodedRows | null,
): TrainedModel['complaint'] {
  const vocabulary = buildVocabulary(documents, settings.minCount);
  const labels = Uint8Array.from(rows.map((row) => row.complaint));
  const presence = toMatrix(documents, indexVocabulary(vocabulary));
  const ratios = logCountRatios(presence, labels, settings.nbAlpha);
  for (let e = 0; e < presence.values.length; e += 1) {
    presence.values[e] = (presence.values[e] ?? 0) * (ratios[presence.indices[e] ?? 0] ?? 0);
  }
  // Columns after the vocabulary: the built-in's score (if any), then the encoder's vector (if any).
  const builtinColumn = vocabulary.length;
  const builtinWidth = builtinScores === null ? 0 : 1;
  const encoderColumn = builtinColumn + builtinWidth;
  const dimensions = encoded?.vectors[0]?.length ?? 0;
  const matrix = withDenseColumns(presence, builtinWidth + dimensions, (r, out) => {
    if (builtinScores !== null) {
      out[0] = (builtinScores[r] ?? 0) * settings.builtinScale;
    }
    const vector = encoded?.vectors[r];
    for (let j = 0; j < dimensions; j += 1) {
      out[builtinWidth + j] = (vector?.[j] ?? 0) * settings.encoderScale;
    }
  });
  const fit = fitLogistic(matrix, labels, {
    l2: settings.l2,
    maxIterations: settings.maxIterations,
    tolerance: TOLERANCE,
  });
  const weights = vocabulary.map((_feature, j) => (fit.weights[j] ?? 0) * (ratios[j] ?? 0));
  return {
    vocabulary,
    bias: round(fit.bias),
    weights: roundAll(weights),
    builtin:
      builtinScores === null
        ? null
        : {
            classifierVersion: builtinVersion ?? '',
            weight: round((fit.weights[builtinColumn] ?? 0) * settings.builtinScale),
          },
    encoder:
      encoded === null
        ? null
        : {
            name: encoded.name,
            weights: roundAll(
              Array.from(
                { length: dimensions },
                (_value, j) => (fit.weights[encoderColumn + j] ?? 0) * settings.encoderScale,
              ),
            ),
          },
  };
}

function trainCategories(
  documents: string[][],
  rows: readonly TrainingRow[],
  labels: string[],
  settings: CategorySettings,
  encoded: EncodedRows | null,
): TrainedModel['category'] {
  if (labels.length < 2) {
    return null;
  }
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const selected: string[][] = [];
  const selectedRows: number[] = [];
  const targets: number[] = [];
  for (const [r, row] of rows.entries()) {
    const target = row.category === null ? undefined : labelIndex.get(row.category);
    if (row.complaint === 1 && target !== undefined) {
      selected.push(documents[r] ?? []);
      selectedRows.push(r);
      targets.push(target);
    }
  }
  const counts = new Array<number>(labels.length).fill(0);
  for (const target of targets) {
    counts[target] = (counts[target] ?? 0) + 1;
  }
  let rowWeights: Float64Array | undefined;
  if (settings.balance) {
    rowWeights = Float64Array.from(
      targets,
      (target) => targets.length / (labels.length * (counts[target] ?? 1)),
    );
  }
  const vocabulary = buildVocabulary(selected, settings.minCount);
  const matrix = toMatrix(selected, indexVocabulary(vocabulary));
  const fit = fitSoftmax(matrix, Int32Array.from(targets), labels.length, {
    l2: settings.l2,
    epochs: settings.epochs,
    learningRate: settings.learningRate,
    seed: settings.seed,
    rowWeights,
    featureScales: classLogCountRatios(matrix, targets, labels.length, settings.nbAlpha),
  });
  return {
    vocabulary,
    labels,
    biases: roundAll(fit.biases),
    weights: roundAll(fit.weights),
    encoder:
      encoded === null
        ? null
        : trainEncoderCategories(
            encoded,
            selectedRows,
            targets,
            labels.length,
            settings,
            rowWeights,
          ),
  };
}

/** The category model over the encoder's vectors of the selected rows (blended with the word model). */
function trainEncoderCategories(
  encoded: EncodedRows,
  selectedRows: readonly number[],
  targets: readonly number[],
  classes: number,
  settings: CategorySettings,
  rowWeights: Float64Array | undefined,
): NonNullable<TrainedModel['category']>['encoder'] {
  const dimensions = encoded.vectors[0]?.length ?? 0;
  const empty: SparseMatrix = {
    rows: selectedRows.length,
    columns: 0,
    offsets: new Int32Array(selectedRows.length + 1),
    indices: new Int32Array(0),
    values: new Float64Array(0),
  };
  const matrix = withDenseColumns(empty, dimensions, (r, out) => {
    out.set(encoded.vectors[selectedRows[r] ?? 0] ?? []);
  });
  const fit = fitSoftmaxBatch(matrix, Int32Array.from(targets), classes, {
    l2: settings.encoderL2,
    maxIterations: ENCODER_CATEGORY_ITERATIONS,
    tolerance: TOLERANCE,
    rowWeights,
  });
  return { name: encoded.name, biases: roundAll(fit.biases), weights: roundAll(fit.weights) };
}

function checkEncoded(encoded: EncodedRows, rows: number): void {
  if (encoded.vectors.length !== rows) {
    throw new TypeError(
      `expected ${rows} ${encoded.name} vectors (one per row), got ${encoded.vectors.length}`,
    );
  }
  const dimensions = encoded.vectors[0]?.length ?? 0;
  const uneven = encoded.vectors.findIndex(
    (vector) => vector.length !== dimensions || dimensions === 0,
  );
  if (uneven >= 0) {
    throw new TypeError(
      `${encoded.name} vector of row ${uneven + 1} has ${encoded.vectors[uneven]?.length} components, expected ${dimensions || 'more than 0'}`,
    );
  }
}

/**
 * Fits a complaint model (logistic regression over naive-Bayes-scaled word, word-pair and character n-gram
 * features, optionally with the built-in classifier's score and a pretrained sentence encoder's vector) and, when the complaints carry at least two
 * categories, a category model (multinomial logistic regression over complaints, classes balanced). Pure and
 * deterministic: the same rows and options give a byte-identical model.
 */
export function train(rows: readonly TrainingRow[], options: TrainOptions): TrainedModel {
  const hyperparameters = resolveHyperparameters(options.hyperparameters);
  if (options.encoded !== undefined) {
    checkEncoded(options.encoded, rows.length);
  }
  const documents = rows.map((row) => extractFeatures(row.text, hyperparameters.features));

  let builtinScores: Float64Array | null = null;
  let builtinVersion: string | null = null;
  if (options.builtin !== undefined) {
    builtinScores = new Float64Array(rows.length);
    for (const [r, row] of rows.entries()) {
      // Labeled rows carry no source; the built-in treats every source alike when scoring text.
      const classification = options.builtin({ text: row.text, source: 'x-mentions' });
      builtinScores[r] = builtinLogOdds(classification);
      builtinVersion ??= classification.classifierVersion;
    }
  }

  const categories = countCategories(rows);
  const learned = {
    trainedOn: {
      n: rows.length,
      complaints: rows.filter((row) => row.complaint === 1).length,
      sha256: hashRows(rows),
      categories,
    },
    hyperparameters,
    complaint: trainComplaint(
      documents,
      rows,
      hyperparameters.complaint,
      builtinScores,
      builtinVersion,
      options.encoded ?? null,
    ),
    category: trainCategories(
      documents,
      rows,
      Object.keys(categories),
      hyperparameters.category,
      options.encoded ?? null,
    ),
  };
  const id = createHash('sha256').update(JSON.stringify(learned)).digest('hex').slice(0, 12);
  return { format: MODEL_FORMAT, id, createdAt: options.createdAt, ...learned };
}
