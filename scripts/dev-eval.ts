// Measures the built-in classifier on a labeled CSV (id,text,complaint as `earshot eval` reads it; bad rows are
// reported and skipped).
//
//   node --import ./scripts/dev-eval-register.mjs scripts/dev-eval.ts [file.csv] [--rules dir] [--errors N]
//
// Defaults to ../shared/data/airline-tweets.dev.csv (non-commercial, evaluation only: never copied into the repo).
// Prints accuracy, balanced accuracy, precision, recall, F1, texts/s, the always-complaint baseline, a
// reliability table of the confidence, and a 5-fold view of the global constants set by hand while looking at
// this file (scoring.bias, positiveWeight, negativeWeight): for each fold, the constants a grid search would pick
// on the other four folds, and their figures on the held-out fold.
import { readFileSync } from 'node:fs';
import { loadClassifierRules } from '../src/config/rules.js';
import type { ClassifierRules } from '../src/config/rules.js';
import { createClassifier } from '../src/core/classify/index.js';
import { binaryMetrics } from '../src/core/metrics.js';
import type { BinaryMetrics } from '../src/core/metrics.js';
import { readLabeledCsv } from '../src/lib/labeled-csv.js';

const DEFAULT_FILE = '../shared/data/airline-tweets.dev.csv';

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function readRows(file: string): Array<{ text: string; complaint: boolean }> {
  const { rows, errors } = readLabeledCsv(readFileSync(file, 'utf8'), file);
  for (const error of errors) {
    print(`${error.source}:${error.line}: ${error.message}`);
  }
  return rows.map((row) => ({ text: row.text, complaint: row.complaint === 1 }));
}

function fixed(value: number): string {
  return value.toFixed(3);
}

function line(name: string, m: BinaryMetrics): string {
  return `${name.padEnd(44)} acc ${fixed(m.accuracy)}  bal.acc ${fixed(m.balancedAccuracy)}  P ${fixed(m.precision)}  R ${fixed(m.recall)}  F1 ${fixed(m.f1)}  (n=${m.n})`;
}

interface Constants {
  bias: number;
  positiveWeight: number;
  negativeWeight: number;
}

function withConstants(rules: ClassifierRules, constants: Constants): ClassifierRules {
  return { ...rules, scoring: { ...rules.scoring, ...constants } };
}

function describeConstants(constants: Constants | undefined): string {
  if (constants === undefined) {
    return '?';
  }
  return `bias ${constants.bias.toFixed(1)} pos ${constants.positiveWeight.toFixed(2)} neg ${constants.negativeWeight.toFixed(2)}`;
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const file =
    args.find((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? DEFAULT_FILE;
  const rulesDir = option('--rules') ?? 'rules';
  const showErrors = Number(option('--errors') ?? '0');

  const rules = loadClassifierRules(rulesDir);
  const classify = createClassifier(rules);
  const rows = readRows(file);
  const labels = rows.map((row) => row.complaint);
  print(
    `${file}: ${rows.length} texts, ${labels.filter(Boolean).length} complaints; rules ${rules.version}`,
  );

  // First pass: every word is new to the classifier's cache (stemmed and looked up once). Second pass: steady
  // state, as on a long-running worker whose vocabulary has been seen.
  const coldStart = performance.now();
  const results = rows.map((row) => classify({ text: row.text, source: 'x-mentions' }));
  const coldSeconds = (performance.now() - coldStart) / 1000;
  let warmSeconds = Infinity;
  for (let round = 0; round < 3; round += 1) {
    const warmStart = performance.now();
    for (const row of rows) {
      classify({ text: row.text, source: 'x-mentions' });
    }
    warmSeconds = Math.min(warmSeconds, (performance.now() - warmStart) / 1000);
  }
  const predictions = results.map((result) => result.complaint);

  print();
  print(line('built-in classifier', binaryMetrics(labels, predictions)));
  print(
    line(
      'always "complaint"',
      binaryMetrics(
        labels,
        labels.map(() => true),
      ),
    ),
  );
  print(
    `speed: ${Math.round(rows.length / warmSeconds).toLocaleString('en')} texts/s warm (best of 3 passes), ${Math.round(rows.length / coldSeconds).toLocaleString('en')} texts/s on first sight (${rows.length} texts)`,
  );

  print();
  print('reliability of p(complaint) = complaint ? confidence : 1 − confidence');
  print('  bin          n   mean p   observed');
  const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, positive: 0 }));
  let brier = 0;
  for (const [i, result] of results.entries()) {
    const p = result.complaint ? result.confidence : 1 - result.confidence;
    const bin = bins[Math.min(9, Math.floor(p * 10))];
    if (bin === undefined) {
      continue;
    }
    bin.n += 1;
    bin.p += p;
    bin.positive += labels[i] === true ? 1 : 0;
    brier += (p - (labels[i] === true ? 1 : 0)) ** 2;
  }
  for (const [i, bin] of bins.entries()) {
    if (bin.n === 0) {
      continue;
    }
    print(
      `  ${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}  ${String(bin.n).padStart(6)}   ${fixed(bin.p / bin.n)}    ${fixed(bin.positive / bin.n)}`,
    );
  }
  print(`  Brier score ${fixed(brier / rows.length)}`);

  print();
  print(
    '5-fold view of the hand-set constants (picked on 4 folds by accuracy, measured on the 5th)',
  );
  const grid: Constants[] = [];
  for (let bias = -0.6; bias <= 0.2001; bias += 0.1) {
    for (const positiveWeight of [0.1, 0.25, 0.4]) {
      for (const negativeWeight of [0.45, 0.6, 0.75]) {
        grid.push({ bias: Math.round(bias * 10) / 10, positiveWeight, negativeWeight });
      }
    }
  }
  const byBias = grid.map((constants) => {
    const variant = createClassifier(withConstants(rules, constants));
    return rows.map((row) => variant({ text: row.text, source: 'x-mentions' }).complaint);
  });
  const fold = rows.map((_row, i) => i % 5);
  const heldOut: boolean[] = [];
  const heldOutLabels: boolean[] = [];
  for (let k = 0; k < 5; k += 1) {
    const train = (i: number): boolean => fold[i] !== k;
    let best = 0;
    let bestAccuracy = -1;
    for (const [g, predicted] of byBias.entries()) {
      const m = binaryMetrics(
        labels.filter((_l, i) => train(i)),
        predicted.filter((_p, i) => train(i)),
      );
      if (m.accuracy > bestAccuracy) {
        bestAccuracy = m.accuracy;
        best = g;
      }
    }
    const chosen = byBias[best] ?? [];
    const testLabels = labels.filter((_l, i) => !train(i));
    const testPredictions = chosen.filter((_p, i) => !train(i));
    heldOut.push(...testPredictions);
    heldOutLabels.push(...testLabels);
    print(
      line(
        `  fold ${k + 1}: ${describeConstants(grid[best])}`,
        binaryMetrics(testLabels, testPredictions),
      ),
    );
  }
  print(line('  pooled held-out', binaryMetrics(heldOutLabels, heldOut)));
  print(`  (shipped: ${describeConstants(rules.scoring)})`);

  if (showErrors > 0) {
    print();
    print(`first ${showErrors} errors:`);
    let shown = 0;
    for (const [i, result] of results.entries()) {
      if (result.complaint === labels[i]) {
        continue;
      }
      const row = rows[i];
      const cues = result.reasons
        .filter(
          (reason) =>
            reason.field === 'complaint' &&
            reason.weight !== undefined &&
            reason.rule !== 'score:bias',
        )
        .map((reason) => `${reason.rule}${reason.weight !== undefined ? `(${reason.weight})` : ''}`)
        .join(' ');
      print(
        `${labels[i] === true ? 'MISS' : 'FALSE'} ${result.confidence} | ${row?.text.replace(/\s+/g, ' ')} | ${cues}`,
      );
      shown += 1;
      if (shown >= showErrors) {
        break;
      }
    }
  }
}

main();
