// K-fold cross-validation of the trainable model against a plain multinomial naive Bayes, on a labeled CSV.
//
//   npx tsc -p tsconfig.json --outDir /tmp/cv && ln -sfn "$PWD/node_modules" /tmp/cv/node_modules
//   node /tmp/cv/scripts/model-cv.js FILE.csv [--folds 5] [--seed 1] [--rules rules] [--no-builtin] [--no-encoder]
//        [--grid] [--set '{"complaint":{"l2":0.2}}']
//
// Folds are a seeded shuffle, stratified by the complaint label (the same folds `earshot train --cv` uses). Each fold
// trains on the other folds and scores the held-out one with the same metric code `earshot eval` uses; the
// script prints mean ± sample standard deviation over the folds for the model and for the baseline, and the
// prediction speed (texts/s over the held-out fold; for the model that includes the built-in classifier it
// ensembles with, exactly as `earshot eval --model` runs it; the sentence encoder's time is not in it: every text
// is encoded once, up front, and that time is printed on its own). `--no-builtin` trains without the built-in's
// score, `--no-encoder` without the sentence encoder (as `earshot train --no-encoder`). `--grid` runs a list of hyperparameter settings (model only) to choose defaults.
// Labeled data stays outside the repository, and nothing trained here is written anywhere.
import { readFileSync } from 'node:fs';
import { loadClassifierRules } from '../src/config/rules.js';
import { createClassifier } from '../src/core/classify/index.js';
import { crossValidate, foldTrainer, formatMeanAndSd } from '../src/core/model/cross-validate.js';
import type { FoldScore, Outcome } from '../src/core/model/cross-validate.js';
import { tokenize } from '../src/core/model/features.js';
import { fitNaiveBayes, predictNaiveBayes } from '../src/core/model/naive-bayes.js';
import { predict, prepareModel } from '../src/core/model/predict.js';
import { train } from '../src/core/model/train.js';
import type { EncodedRows, HyperparameterOverrides, TrainingRow } from '../src/core/model/train.js';
import { withModel } from '../src/core/model/with-model.js';
import type { Classification, ClassifierInput } from '../src/core/types.js';
import { readLabeledCsv } from '../src/lib/labeled-csv.js';
import { loadSentenceEncoder } from '../src/lib/sentence-encoder.js';

interface TimedScore extends FoldScore {
  textsPerSecond: number;
}

type Classifier = (text: string) => Outcome;
type Trainer = (rows: TrainingRow[]) => Classifier;

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Cross-validation from src/core/model/cross-validate.ts, plus the prediction speed on each held-out fold. */
function timedCrossValidate(
  rows: readonly TrainingRow[],
  folds: number,
  seed: number,
  fit: Trainer,
): TimedScore[] {
  const seconds: number[] = [];
  const scores = crossValidate(rows, {
    folds,
    seed,
    fit: (training) => {
      const classify = fit(training);
      seconds.push(0);
      return (text) => {
        const started = performance.now();
        const outcome = classify(text);
        seconds[seconds.length - 1] = (seconds.at(-1) ?? 0) + (performance.now() - started) / 1000;
        return outcome;
      };
    },
  });
  return scores.map((score, k) => ({ ...score, textsPerSecond: score.n / (seconds[k] ?? 1) }));
}

function report(name: string, scores: TimedScore[]): void {
  print(
    [
      name.padEnd(24),
      `acc ${formatMeanAndSd(scores.map((s) => s.accuracy))}`,
      `bal ${formatMeanAndSd(scores.map((s) => s.balancedAccuracy))}`,
      `P ${formatMeanAndSd(scores.map((s) => s.precision))}`,
      `R ${formatMeanAndSd(scores.map((s) => s.recall))}`,
      `F1 ${formatMeanAndSd(scores.map((s) => s.f1))}`,
      `cat-macro-F1 ${formatMeanAndSd(scores.map((s) => s.categoryMacroF1 ?? 0))}`,
      `texts/s ${formatMeanAndSd(
        scores.map((s) => s.textsPerSecond),
        0,
      )}`,
    ].join('  '),
  );
}

type Builtin = (input: ClassifierInput) => Classification;

function modelTrainer(
  rows: readonly TrainingRow[],
  hyperparameters: HyperparameterOverrides,
  builtin: Builtin | null,
  encoded: EncodedRows | undefined,
): Trainer {
  return foldTrainer(rows, { hyperparameters, builtin: builtin ?? undefined, encoded });
}

function merge(a: HyperparameterOverrides, b: HyperparameterOverrides): HyperparameterOverrides {
  return {
    features: { ...a.features, ...b.features },
    complaint: { ...a.complaint, ...b.complaint },
    category: { ...a.category, ...b.category },
  };
}

function naiveBayesTrainer(rows: TrainingRow[]): Classifier {
  const complaint = fitNaiveBayes(
    rows.map((row) => tokenize(row.text)),
    rows.map((row) => String(row.complaint)),
    1,
  );
  const categorised = rows.filter((row) => row.complaint === 1 && row.category !== null);
  const category = fitNaiveBayes(
    categorised.map((row) => tokenize(row.text)),
    categorised.map((row) => row.category ?? ''),
    1,
  );
  return (text) => {
    const tokens = tokenize(text);
    const isComplaint = predictNaiveBayes(complaint, tokens).label === '1';
    return {
      complaint: isComplaint,
      category:
        isComplaint && categorised.length > 0 ? predictNaiveBayes(category, tokens).label : null,
    };
  };
}

// Settings tried with --grid; each differs from the defaults (or --set) in one place.
const GRID: Array<{ name: string; hyperparameters: HyperparameterOverrides }> = [
  { name: 'defaults', hyperparameters: {} },
  { name: 'complaint l2 0.1', hyperparameters: { complaint: { l2: 0.1 } } },
  { name: 'complaint l2 0.3', hyperparameters: { complaint: { l2: 0.3 } } },
  { name: 'complaint nbAlpha 1', hyperparameters: { complaint: { nbAlpha: 1 } } },
  { name: 'complaint minCount 1', hyperparameters: { complaint: { minCount: 1 } } },
  { name: 'no bigrams', hyperparameters: { features: { bigrams: false } } },
  { name: 'no negation marking', hyperparameters: { features: { negationWindow: 0 } } },
  { name: 'no char n-grams', hyperparameters: { features: { charNgrams: null } } },
  { name: 'char 2-5', hyperparameters: { features: { charNgrams: [2, 5] } } },
  { name: 'category l2 1', hyperparameters: { category: { l2: 1 } } },
  { name: 'category epochs 10', hyperparameters: { category: { epochs: 10, learningRate: 0.2 } } },
  { name: 'category nbAlpha 0.5', hyperparameters: { category: { nbAlpha: 0.5 } } },
  { name: 'unbalanced categories', hyperparameters: { category: { balance: false } } },
  { name: 'encoderScale 0.25', hyperparameters: { complaint: { encoderScale: 0.25 } } },
  { name: 'encoderScale 0.5', hyperparameters: { complaint: { encoderScale: 0.5 } } },
  { name: 'category encoderBlend 0.5', hyperparameters: { category: { encoderBlend: 0.5 } } },
  { name: 'category encoderL2 1', hyperparameters: { category: { encoderL2: 1 } } },
];

const VALUE_OPTIONS = ['--folds', '--seed', '--rules', '--set'];

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
}

async function main(args: string[]): Promise<void> {
  const file = args.find(
    (arg, i) => !arg.startsWith('--') && !VALUE_OPTIONS.includes(args[i - 1] ?? ''),
  );
  if (file === undefined) {
    print(
      'usage: node model-cv.js FILE.csv [--folds 5] [--seed 1] [--rules DIR] [--no-builtin] [--no-encoder] [--grid] [--set JSON]',
    );
    process.exitCode = 2;
    return;
  }
  const folds = Number(option(args, '--folds') ?? '5');
  const seed = Number(option(args, '--seed') ?? '1');
  const overrides = JSON.parse(option(args, '--set') ?? '{}') as HyperparameterOverrides;
  const builtin = args.includes('--no-builtin')
    ? null
    : createClassifier(loadClassifierRules(option(args, '--rules') ?? 'rules'));
  const { rows, errors } = readLabeledCsv(readFileSync(file, 'utf8'), file);
  for (const error of errors) {
    print(`${error.source}:${error.line}: ${error.message}`);
  }
  print(
    `${rows.length} rows, ${errors.length} skipped, ${folds} folds (seed ${seed}), mean ± sd over folds`,
  );
  let encoded: EncodedRows | undefined;
  if (!args.includes('--no-encoder')) {
    const began = performance.now();
    const encoder = await loadSentenceEncoder();
    encoded = { name: encoder.name, vectors: await encoder.embed(rows.map((row) => row.text)) };
    const seconds = (performance.now() - began) / 1000;
    print(
      `encoded with ${encoder.name} in ${seconds.toFixed(0)} s (${Math.round(rows.length / seconds)} texts/s)`,
    );
  }

  if (args.includes('--grid')) {
    for (const entry of GRID) {
      const hyperparameters = merge(overrides, entry.hyperparameters);
      report(
        entry.name,
        timedCrossValidate(
          rows,
          folds,
          seed,
          modelTrainer(rows, hyperparameters, builtin, encoded),
        ),
      );
    }
    return;
  }
  const name = `model${builtin === null ? '' : ' + built-in score'}${encoded === undefined ? '' : ' + encoder'}`;
  report(
    name,
    timedCrossValidate(rows, folds, seed, modelTrainer(rows, overrides, builtin, encoded)),
  );
  report('multinomial NB baseline', timedCrossValidate(rows, folds, seed, naiveBayesTrainer));
  reportSpeed(rows, overrides, builtin, encoded);
}

/** Texts per second of each stage over every text of the file, best of three passes (warm caches). */
function reportSpeed(
  rows: readonly TrainingRow[],
  hyperparameters: HyperparameterOverrides,
  builtin: Builtin | null,
  encoded: EncodedRows | undefined,
): void {
  const model = prepareModel(
    train(rows, {
      createdAt: '2000-01-01T00:00:00.000Z',
      hyperparameters,
      builtin: builtin ?? undefined,
      encoded,
    }),
  );
  const inputs = rows.map((row, i): ClassifierInput => ({
    text: row.text,
    source: 'x-mentions',
    encoding: encoded?.vectors[i],
  }));
  function speed(run: (input: ClassifierInput) => unknown): string {
    let best = 0;
    for (let pass = 0; pass < 3; pass += 1) {
      const started = performance.now();
      for (const input of inputs) {
        run(input);
      }
      best = Math.max(best, inputs.length / ((performance.now() - started) / 1000));
    }
    return Math.round(best).toLocaleString('en-US');
  }
  const parts: string[] = [];
  if (builtin === null) {
    parts.push(
      `model alone ${speed((input) => predict(model, input.text, { encoding: input.encoding }))}`,
    );
  } else {
    const outputs = new Map(inputs.map((input) => [input, builtin(input)]));
    parts.push(
      `model alone ${speed((input) =>
        predict(model, input.text, { builtin: outputs.get(input), encoding: input.encoding }),
      )}`,
      `built-in alone ${speed(builtin)}`,
      `built-in + model (withModel) ${speed(withModel(builtin, model))}`,
    );
  }
  print(`speed, texts/s (trained on all ${rows.length} rows): ${parts.join(', ')}`);
}

await main(process.argv.slice(2));
