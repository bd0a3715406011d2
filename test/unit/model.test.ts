import { describe, expect, it } from 'vitest';
import {
  extractFeatures,
  markNegation,
  parseModel,
  parseModelJson,
  predict,
  tokenize,
  train,
  withModel,
} from '../../src/core/model/index.js';
import type { TrainedModel, TrainingRow } from '../../src/core/model/index.js';
import type { Classification, ClassifierInput } from '../../src/core/types.js';
import { ConfigError } from '../../src/errors.js';
import { loadClassifierRules } from '../../src/config/rules.js';
import { createClassifier } from '../../src/core/classify/index.js';

const CREATED_AT = '2026-11-21T12:00:00.000Z';

const COMPLAINTS: Array<[string, string]> = [
  ['my flight was delayed again', 'delay'],
  ['delayed three hours at the gate', 'delay'],
  ['still waiting, the flight is late', 'delay'],
  ['why is my flight late again', 'delay'],
  ['late departure and no update', 'delay'],
  ['they lost my bag', 'bag'],
  ['my luggage never arrived', 'bag'],
  ['bag lost and nobody answers', 'bag'],
  ['where is my luggage', 'bag'],
  ['lost luggage for two days', 'bag'],
];
const PRAISE = [
  'thanks for the great flight',
  'love the crew, great service',
  'great seats and friendly staff',
  'thank you for the upgrade',
  'lovely crew thanks',
  'what a great trip, thanks',
  'friendly staff and great snacks',
  'love flying with you',
  'thanks, the crew was great',
  'great service today',
];

function rows(): TrainingRow[] {
  const result: TrainingRow[] = [];
  for (const [i, [text, category]] of COMPLAINTS.entries()) {
    result.push({ id: `c${i}`, text, complaint: 1, category });
  }
  for (const [i, text] of PRAISE.entries()) {
    result.push({ id: `p${i}`, text, complaint: 0, category: null });
  }
  return result;
}

function fakeBuiltin(
  overrides: Partial<Classification> = {},
): (input: ClassifierInput) => Classification {
  return () => ({
    complaint: false,
    confidence: 0.6,
    sentiment: 0.2,
    category: 'service',
    severity: null,
    flags: ['praise', 'escalate_human'],
    reasons: [
      { field: 'complaint', rule: 'score:bias', detail: 'prior', weight: -0.1 },
      { field: 'category', rule: 'category:service', detail: 'Customer service: matched "crew"' },
      { field: 'flag', rule: 'lexicon:positive-words', detail: 'praise: positive valence 3' },
      { field: 'flag', rule: 'escalation:legal', detail: 'escalate_human: matched "lawyer"' },
    ],
    classifierVersion: 'builtin-1+rules:abc',
    ...overrides,
  });
}

describe('tokenize', () => {
  it.each`
    text                            | tokens
    ${'@Acme my flight is LATE!!'}  | ${['my', 'flight', 'is', 'late', '!', '!']}
    ${'see https://t.co/xyz now'}   | ${['see', 'now']}
    ${'waited 3hrs for 45 minutes'} | ${['waited', '0hrs', 'for', '0', 'minutes']}
    ${'sooooo bad &amp; rude'}      | ${['soo', 'bad', 'rude']}
    ${'#NeverAgain it don’t work'}  | ${['never', 'again', 'it', "don't", 'work']}
  `('$text', ({ text, tokens }) => {
    expect(tokenize(text as string)).toEqual(tokens);
  });
});

describe('markNegation', () => {
  it.each`
    tokens                                | window | marked
    ${['not', 'on', 'time', 'at', 'all']} | ${3}   | ${['not', 'not_on', 'not_time', 'not_at', 'all']}
    ${['never', 'arrived', '.', 'great']} | ${3}   | ${['never', 'not_arrived', '.', 'great']}
    ${["didn't", 'help']}                 | ${3}   | ${["didn't", 'not_help']}
    ${['not', 'good']}                    | ${0}   | ${['not', 'good']}
  `('$tokens (window $window)', ({ tokens, window, marked }) => {
    expect(markNegation(tokens as string[], window as number)).toEqual(marked);
  });
});

describe('extractFeatures', () => {
  it('gives every occurrence of words, character n-grams and word pairs', () => {
    const settings = { bigrams: true, negationWindow: 3, charNgrams: [3, 3] as [number, number] };

    const features = extractFeatures('no no', settings);

    expect(features).toEqual([
      'no',
      'c:<no',
      'c:no>',
      'not_no',
      'c:<no',
      'c:not',
      'c:ot_',
      'c:t_n',
      'c:_no',
      'c:no>',
      '<s>|no',
      'no|not_no',
      'not_no|</s>',
    ]);
  });
});

describe('train', () => {
  it('is deterministic: the same rows give a byte-identical model', () => {
    const data = rows();

    const first = JSON.stringify(train(data, { createdAt: CREATED_AT }));
    const second = JSON.stringify(train(rows(), { createdAt: CREATED_AT }));

    expect(second).toBe(first);
  });

  it('changes its id and hash when a label changes, but not when only createdAt does', () => {
    const data = rows();
    const flipped = data.map((row, i) =>
      i === 0 ? { ...row, complaint: 0 as const, category: null } : row,
    );

    const base = train(data, { createdAt: CREATED_AT });
    const later = train(data, { createdAt: '2027-01-01T00:00:00.000Z' });
    const changed = train(flipped, { createdAt: CREATED_AT });

    expect(later.id).toBe(base.id);
    expect(changed.id).not.toBe(base.id);
    expect(changed.trainedOn.sha256).not.toBe(base.trainedOn.sha256);
  });

  it('records what it was trained on', () => {
    const model = train(rows(), { createdAt: CREATED_AT });

    expect(model.format).toBe('earshot-model-1');
    expect(model.createdAt).toBe(CREATED_AT);
    expect(model.trainedOn).toEqual({
      n: 20,
      complaints: 10,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      categories: { bag: 5, delay: 5 },
    });
    expect(model.category?.labels).toEqual(['bag', 'delay']);
    expect(model.complaint.builtin).toBeNull();
  });

  it.each`
    text                                | complaint | category
    ${'the flight is delayed and late'} | ${true}   | ${'delay'}
    ${'you lost my luggage'}            | ${true}   | ${'bag'}
    ${'great crew, thanks a lot'}       | ${false}  | ${null}
    ${'love the friendly service'}      | ${false}  | ${null}
  `('learns a small separable set: "$text"', ({ text, complaint, category }) => {
    const model = train(rows(), { createdAt: CREATED_AT });

    const prediction = predict(model, text as string);

    expect(prediction.complaint).toBe(complaint);
    if (category !== null) {
      expect(prediction.category).toBe(category);
    }
    expect(prediction.topFeatures.length).toBeGreaterThan(0);
    const sign = complaint ? 1 : -1;
    for (const feature of prediction.topFeatures) {
      expect(feature.weight * sign).toBeGreaterThan(0);
    }
  });

  it('has no category model when fewer than two categories are labeled', () => {
    const data = rows().map((row) => ({ ...row, category: null }));

    const model = train(data, { createdAt: CREATED_AT });

    expect(model.category).toBeNull();
    expect(predict(model, 'my flight is late').category).toBeNull();
  });

  it('uses the built-in classifier as a feature when given, and then needs its output to predict', () => {
    const builtin = fakeBuiltin();
    const model = train(rows(), { createdAt: CREATED_AT, builtin });

    expect(model.complaint.builtin?.classifierVersion).toBe('builtin-1+rules:abc');
    expect(() => predict(model, 'late again')).toThrow(/built-in classifier/);
    expect(
      predict(model, 'late again', {
        builtin: builtin({ text: 'late again', source: 'x-mentions' }),
      }).complaint,
    ).toBe(true);
  });
});

describe('train with a sentence encoder', () => {
  // Made-up 4-component vectors: component 0 says "complaint", 1 "delay", 2 "bag"; the texts are meaningless
  // words, so whatever the model learns about them comes from the vectors.
  const DIMENSIONS = 4;
  function vectorOf(complaint: boolean, category: string | null): Float32Array {
    return Float32Array.from([
      complaint ? 1 : -1,
      category === 'delay' ? 1 : 0,
      category === 'bag' ? 1 : 0,
      0.5,
    ]);
  }
  const data: TrainingRow[] = rows().map((row, i) => ({ ...row, text: `word${i} filler` }));
  const encoded = {
    name: 'test-encoder-4',
    vectors: data.map((row) => vectorOf(row.complaint === 1, row.category)),
  };
  const model = train(data, { createdAt: CREATED_AT, encoded });

  it('learns one weight per vector component for complaints and a blended category model', () => {
    expect(model.complaint.encoder?.name).toBe('test-encoder-4');
    expect(model.complaint.encoder?.weights).toHaveLength(DIMENSIONS);
    expect(model.complaint.encoder?.weights[0]).toBeGreaterThan(0);
    expect(model.category?.encoder?.biases).toHaveLength(2);
    expect(model.category?.encoder?.weights).toHaveLength(DIMENSIONS * 2);
  });

  it.each`
    vector                     | complaint | category
    ${vectorOf(true, 'delay')} | ${true}   | ${'delay'}
    ${vectorOf(true, 'bag')}   | ${true}   | ${'bag'}
    ${vectorOf(false, null)}   | ${false}  | ${null}
  `(
    'decides an unseen text by its vector: complaint $complaint, $category',
    ({ vector, complaint, category }) => {
      const prediction = predict(model, 'unseen words entirely', {
        encoding: vector as Float32Array,
      });

      expect(prediction.complaint).toBe(complaint);
      if (category !== null) {
        expect(prediction.category).toBe(category);
      }
    },
  );

  it('needs the vector to predict, and one of the right length', () => {
    expect(() => predict(model, 'late again')).toThrow(
      `model ${model.id} was trained with the test-encoder-4 sentence encoder: pass its vector of the text`,
    );
    expect(() => predict(model, 'late again', { encoding: [1, 0] })).toThrow(
      `model ${model.id} expects 4-component test-encoder-4 vectors, got 2`,
    );
  });

  it('is deterministic and survives a JSON round trip', () => {
    const again = train(data, { createdAt: CREATED_AT, encoded });
    const parsed = parseModelJson(JSON.stringify(model), 'model.json');

    expect(JSON.stringify(again)).toBe(JSON.stringify(model));
    expect(predict(parsed, 'x', { encoding: vectorOf(true, 'bag') })).toEqual(
      predict(model, 'x', { encoding: vectorOf(true, 'bag') }),
    );
  });

  it('rejects vectors that do not match the rows, naming the row', () => {
    expect(() =>
      train(data, {
        createdAt: CREATED_AT,
        encoded: { ...encoded, vectors: encoded.vectors.slice(1) },
      }),
    ).toThrow(
      `expected ${data.length} test-encoder-4 vectors (one per row), got ${data.length - 1}`,
    );
    const uneven = encoded.vectors.map((vector, i) => (i === 2 ? vector.slice(0, 3) : vector));
    expect(() =>
      train(data, { createdAt: CREATED_AT, encoded: { ...encoded, vectors: uneven } }),
    ).toThrow('test-encoder-4 vector of row 3 has 3 components, expected 4');
  });

  it("withModel passes the input's encoding to the model", () => {
    const classify = withModel(createClassifier(loadClassifierRules('rules')), model);

    const complaint = classify({
      text: 'unseen',
      source: 'x-mentions',
      encoding: vectorOf(true, 'delay'),
    });
    const other = classify({
      text: 'unseen',
      source: 'x-mentions',
      encoding: vectorOf(false, null),
    });

    expect(complaint.complaint).toBe(true);
    expect(complaint.category).toBe('delay');
    expect(other.complaint).toBe(false);
  });
});

describe('predict', () => {
  /** The slow, obvious computation: every feature occurrence looked up in a Map. */
  function reference(
    model: TrainedModel,
    text: string,
  ): { probability: number; category: string | null } {
    const features = extractFeatures(text, model.hyperparameters.features);
    function columns(vocabulary: string[]): number[] {
      const index = new Map(vocabulary.map((feature, i) => [feature, i]));
      return features.flatMap((feature) => {
        const column = index.get(feature);
        return column === undefined ? [] : [column];
      });
    }
    const complaintColumns = columns(model.complaint.vocabulary);
    let z = model.complaint.bias;
    for (const column of complaintColumns) {
      z += (model.complaint.weights[column] ?? 0) / Math.sqrt(complaintColumns.length);
    }
    const probability = 1 / (1 + Math.exp(-z));
    const category = model.category;
    if (category === null) {
      return { probability, category: null };
    }
    const categoryColumns = columns(category.vocabulary);
    const scores = category.labels.map((_label, c) => {
      let score = category.biases[c] ?? 0;
      for (const column of categoryColumns) {
        score +=
          (category.weights[column * category.labels.length + c] ?? 0) /
          Math.sqrt(categoryColumns.length);
      }
      return score;
    });
    const best = scores.indexOf(Math.max(...scores));
    return { probability, category: category.labels[best] ?? null };
  }

  const model = train(rows(), { createdAt: CREATED_AT });

  it.each`
    text
    ${'@Acme my bag never arrived!! 3 days :( #LostLuggage'}
    ${'thanks, great crew 😀 https://t.co/x'}
    ${'Late Flightr again... not happy at all; why? late late late'}
    ${'zzz qqq'}
    ${''}
  `('matches the plain computation on "$text", cold and warm', ({ text }) => {
    const expected = reference(model, text as string);

    const cold = predict(model, text as string);
    const warm = predict(model, text as string);

    expect(cold.probability).toBeCloseTo(expected.probability, 6);
    expect(cold.category).toBe(expected.category);
    expect(warm).toEqual(cold);
  });
});

describe('parseModel', () => {
  const model = train(rows(), { createdAt: CREATED_AT });

  it('accepts a model after a JSON round trip', () => {
    const parsed = parseModelJson(JSON.stringify(model), 'model.json');

    expect(parsed).toEqual(model);
    expect(predict(parsed, 'my bag is lost').complaint).toBe(true);
  });

  it.each`
    case                 | json                                     | message
    ${'null'}            | ${null}                                  | ${'found null'}
    ${'an array'}        | ${[1, 2]}                                | ${'found an array'}
    ${'a number'}        | ${42}                                    | ${'found a number'}
    ${'another file'}    | ${{ name: 'earshot', version: '1.0.0' }} | ${'found no "format" field'}
    ${'a future format'} | ${{ format: 'earshot-model-2' }}         | ${'found "format": "earshot-model-2"'}
  `('rejects $case as not a model', ({ json, message }) => {
    expect(() => parseModel(json, 'model.json')).toThrow(ConfigError);
    expect(() => parseModel(json, 'model.json')).toThrow(
      /^model\.json: not an earshot model file \(expected "format": "earshot-model-1", /,
    );
    expect(() => parseModel(json, 'model.json')).toThrow(message as string);
  });

  it.each`
    case                   | damage                                                                                                   | message
    ${'truncated weights'} | ${(m: TrainedModel) => ({ ...m, complaint: { ...m.complaint, weights: m.complaint.weights.slice(1) } })} | ${'complaint.weights: expected'}
    ${'a missing field'}   | ${(m: TrainedModel) => ({ ...m, trainedOn: undefined })}                                                 | ${'trainedOn'}
    ${'a bad id'}          | ${(m: TrainedModel) => ({ ...m, id: 'xyz' })}                                                            | ${'id: expected 12 lower-case hex digits'}
    ${'a string weight'}   | ${(m: TrainedModel) => ({ ...m, complaint: { ...m.complaint, bias: 'high' } })}                          | ${'complaint.bias'}
  `('rejects a damaged model: $case', ({ damage, message }) => {
    const json = (damage as (m: TrainedModel) => unknown)(model);

    expect(() => parseModel(json, 'model.json')).toThrow(/^model\.json: invalid earshot model: /);
    expect(() => parseModel(json, 'model.json')).toThrow(message as string);
  });

  it('reads a model written before encoders existed (no encoder fields) as one without an encoder', () => {
    // As a model file written before encoders existed: the same JSON without the encoder fields.
    const older = JSON.parse(JSON.stringify(model)) as Record<string, Record<string, unknown>>;
    delete older.complaint?.encoder;
    delete older.category?.encoder;
    delete (older.hyperparameters?.complaint as Record<string, unknown>).encoderScale;
    delete (older.hyperparameters?.category as Record<string, unknown>).encoderL2;
    delete (older.hyperparameters?.category as Record<string, unknown>).encoderBlend;

    const parsed = parseModel(older, 'old.json');

    expect(parsed.complaint.encoder).toBeNull();
    expect(parsed.category?.encoder).toBeNull();
    expect(predict(parsed, 'my bag is lost')).toEqual(predict(model, 'my bag is lost'));
  });

  it("rejects a category encoder model without the complaint model's encoder", () => {
    const category = model.category;
    if (category === null) {
      throw new Error('the test model has categories');
    }
    const damaged = {
      ...model,
      category: {
        ...category,
        encoder: { name: 'e', biases: category.labels.map(() => 0), weights: [0, 0] },
      },
    };

    expect(() => parseModel(damaged, 'model.json')).toThrow(
      "category.encoder.weights: a category encoder model needs the complaint model's encoder too",
    );
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseModelJson('{"format": ', 'model.json')).toThrow(
      /^model\.json: not an earshot model file: not valid JSON/,
    );
  });
});

describe('withModel (over the built-in classifier and the shipped rules)', () => {
  const builtin = createClassifier(loadClassifierRules('rules'));
  const model = train(rows(), { createdAt: CREATED_AT, builtin });
  const classify = withModel(builtin, model);
  const run = (text: string) => classify({ text, source: 'x-mentions' });
  const rules = (text: string) => builtin({ text, source: 'x-mentions' });

  it('takes complaint, confidence and category from the model, and sentiment from the rules', () => {
    const result = run('my luggage was lost');

    expect(result.complaint).toBe(true);
    expect(result.category).toBe('bag');
    expect(result.sentiment).toBe(rules('my luggage was lost').sentiment);
    expect(result.classifierVersion).toBe(`model:${model.id}+${rules('x').classifierVersion}`);
    expect(result.confidence).toBeGreaterThan(0.5);
    const complaintReasons = result.reasons.filter((reason) => reason.field === 'complaint');
    expect(complaintReasons).toHaveLength(1);
    expect(complaintReasons[0]?.rule).toBe(`model:${model.id}`);
    expect(complaintReasons[0]?.detail).toMatch(/^p=0\.\d\d; top features: /);
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ field: 'category', rule: `model:${model.id}` }),
    );
  });

  it("gives a complaint the rules missed the rules' severity and escalation for it", () => {
    // Rules that call almost nothing a complaint, and a model trained without their score.
    const shipped = loadClassifierRules('rules');
    const reluctant = createClassifier({ ...shipped, scoring: { ...shipped.scoring, bias: -8 } });
    const plain = withModel(reluctant, train(rows(), { createdAt: CREATED_AT }));
    const text = 'my lawyer asked where my luggage is';

    const result = plain({ text, source: 'x-mentions' });

    expect(reluctant({ text, source: 'x-mentions' })).toMatchObject({
      complaint: false,
      severity: null,
    });
    expect(result.complaint).toBe(true);
    // The rules read a legal matter into the model's complaint: P0, and P0 pages a person.
    expect(result.severity).toBe('P0');
    expect(result.flags).toContain('escalate_human');
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ field: 'severity', rule: 'category:legal' }),
    );
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ field: 'flag', rule: 'escalation:page-on-p0' }),
    );
  });

  it("starts severity where the more urgent category starts: the model's category never lowers it", () => {
    const text = 'the charger caught fire on the flight, my bag burned';

    const result = run(text);

    expect(rules(text)).toMatchObject({ category: 'safety', severity: 'P0' });
    expect(result.category).not.toBe('safety');
    expect(result.severity).toBe('P0');
    expect(result.flags).toContain('escalate_human');
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ field: 'severity', rule: 'category:safety' }),
    );
  });

  it('follows a rules category the model chose into its severity and escalation triggers', () => {
    const billing = train(
      [
        ...rows().map((row) => ({ ...row, category: row.category === null ? null : 'billing' })),
        { id: 'x1', text: 'my card was declined', complaint: 1, category: 'outage' },
      ],
      { createdAt: CREATED_AT, builtin },
    );
    const result = withModel(
      builtin,
      billing,
    )({ text: 'my luggage was lost', source: 'x-mentions' });

    expect(result.category).toBe('billing');
    // Billing complaints start at P2 and, being about money, go to a DM (rules/classifier.yaml).
    expect(result.severity).toBe('P2');
    expect(result.flags).toContain('escalate_dm');
  });

  it('drops severity and praise-free flags as the rules would when the model overrules a rules complaint', () => {
    const strict = withModel(builtin, model);
    const text = 'thanks for the great flight, the crew was lovely';

    const result = strict({ text, source: 'x-mentions' });

    expect(result.complaint).toBe(false);
    expect(result.severity).toBeNull();
    expect(result.flags).toContain('praise');
  });

  it('drops praise from a text the model calls a complaint', () => {
    const text = 'great, they lost my bag again, thanks';

    const result = run(text);

    expect(result.complaint).toBe(true);
    expect(result.flags).not.toContain('praise');
    expect(result.reasons.some((reason) => reason.detail.startsWith('praise:'))).toBe(false);
  });

  it('keeps flags that escalate or opt out whatever the model says', () => {
    const result = run('stop');

    expect(result.flags).toContain('opt_out');
  });

  it('keeps the rules category when the model learned none', () => {
    const plain = withModel(
      builtin,
      train(
        rows().map((row) => ({ ...row, category: null })),
        { createdAt: CREATED_AT, builtin },
      ),
    );

    const result = plain({ text: 'my parcel is 5 days late', source: 'x-mentions' });

    expect(result.category).toBe('delivery');
    expect(result.reasons.some((reason) => reason.rule === 'category:delivery')).toBe(true);
  });
});
