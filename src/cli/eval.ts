import cliProgress from 'cli-progress';
import { loadClassifierRules } from '../config/rules.js';
import { createClassifier } from '../core/classify/index.js';
import { scoreLabeled } from '../core/metrics.js';
import type { BinaryMetrics, CategoryMetrics } from '../core/metrics.js';
import { parseModelJson, withModel } from '../core/model/index.js';
import type { TrainedModel } from '../core/model/index.js';
import type { Classification, ClassifierInput } from '../core/types.js';
import { ConfigError } from '../errors.js';
import { readLabeledCsv } from '../lib/labeled-csv.js';
import type { LabeledRow } from '../lib/labeled-csv.js';
import { SENTENCE_ENCODER, encoderOfModel, loadSentenceEncoder } from '../lib/sentence-encoder.js';
import type { SentenceEncoder } from '../lib/sentence-encoder.js';
import type { CliIo } from './io.js';

/** What `earshot eval` and `earshot train` may touch, passed in by the composition root. */
export interface DataCliIo extends CliIo {
  /** Reads a UTF-8 text file; rejects (e.g. ENOENT) when it cannot. */
  readFile(path: string): Promise<string>;
  /** Milliseconds on a monotonic clock, sub-millisecond when possible (performance.now()). */
  now(): number;
  /** Where the progress bar draws (normally process.stderr); a bar is drawn only when `isTTY`. */
  progress?: NodeJS.WritableStream;
}

export interface EvalOptions {
  dataPath: string;
  /** A model written by `earshot train`; without it the built-in classifier is measured alone. */
  modelPath?: string;
  json: boolean;
  rulesDir: string;
}

/** The `--json` line: snake_case keys, numbers rounded to 4 decimals. */
export interface EvalReport {
  n: number;
  skipped: number;
  classifier_version: string;
  accuracy: number;
  balanced_accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Null when no row is a labeled complaint with a category. */
  category_macro_f1: number | null;
  category_accuracy: number | null;
  category_n: number;
  categories: Array<{
    category: string;
    support: number;
    precision: number;
    recall: number;
    f1: number;
  }>;
  confusion: { actual: string[]; predicted: Array<string | null>; counts: number[][] } | null;
  /** Texts classified per second, timed around classification only; null if the clock saw no time pass. */
  texts_per_second: number | null;
}

type Classify = (input: ClassifierInput) => Classification;

// Classify in chunks and time each chunk alone, so drawing the progress bar is not counted as classifying.
const CHUNK = 256;
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function fixed(value: number): string {
  return value.toFixed(3);
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
};

function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  return FILE_ERRORS[code] ?? error.message;
}

/**
 * Reads and checks a labeled CSV: every bad row is reported on stderr as file:line: message, the good rows are
 * returned. Null when the file cannot be read or has no usable row (the caller exits 2).
 */
export async function readLabeledFile(
  path: string,
  io: DataCliIo,
  command: string,
): Promise<{ rows: LabeledRow[]; skipped: number } | null> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    io.err(`earshot ${command}: cannot read ${path}: ${describeError(error)}`);
    return null;
  }
  const { rows, errors } = readLabeledCsv(text, path);
  for (const error of errors) {
    io.err(`${error.source}:${error.line}: ${error.message}`);
  }
  if (rows.length === 0) {
    io.err(`earshot ${command}: ${path} has no usable rows`);
    return null;
  }
  if (errors.length > 0) {
    io.err(
      `earshot ${command}: skipped ${errors.length} bad row${errors.length === 1 ? '' : 's'} of ${path}; using ${rows.length}`,
    );
  }
  return { rows, skipped: errors.length };
}

/** Loads the built-in classifier from a rules directory; null (after saying why) when the rules are invalid. */
export function loadBuiltin(rulesDir: string, io: DataCliIo, command: string): Classify | null {
  try {
    return createClassifier(loadClassifierRules(rulesDir));
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`earshot ${command}: ${error.message}`);
      return null;
    }
    throw error;
  }
}

/** Reads and validates a model file; null (after saying why) when it cannot be used. */
async function loadModelFile(
  path: string,
  io: DataCliIo,
  command: string,
): Promise<TrainedModel | null> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    io.err(`earshot ${command}: cannot read model ${path}: ${describeError(error)}`);
    return null;
  }
  try {
    const model = parseModelJson(text, path);
    encoderOfModel(model, path);
    return model;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`earshot ${command}: ${error.message}`);
      return null;
    }
    throw error;
  }
}

function progressBar(io: DataCliIo, format: string): cliProgress.SingleBar | null {
  return io.isTTY && io.progress !== undefined
    ? new cliProgress.SingleBar(
        { stream: io.progress, clearOnComplete: true, hideCursor: true, format },
        cliProgress.Presets.shades_classic,
      )
    : null;
}

/**
 * The sentence encoder's vector of each text, for a model that uses the encoder, with a progress bar (the
 * encoder reads a few dozen texts per second on two cores); null (after saying why) when the encoder does not
 * load.
 */
export async function encodeTexts(
  texts: readonly string[],
  io: DataCliIo,
  command: string,
): Promise<{ vectors: Float32Array[]; milliseconds: number } | null> {
  const began = io.now();
  let encoder: SentenceEncoder;
  try {
    encoder = await loadSentenceEncoder();
  } catch (error) {
    io.err(
      `earshot ${command}: cannot load the sentence encoder ${SENTENCE_ENCODER}: ${describeError(error)}`,
    );
    return null;
  }
  const bar = progressBar(io, `encoding with ${encoder.name} [{bar}] {value}/{total} texts`);
  bar?.start(texts.length, 0);
  const vectors = await encoder.embed(texts, (done) => bar?.update(done));
  bar?.stop();
  return { vectors, milliseconds: io.now() - began };
}

function classifyAll(
  rows: readonly LabeledRow[],
  classify: Classify,
  io: DataCliIo,
  encodings: readonly Float32Array[] | null,
): { results: Classification[]; milliseconds: number } {
  const bar = progressBar(io, 'classifying [{bar}] {value}/{total} texts');
  bar?.start(rows.length, 0);
  const results: Classification[] = [];
  let milliseconds = 0;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const began = io.now();
    for (const row of chunk) {
      // Labeled rows carry no source; scoring is the same for every source.
      const encoding = encodings?.[results.length];
      results.push(classify({ text: row.text, source: 'x-mentions', encoding }));
    }
    milliseconds += io.now() - began;
    bar?.update(results.length);
  }
  bar?.stop();
  return { results, milliseconds };
}

function buildReport(
  rows: readonly LabeledRow[],
  results: readonly Classification[],
  skipped: number,
  milliseconds: number,
  version: string,
): { report: EvalReport; binary: BinaryMetrics; categories: CategoryMetrics | null } {
  const { binary, categories } = scoreLabeled(rows, results);
  const report: EvalReport = {
    n: binary.n,
    skipped,
    classifier_version: version,
    accuracy: round4(binary.accuracy),
    balanced_accuracy: round4(binary.balancedAccuracy),
    precision: round4(binary.precision),
    recall: round4(binary.recall),
    f1: round4(binary.f1),
    tp: binary.tp,
    fp: binary.fp,
    tn: binary.tn,
    fn: binary.fn,
    category_macro_f1: categories === null ? null : round4(categories.macroF1),
    category_accuracy: categories === null ? null : round4(categories.accuracy),
    category_n: categories?.n ?? 0,
    categories: (categories?.perCategory ?? []).map((score) => ({
      category: score.category,
      support: score.support,
      precision: round4(score.precision),
      recall: round4(score.recall),
      f1: round4(score.f1),
    })),
    confusion: categories?.confusion ?? null,
    texts_per_second: milliseconds > 0 ? Math.round((rows.length * 1000) / milliseconds) : null,
  };
  return { report, binary, categories };
}

function table(
  path: string,
  report: EvalReport,
  binary: BinaryMetrics,
  categories: CategoryMetrics | null,
): string[] {
  const lines = [
    `${path}: ${report.n} texts${report.skipped > 0 ? ` (${report.skipped} bad rows skipped)` : ''}`,
    `classifier: ${report.classifier_version}`,
    '',
    'complaint detection',
    `  accuracy           ${fixed(binary.accuracy)}`,
    `  balanced accuracy  ${fixed(binary.balancedAccuracy)}`,
    `  precision          ${fixed(binary.precision)}`,
    `  recall             ${fixed(binary.recall)}`,
    `  F1                 ${fixed(binary.f1)}`,
    `  counts             tp ${binary.tp}  fp ${binary.fp}  tn ${binary.tn}  fn ${binary.fn}`,
    '',
  ];
  if (categories === null) {
    lines.push('categories: none labeled (no complaint row has a category)');
  } else {
    lines.push(...categoryTable(categories));
  }
  lines.push('');
  lines.push(
    report.texts_per_second === null
      ? 'speed: too fast to time on this clock'
      : `speed: ${report.texts_per_second.toLocaleString('en-US')} texts/s (classification only, one cold pass; npm run bench:classify measures a warm process)`,
  );
  return lines;
}

function categoryTable(categories: CategoryMetrics): string[] {
  const width = Math.max(8, ...categories.perCategory.map((score) => score.category.length));
  const lines = [
    `categories (${categories.n} labeled complaints with a category; accuracy ${fixed(categories.accuracy)})`,
    `  ${'category'.padEnd(width)}  support  precision  recall     F1`,
  ];
  for (const score of categories.perCategory) {
    lines.push(
      `  ${score.category.padEnd(width)}  ${String(score.support).padStart(7)}  ` +
        `${fixed(score.precision).padStart(9)}  ${fixed(score.recall).padStart(6)}  ${fixed(score.f1).padStart(5)}`,
    );
  }
  lines.push(
    `  ${'macro F1'.padEnd(width)}  ${''.padStart(7)}  ${''.padStart(9)}  ${''.padStart(6)}  ${fixed(categories.macroF1).padStart(5)}`,
  );
  lines.push('');
  lines.push('confusion matrix (rows: label, columns: predicted)');
  const { actual, predicted, counts } = categories.confusion;
  const cell = Math.max(4, ...counts.flat().map((count) => String(count).length + 1));
  lines.push(
    `  ${''.padEnd(width + 4)}${predicted.map((_label, j) => `#${j + 1}`.padStart(cell)).join('')}`,
  );
  for (const [i, label] of actual.entries()) {
    const row = counts[i] ?? [];
    lines.push(
      `  ${`#${i + 1}`.padEnd(4)}${label.padEnd(width)}${row.map((count) => String(count).padStart(cell)).join('')}`,
    );
  }
  const extra = predicted
    .map((label, j) => ({ label, j }))
    .filter(({ label }) => label === null || !actual.includes(label))
    .map(({ label, j }) => `#${j + 1} = ${label ?? '(no category)'}`);
  if (extra.length > 0) {
    lines.push(`  predicted only: ${extra.join(', ')}`);
  }
  const given = predicted.filter(
    (label, j): label is string => label !== null && counts.some((row) => (row[j] ?? 0) > 0),
  );
  if (given.length > 0 && !given.some((label) => actual.includes(label))) {
    // Otherwise a reader sees 0.000 everywhere and may take it for a broken classifier.
    lines.push(
      '',
      `note: no category in the file is one the classifier gives (${given.join(', ')}), so the per-category ` +
        'figures compare different names; give the rules these categories (rules/*.yaml) or train a model ' +
        'on this file (earshot train)',
    );
  }
  return lines;
}

/**
 * `earshot eval --data FILE.csv [--model MODEL.json] [--json]`: measures the classifier on labeled data.
 * Bad rows are reported (file:line: message) and skipped. Exit code 0, or 2 when the data, the rules or the
 * model cannot be used, 1 when the sentence encoder a model needs does not load. With `json`, the last line of output is the EvalReport.
 */
export async function runEval(options: EvalOptions, io: DataCliIo): Promise<number> {
  const command = 'eval';
  const data = await readLabeledFile(options.dataPath, io, command);
  if (data === null) {
    return EXIT_USAGE;
  }
  const { rows, skipped } = data;
  const builtin = loadBuiltin(options.rulesDir, io, command);
  if (builtin === null) {
    return EXIT_USAGE;
  }
  let classify = builtin;
  let encoded: { vectors: Float32Array[]; milliseconds: number } | null = null;
  if (options.modelPath !== undefined) {
    const model = await loadModelFile(options.modelPath, io, command);
    if (model === null) {
      return EXIT_USAGE;
    }
    classify = withModel(builtin, model);
    if (model.complaint.encoder !== null) {
      encoded = await encodeTexts(
        rows.map((row) => row.text),
        io,
        command,
      );
      if (encoded === null) {
        return EXIT_FAILED;
      }
    }
  }

  const classified = classifyAll(rows, classify, io, encoded?.vectors ?? null);
  const { results } = classified;
  // The encoder's time counts: it is part of classifying a text with such a model.
  const milliseconds = classified.milliseconds + (encoded?.milliseconds ?? 0);
  const version = results[0]?.classifierVersion ?? '';
  const { report, binary, categories } = buildReport(rows, results, skipped, milliseconds, version);
  for (const line of table(options.dataPath, report, binary, categories)) {
    io.out(line);
  }
  if (options.json) {
    io.out(JSON.stringify(report));
  }
  return EXIT_OK;
}
