import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runEval } from '../../src/cli/eval.js';
import { mentionContext, runClassify } from '../../src/cli/classify.js';
import { runTrain } from '../../src/cli/train.js';
import { loadClassifierRules } from '../../src/config/rules.js';
import { createClassifier } from '../../src/core/classify/index.js';
import { parseModelJson, withModel } from '../../src/core/model/index.js';
import { loadSentenceEncoder, withEncoder } from '../../src/lib/sentence-encoder.js';
import type { TrainIo } from '../../src/cli/train.js';

const RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));
const REQUIRED_KEYS = [
  'n',
  'accuracy',
  'balanced_accuracy',
  'precision',
  'recall',
  'f1',
  'category_macro_f1',
  'texts_per_second',
];

const COMPLAINTS: Array<[string, string]> = [
  ['my flight was delayed again', 'delay'],
  ['delayed three hours at the gate, still waiting', 'delay'],
  ['the flight is late and nobody tells us why', 'delay'],
  ['late departure again, missed my connection', 'delay'],
  ['they lost my bag and nobody answers', 'bag'],
  ['my luggage never arrived', 'bag'],
  ['where is my luggage? third day without it', 'bag'],
  ['lost luggage and no refund', 'bag'],
];
const PRAISE = [
  'thanks for the great flight',
  'love the crew, great service',
  'great seats and friendly staff',
  'thank you for the upgrade',
  'lovely crew, thanks',
  'what a great trip',
  'friendly staff and great snacks',
  'love flying with you',
];

function csv(withCategory: boolean): string {
  const lines = [withCategory ? 'id,text,complaint,category,extra' : 'id,text,complaint'];
  for (const [i, [text, category]] of COMPLAINTS.entries()) {
    lines.push(withCategory ? `c${i},"${text}",1,${category},x` : `c${i},"${text}",1`);
  }
  for (const [i, text] of PRAISE.entries()) {
    lines.push(withCategory ? `p${i},"${text}",0,,x` : `p${i},"${text}",0`);
  }
  return `${lines.join('\n')}\n`;
}

interface Captured {
  io: TrainIo;
  out: string[];
  err: string[];
  progress: string[];
}

function capture(isTTY = false): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  // A stand-in terminal (the bar library draws only on a stream that says it is one); whether to draw at all is
  // decided by io.isTTY.
  const stream = Object.assign(new PassThrough(), { isTTY: true });
  stream.on('data', (chunk: Buffer) => progress.push(chunk.toString()));
  return {
    out,
    err,
    progress,
    io: {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      isTTY,
      progress: stream,
      readFile: (path) => readFile(path, 'utf8'),
      writeFile: (path, text) => writeFile(path, text, 'utf8'),
      now: () => performance.now(),
      wallClock: () => Date.parse('2026-11-21T12:00:00.000Z'),
    },
  };
}

function lastJson(lines: string[]): Record<string, unknown> {
  return JSON.parse(lines[lines.length - 1] ?? '') as Record<string, unknown>;
}

describe('earshot eval and train', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'earshot-model-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text, 'utf8');
    return path;
  }

  it('eval --json prints a table, then one JSON object with the required keys as the last line', async () => {
    const dataPath = await file('plain.csv', csv(false));
    const { io, out, err } = capture();

    const code = await runEval({ dataPath, json: true, rulesDir: RULES_DIR }, io);

    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out.some((line) => line.includes('balanced accuracy'))).toBe(true);
    const report = lastJson(out);
    for (const key of REQUIRED_KEYS) {
      expect(report).toHaveProperty(key);
    }
    expect(report.n).toBe(16);
    expect(report.category_macro_f1).toBeNull();
    expect(typeof report.accuracy).toBe('number');
  });

  it('eval without --json ends with the speed line and prints no JSON', async () => {
    const dataPath = await file('plain.csv', csv(false));
    const { io, out } = capture();

    const code = await runEval({ dataPath, json: false, rulesDir: RULES_DIR }, io);

    expect(code).toBe(0);
    expect(out[out.length - 1]).toMatch(/^speed: /);
    expect(out.some((line) => line.startsWith('{'))).toBe(false);
  });

  it("eval says so when the file's categories are none the classifier gives", async () => {
    // The file's categories (delay, bag) are not the default rules' (delivery, billing, …).
    const dataPath = await file('labeled.csv', csv(true));
    const { io, out } = capture();

    expect(await runEval({ dataPath, json: true, rulesDir: RULES_DIR }, io)).toBe(0);

    const note = out.find((line) => line.startsWith('note: no category in the file'));
    expect(note).toMatch(/\(([a-z-]+, )*delivery(, [a-z-]+)*\)/);
    expect(lastJson(out)).toMatchObject({ category_macro_f1: 0 });
  });

  it('eval reports each bad row with file:line and goes on with the good ones', async () => {
    const text = csv(false).replace(
      '\np0,"thanks for the great flight",0',
      '\np0,"thanks for the great flight",maybe',
    );
    const dataPath = await file('bad.csv', `${text}p9,,1\n`);
    const { io, out, err } = capture();

    const code = await runEval({ dataPath, json: true, rulesDir: RULES_DIR }, io);

    expect(code).toBe(0);
    expect(err).toEqual([
      `${dataPath}:10: complaint must be 1 or 0, got "maybe" (id "p0")`,
      `${dataPath}:18: text is empty (id "p9")`,
      `earshot eval: skipped 2 bad rows of ${dataPath}; using 15`,
    ]);
    expect(lastJson(out)).toMatchObject({ n: 15, skipped: 2 });
  });

  it.each`
    case                | content
    ${'no good rows'}   | ${'id,text,complaint\n1,,1\n2,x,7\n'}
    ${'a wrong header'} | ${'id,body,label\n1,x,1\n'}
  `('eval exits 2 when the file has $case', async ({ content }) => {
    const dataPath = await file('useless.csv', content as string);
    const { io, out, err } = capture();

    const code = await runEval({ dataPath, json: true, rulesDir: RULES_DIR }, io);

    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err[err.length - 1]).toBe(`earshot eval: ${dataPath} has no usable rows`);
  });

  it('eval exits 2 with one clear line when the file is missing', async () => {
    const dataPath = join(dir, 'missing.csv');
    const { io, out, err } = capture();

    const code = await runEval({ dataPath, json: true, rulesDir: RULES_DIR }, io);

    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([`earshot eval: cannot read ${dataPath}: no such file`]);
  });

  it.each`
    case                 | content                           | message
    ${'not JSON'}        | ${'not json at all'}              | ${'not an earshot model file: not valid JSON'}
    ${'another JSON'}    | ${'{"name":"earshot"}'}           | ${'not an earshot model file (expected "format": "earshot-model-1", found no "format" field)'}
    ${'a damaged model'} | ${'{"format":"earshot-model-1"}'} | ${'invalid earshot model'}
  `('eval exits 2 when --model is $case', async ({ content, message }) => {
    const dataPath = await file('plain.csv', csv(false));
    const modelPath = await file('model.json', content as string);
    const { io, out, err } = capture();

    const code = await runEval({ dataPath, modelPath, json: true, rulesDir: RULES_DIR }, io);

    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(`earshot eval: ${modelPath}: ${message as string}`);
  });

  it('train writes a model that eval --model uses, with category scores', async () => {
    const dataPath = await file('labeled.csv', csv(true));
    const outPath = join(dir, 'model.json');
    const trained = capture();

    const trainCode = await runTrain({ dataPath, outPath, rulesDir: RULES_DIR }, trained.io);
    const evaluated = capture();
    const evalCode = await runEval(
      { dataPath, modelPath: outPath, json: true, rulesDir: RULES_DIR },
      evaluated.io,
    );

    expect(trainCode).toBe(0);
    expect(trained.err).toEqual([]);
    expect(trained.out[0]).toBe(`training on 16 texts (8 complaints) from ${dataPath}`);
    expect(trained.out[trained.out.length - 1]).toMatch(
      new RegExp(`^wrote ${outPath} \\(\\d+\\.\\d MB\\)$`),
    );
    expect(evalCode).toBe(0);
    const report = lastJson(evaluated.out);
    expect(String(report.classifier_version)).toMatch(/^model:[0-9a-f]{12}\+builtin-/);
    expect(report.accuracy).toBe(1);
    expect(report.category_macro_f1).toBe(1);
    expect(evaluated.out.some((line) => line.startsWith('confusion matrix'))).toBe(true);
    expect(evaluated.out.some((line) => line.startsWith('note:'))).toBe(false);
  });

  it('train uses the sentence encoder by default; eval --model encodes each text for such a model', async () => {
    const dataPath = await file('labeled.csv', csv(true));
    const outPath = join(dir, 'model.json');
    const trained = capture();

    expect(await runTrain({ dataPath, outPath, rulesDir: RULES_DIR }, trained.io)).toBe(0);
    const model = JSON.parse(await readFile(outPath, 'utf8')) as {
      complaint: { encoder: { name: string; weights: number[] } | null };
      category: { encoder: { name: string; biases: number[]; weights: number[] } | null };
    };
    expect(model.complaint.encoder?.name).toBe('use-lite-512');
    expect(model.complaint.encoder?.weights).toHaveLength(512);
    expect(model.complaint.encoder?.weights.some((weight) => weight !== 0)).toBe(true);
    expect(model.category.encoder?.biases).toHaveLength(2);
    expect(model.category.encoder?.weights).toHaveLength(512 * 2);
    expect(trained.out).toContain(
      'uses the sentence encoder use-lite-512: classifying a text with this model encodes it first (tens of milliseconds a text)',
    );

    // Eval encodes the texts first: a text the words alone do not decide is still scored.
    const evaluated = capture();
    const evalCode = await runEval(
      { dataPath, modelPath: outPath, json: true, rulesDir: RULES_DIR },
      evaluated.io,
    );
    expect(evalCode).toBe(0);
    expect(lastJson(evaluated.out)).toMatchObject({ n: 16, accuracy: 1, category_macro_f1: 1 });
  });

  it('classify reads the author, language, source and thread it is given', async () => {
    const classify = createClassifier(loadClassifierRules(RULES_DIR));
    const mention = mentionContext({
      source: 'x-search',
      lang: 'en',
      followers: '250000',
      verified: false,
      thread: ['@acme please DM us your order number'],
    });
    if ('error' in mention) {
      throw new Error(mention.error);
    }
    const { io, out } = capture();

    const code = await runClassify(
      ['my parcel is 5 days late'],
      classify,
      { json: true, context: mention.context },
      io,
    );

    expect(code).toBe(0);
    const result = JSON.parse(out[0] ?? '{}') as {
      severity: string;
      flags: string[];
      reasons: Array<{ rule: string }>;
    };
    // 250,000 followers raise a P2 delivery complaint to P1; the thread asked for details.
    expect(result.severity).toBe('P1');
    expect(result.reasons.map((reason) => reason.rule)).toContain('author:influential');
    expect(result.flags).toContain('private_data');
  });

  it.each`
    options                   | error
    ${{ source: 'facebook' }} | ${'--source must be one of x-mentions, x-search, app-store, google-play (got "facebook")'}
    ${{ lang: 'english!' }}   | ${'--lang must be a language tag such as en or pt-BR (got "english!")'}
    ${{ followers: 'many' }}  | ${'--followers must be a whole number of followers (got "many")'}
    ${{ followers: '-5' }}    | ${'--followers must be a whole number of followers (got "-5")'}
  `('classify refuses $options', ({ options, error }) => {
    expect(mentionContext(options as Parameters<typeof mentionContext>[0])).toEqual({ error });
  });

  it.each`
    texts
    ${[]}
    ${['']}
    ${['   ']}
  `('classify exits 2 with nothing to classify ($texts)', async ({ texts }) => {
    const { io, out, err } = capture();

    const code = await runClassify(
      texts as string[],
      createClassifier(loadClassifierRules(RULES_DIR)),
      { json: false },
      io,
    );

    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual(['Nothing to classify: pass a text, or pipe texts on stdin, one per line']);
  });

  it('classify prints what such a model says, encoding the text as start --model does', async () => {
    const dataPath = await file('labeled.csv', csv(true));
    const outPath = join(dir, 'model.json');
    await runTrain({ dataPath, outPath, rulesDir: RULES_DIR }, capture().io);
    const model = parseModelJson(await readFile(outPath, 'utf8'), outPath);
    const classify = withEncoder(
      withModel(createClassifier(loadClassifierRules(RULES_DIR)), model),
      loadSentenceEncoder,
    );
    const { io, out } = capture();

    const code = await runClassify(
      ['where is my luggage, lost again', 'thanks, lovely crew'],
      classify,
      { json: true },
      io,
    );

    expect(code).toBe(0);
    const results = out.map(
      (line) =>
        JSON.parse(line) as { complaint: boolean; category: string; classifierVersion: string },
    );
    expect(results.map((result) => result.complaint)).toEqual([true, false]);
    expect(results[0]?.category).toBe('bag');
    expect(results[0]?.classifierVersion).toMatch(new RegExp(`^model:${model.id}\\+builtin-`));
  });

  it('train --no-encoder writes a model without the encoder (nothing to encode at prediction)', async () => {
    const dataPath = await file('labeled.csv', csv(true));
    const outPath = join(dir, 'model.json');
    const trained = capture();

    expect(
      await runTrain({ dataPath, outPath, rulesDir: RULES_DIR, encoder: false }, trained.io),
    ).toBe(0);

    const model = JSON.parse(await readFile(outPath, 'utf8')) as {
      complaint: { encoder: unknown };
      category: { encoder: unknown };
    };
    expect(model.complaint.encoder).toBeNull();
    expect(model.category.encoder).toBeNull();
    expect(trained.out.some((line) => line.includes('sentence encoder'))).toBe(false);
  });

  it('eval exits 2 naming the encoder when a model was trained with one this earshot lacks', async () => {
    const dataPath = await file('labeled.csv', csv(true));
    const outPath = join(dir, 'model.json');
    await runTrain({ dataPath, outPath, rulesDir: RULES_DIR }, capture().io);
    const model = JSON.parse(await readFile(outPath, 'utf8')) as {
      id: string;
      complaint: { encoder: { name: string } };
      category: { encoder: { name: string } };
    };
    model.complaint.encoder.name = 'other-encoder-768';
    model.category.encoder.name = 'other-encoder-768';
    await writeFile(outPath, JSON.stringify(model));
    const { io, out, err } = capture();

    const code = await runEval(
      { dataPath, modelPath: outPath, json: true, rulesDir: RULES_DIR },
      io,
    );

    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `earshot eval: ${outPath}: model ${model.id} was trained with the sentence encoder "other-encoder-768"; ` +
        'this earshot has "use-lite-512": retrain the model with `earshot train`',
    ]);
  });

  it('train is deterministic: the same file gives a byte-identical model', async () => {
    const dataPath = await file('labeled.csv', csv(true));
    const first = join(dir, 'first.json');
    const second = join(dir, 'second.json');

    await runTrain({ dataPath, outPath: first, rulesDir: RULES_DIR }, capture().io);
    await runTrain({ dataPath, outPath: second, rulesDir: RULES_DIR }, capture().io);

    expect(await readFile(second, 'utf8')).toBe(await readFile(first, 'utf8'));
  });

  it('train --from-labels lets a person’s label replace the CSV row with the same id', async () => {
    const dataPath = await file('labeled.csv', csv(true));
    const outPath = join(dir, 'model.json');
    const { io, out } = capture();

    const code = await runTrain(
      {
        dataPath,
        fromLabels: [
          { id: 'p0', text: 'thanks for the great flight', complaint: 1, category: 'delay' },
          { id: 'x-mentions:9', text: 'still no bag after a week', complaint: 1, category: 'bag' },
        ],
        outPath,
        rulesDir: RULES_DIR,
      },
      io,
    );

    expect(code).toBe(0);
    expect(out[0]).toBe(
      `training on 17 texts (10 complaints) from ${dataPath} + 2 labels (1 replacing CSV rows)`,
    );
    const model = JSON.parse(await readFile(outPath, 'utf8')) as { trainedOn: { n: number } };
    expect(model.trainedOn.n).toBe(17);
  });

  it('train --cv prints each fold and the mean ± sd beside always-"complaint", then writes the model', async () => {
    const dataPath = await file('labeled.csv', csv(true));
    const outPath = join(dir, 'model.json');
    const { io, out, err } = capture();

    const code = await runTrain({ dataPath, outPath, rulesDir: RULES_DIR, cvFolds: 4 }, io);

    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out[1]).toMatch(
      /^encoded 16 texts with the sentence encoder use-lite-512 in \d+\.\d s$/,
    );
    expect(out[2]).toBe('4-fold cross-validation (stratified by complaint, seed 1):');
    const folds = out.filter((line) => line.startsWith('  fold '));
    expect(folds).toHaveLength(4);
    for (const [k, line] of folds.entries()) {
      expect(line).toMatch(
        new RegExp(
          `^ {2}fold ${k + 1}/4: 4 texts, accuracy \\d\\.\\d{3}, F1 \\d\\.\\d{3}, category macro-F1 \\d\\.\\d{3}$`,
        ),
      );
    }
    expect(out.find((line) => line.startsWith('  mean ± sd:'))).toMatch(
      /^ {2}mean ± sd: accuracy \d\.\d{3} ± \d\.\d{3}, balanced accuracy .*, F1 \d\.\d{3} ± \d\.\d{3}, category macro-F1 \d\.\d{3} ± \d\.\d{3}$/,
    );
    expect(out).toContain('  always "complaint" on the same rows: accuracy 0.500, F1 0.667');
    expect(JSON.parse(await readFile(outPath, 'utf8'))).toMatchObject({ trainedOn: { n: 16 } });
  });

  it('train --cv refuses more folds than one of the classes has rows, naming both counts', async () => {
    const dataPath = await file('labeled.csv', csv(false));
    const outPath = join(dir, 'model.json');
    const { io, err } = capture();

    const code = await runTrain({ dataPath, outPath, rulesDir: RULES_DIR, cvFolds: 9 }, io);

    expect(code).toBe(2);
    expect(err).toEqual([
      'earshot train: --cv 9 needs at least 9 complaints and 9 non-complaints; this data has 8 and 8',
    ]);
    await expect(readFile(outPath, 'utf8')).rejects.toThrow();
  });

  it('train exits 2 when there is nothing to train on', async () => {
    const { io, err } = capture();

    const code = await runTrain(
      { fromLabels: [], outPath: join(dir, 'm.json'), rulesDir: RULES_DIR },
      io,
    );

    expect(code).toBe(2);
    expect(err).toEqual(['earshot train: nothing to train on: no labeled rows']);
  });

  it.each`
    label
    ${1}
    ${0}
  `('train exits 2 and writes no model when every row says complaint=$label', async ({ label }) => {
    const { io, err } = capture();
    const outPath = join(dir, `same-${label as number}.json`);

    const code = await runTrain(
      {
        fromLabels: ['late again', 'still no bag', 'rude staff'].map((text, i) => ({
          id: `l${i}`,
          text,
          complaint: label as 0 | 1,
          category: null,
        })),
        outPath,
        rulesDir: RULES_DIR,
        encoder: false,
      },
      io,
    );

    expect(code).toBe(2);
    expect(err).toEqual([
      `earshot train: every row says complaint=${label as number}; a model learns nothing without examples of both: add rows labeled 1 and rows labeled 0`,
    ]);
    await expect(readFile(outPath, 'utf8')).rejects.toThrow();
  });

  it.each`
    isTTY    | drawn
    ${true}  | ${true}
    ${false} | ${false}
  `('draws a progress bar only on a terminal (isTTY $isTTY)', async ({ isTTY, drawn }) => {
    const dataPath = await file('plain.csv', csv(false));
    const captured = capture(isTTY as boolean);

    await runEval({ dataPath, json: true, rulesDir: RULES_DIR }, captured.io);

    expect(captured.progress.join('').includes('classifying')).toBe(drawn);
    expect(captured.out.some((line) => line.includes('classifying'))).toBe(false);
  });
});
