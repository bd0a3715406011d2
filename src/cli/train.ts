import { crossValidate, foldTrainer, formatMeanAndSd } from '../core/model/cross-validate.js';
import type { FoldScore } from '../core/model/cross-validate.js';
import { train } from '../core/model/index.js';
import type {
  EncodedRows,
  HyperparameterOverrides,
  TrainedModel,
  TrainingRow,
} from '../core/model/index.js';
import type { Classification, ClassifierInput } from '../core/types.js';
import { SENTENCE_ENCODER } from '../lib/sentence-encoder.js';
import { encodeTexts, loadBuiltin, readLabeledFile } from './eval.js';
import type { DataCliIo } from './eval.js';

export interface TrainIo extends DataCliIo {
  /** Writes a UTF-8 text file, replacing it. */
  writeFile(path: string, text: string): Promise<void>;
  /** Wall-clock milliseconds since the epoch, recorded in the model as `createdAt`. */
  wallClock(): number;
}

export interface TrainCommandOptions {
  /** A labeled CSV (id,text,complaint[,category]). */
  dataPath?: string;
  /** People's corrections (fetched from the label store by the caller); they win over CSV rows with the same id. */
  fromLabels?: readonly TrainingRow[];
  outPath: string;
  rulesDir: string;
  /** Use the built-in classifier's score as a feature (default true). The model then needs the same rules. */
  ensemble?: boolean;
  /**
   * Use the pretrained sentence encoder's vector of each text as features (default true): about a point more
   * accuracy, at a few dozen texts per second to encode (training and prediction).
   */
  encoder?: boolean;
  hyperparameters?: HyperparameterOverrides;
  /** Cross-validate with this many folds before fitting the final model (2–20). */
  cvFolds?: number;
}

export const MIN_CV_FOLDS = 2;
export const MAX_CV_FOLDS = 20;
const CV_SEED = 1;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function plural(count: number, word: string, words = `${word}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? word : words}`;
}

/** CSV rows first, then labels; a label replaces the CSV row with the same id (a person corrected it). */
function mergeRows(
  csvRows: readonly TrainingRow[],
  labels: readonly TrainingRow[],
): { rows: TrainingRow[]; replaced: number } {
  const labelById = new Map(labels.map((label) => [label.id, label]));
  const rows: TrainingRow[] = [];
  let replaced = 0;
  for (const row of csvRows) {
    if (labelById.has(row.id)) {
      replaced += 1;
      continue;
    }
    rows.push({ id: row.id, text: row.text, complaint: row.complaint, category: row.category });
  }
  for (const label of labelById.values()) {
    rows.push({
      id: label.id,
      text: label.text,
      complaint: label.complaint,
      category: label.category,
    });
  }
  return { rows, replaced };
}

function describeModel(model: TrainedModel): string {
  const parts = [`${plural(model.complaint.vocabulary.length, 'complaint feature')}`];
  if (model.category !== null) {
    parts.push(
      `${plural(model.category.labels.length, 'category', 'categories')} over ${plural(model.category.vocabulary.length, 'feature')}`,
    );
  } else {
    parts.push('no category model (fewer than two categories labeled)');
  }
  return parts.join(', ');
}

/**
 * K-fold cross-validation with the same settings as the final model (folds stratified by the complaint label,
 * seed 1, so a rerun gives the same figures), with always-"complaint" beside it for scale.
 */
function reportCrossValidation(
  rows: readonly TrainingRow[],
  folds: number,
  settings: {
    hyperparameters: HyperparameterOverrides | undefined;
    builtin: ((input: ClassifierInput) => Classification) | undefined;
    encoded: EncodedRows | undefined;
  },
  io: TrainIo,
): void {
  io.out(`${folds}-fold cross-validation (stratified by complaint, seed ${CV_SEED}):`);
  const scores = crossValidate(rows, {
    folds,
    seed: CV_SEED,
    fit: foldTrainer(rows, settings),
    onFold: (k, score) => {
      const category =
        score.categoryMacroF1 === null
          ? ''
          : `, category macro-F1 ${score.categoryMacroF1.toFixed(3)}`;
      io.out(
        `  fold ${k + 1}/${folds}: ${plural(score.n, 'text')}, accuracy ${score.accuracy.toFixed(3)}, F1 ${score.f1.toFixed(3)}${category}`,
      );
    },
  });
  const of = (pick: (score: FoldScore) => number): string => formatMeanAndSd(scores.map(pick));
  const categoryScores = scores.flatMap((score) =>
    score.categoryMacroF1 === null ? [] : [score.categoryMacroF1],
  );
  io.out(
    `  mean ± sd: accuracy ${of((s) => s.accuracy)}, balanced accuracy ${of((s) => s.balancedAccuracy)}, ` +
      `precision ${of((s) => s.precision)}, recall ${of((s) => s.recall)}, F1 ${of((s) => s.f1)}` +
      (categoryScores.length > 0 ? `, category macro-F1 ${formatMeanAndSd(categoryScores)}` : ''),
  );
  const share = rows.filter((row) => row.complaint === 1).length / rows.length;
  const alwaysF1 = share === 0 ? 0 : (2 * share) / (1 + share);
  io.out(
    `  always "complaint" on the same rows: accuracy ${share.toFixed(3)}, F1 ${alwaysF1.toFixed(3)}`,
  );
}

/**
 * `earshot train --data FILE.csv --out MODEL.json` and `earshot train --from-labels [--data FILE.csv]`: fits a
 * model and writes it as JSON. Bad CSV rows are reported (file:line: message) and skipped. Exit code 0; 2 when
 * there is nothing usable to train on or the rules are invalid; 1 when the model cannot be written.
 */
export async function runTrain(options: TrainCommandOptions, io: TrainIo): Promise<number> {
  const command = 'train';
  if (options.dataPath === undefined && options.fromLabels === undefined) {
    io.err(`earshot ${command}: nothing to train on: pass --data FILE.csv and/or --from-labels`);
    return EXIT_USAGE;
  }
  let csvRows: TrainingRow[] = [];
  if (options.dataPath !== undefined) {
    const data = await readLabeledFile(options.dataPath, io, command);
    if (data === null) {
      return EXIT_USAGE;
    }
    csvRows = data.rows;
  }
  const labels = (options.fromLabels ?? []).filter((label) => label.text.trim() !== '');
  const emptyLabels = (options.fromLabels?.length ?? 0) - labels.length;
  if (emptyLabels > 0) {
    io.err(`earshot ${command}: skipped ${plural(emptyLabels, 'label')} with an empty text`);
  }
  const { rows, replaced } = mergeRows(csvRows, labels);
  if (rows.length === 0) {
    io.err(`earshot ${command}: nothing to train on: no labeled rows`);
    return EXIT_USAGE;
  }

  const ensemble = options.ensemble ?? true;
  let builtin: ((input: ClassifierInput) => Classification) | undefined;
  if (ensemble) {
    const loaded = loadBuiltin(options.rulesDir, io, command);
    if (loaded === null) {
      return EXIT_USAGE;
    }
    builtin = loaded;
  }

  const complaints = rows.filter((row) => row.complaint === 1).length;
  const sources: string[] = [];
  if (options.dataPath !== undefined) {
    sources.push(options.dataPath);
  }
  if (options.fromLabels !== undefined) {
    sources.push(
      `${plural(labels.length, 'label')}${replaced > 0 ? ` (${replaced} replacing CSV rows)` : ''}`,
    );
  }
  io.out(
    `training on ${plural(rows.length, 'text')} (${plural(complaints, 'complaint')}) from ${sources.join(' + ')}`,
  );
  if (complaints === 0 || complaints === rows.length) {
    io.err(
      `earshot ${command}: every row says complaint=${complaints === 0 ? 0 : 1}; a model learns nothing ` +
        'without examples of both: add rows labeled 1 and rows labeled 0',
    );
    return EXIT_USAGE;
  }

  // Checked before encoding, which takes minutes on a large file.
  const folds = options.cvFolds;
  if (folds !== undefined && Math.min(complaints, rows.length - complaints) < folds) {
    io.err(
      `earshot ${command}: --cv ${folds} needs at least ${folds} complaints and ${folds} non-complaints; ` +
        `this data has ${complaints} and ${rows.length - complaints}`,
    );
    return EXIT_USAGE;
  }

  let encoded: EncodedRows | undefined;
  if (options.encoder ?? true) {
    const result = await encodeTexts(
      rows.map((row) => row.text),
      io,
      command,
    );
    if (result === null) {
      return EXIT_FAILED;
    }
    encoded = { name: SENTENCE_ENCODER, vectors: result.vectors };
    io.out(
      `encoded ${plural(rows.length, 'text')} with the sentence encoder ${SENTENCE_ENCODER} in ${(result.milliseconds / 1000).toFixed(1)} s`,
    );
  }

  if (folds !== undefined) {
    reportCrossValidation(
      rows,
      folds,
      { hyperparameters: options.hyperparameters, builtin, encoded },
      io,
    );
  }

  const began = io.now();
  const model = train(rows, {
    createdAt: new Date(io.wallClock()).toISOString(),
    hyperparameters: options.hyperparameters,
    builtin,
    encoded,
  });
  const seconds = (io.now() - began) / 1000;
  io.out(`model ${model.id}: ${describeModel(model)}; trained in ${seconds.toFixed(1)} s`);
  if (model.complaint.builtin !== null) {
    io.out(
      `uses the built-in classifier's score (${model.complaint.builtin.classifierVersion}): ` +
        'retrain after changing the classifier rules',
    );
  }
  if (model.complaint.encoder !== null) {
    io.out(
      `uses the sentence encoder ${model.complaint.encoder.name}: classifying a text with this model encodes it first ` +
        '(tens of milliseconds a text)',
    );
  }

  const text = `${JSON.stringify(model)}\n`;
  try {
    await io.writeFile(options.outPath, text);
  } catch (error) {
    io.err(
      `earshot ${command}: cannot write ${options.outPath}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return EXIT_FAILED;
  }
  io.out(`wrote ${options.outPath} (${(text.length / 1e6).toFixed(1)} MB)`);
  return EXIT_OK;
}
