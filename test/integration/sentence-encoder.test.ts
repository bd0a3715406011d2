import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadClassifierRules } from '../../src/config/rules.js';
import { createClassifier } from '../../src/core/classify/index.js';
import {
  SENTENCE_ENCODER_DIMENSIONS,
  encoderText,
  loadSentenceEncoder,
  withEncoder,
  type SentenceEncoder,
} from '../../src/lib/sentence-encoder.js';

const RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    normA += (a[i] ?? 0) ** 2;
    normB += (b[i] ?? 0) ** 2;
  }
  return dot / Math.sqrt(normA * normB);
}

describe('the sentence encoder (weights from node_modules, nothing downloaded)', () => {
  it.each`
    text                                                      | read
    ${'@united my bag is lost https://t.co/abc and @SomeOne'} | ${'my bag is lost and'}
    ${'  spaced\n\nout  '}                                    | ${'spaced out'}
    ${'@united'}                                              | ${'@united'}
    ${'   '}                                                  | ${'.'}
  `('reads "$text" as "$read"', ({ text, read }) => {
    expect(encoderText(text as string)).toBe(read);
  });

  it('gives every text a 512-component unit vector, the same alone or in a batch', async () => {
    const encoder = await loadSentenceEncoder();
    const texts = ['my flight was cancelled and nobody helps', 'thanks for the lovely crew', ''];
    const progress: number[] = [];

    const batch = await encoder.embed(texts, (done) => progress.push(done));
    const alone = await encoder.embed([texts[0] ?? '']);

    expect(batch).toHaveLength(3);
    for (const vector of batch) {
      expect(vector).toHaveLength(SENTENCE_ENCODER_DIMENSIONS);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
    }
    expect(Array.from(alone[0] ?? [])).toEqual(Array.from(batch[0] ?? []));
    expect(progress).toEqual([3]);
  });

  it('puts texts that mean the same near each other and apart from unrelated ones', async () => {
    const encoder = await loadSentenceEncoder();
    const [cancelled, sameMeaning, praise] = await encoder.embed([
      'my flight was cancelled',
      'they cancelled my flight',
      'I love the new seats',
    ]);
    if (cancelled === undefined || sameMeaning === undefined || praise === undefined) {
      throw new Error('three vectors expected');
    }

    expect(cosine(cancelled, sameMeaning)).toBeGreaterThan(cosine(cancelled, praise) + 0.2);
  });
});

describe('withEncoder: the classifier a model with the encoder runs behind', () => {
  it('encodes a text once while it is among the last texts seen, and hands the vector to the classifier', async () => {
    const real = await loadSentenceEncoder();
    const encoded: string[] = [];
    const counting: SentenceEncoder = {
      ...real,
      embed: (texts, onBatch) => {
        encoded.push(...texts);
        return real.embed(texts, onBatch);
      },
    };
    const seen: Array<ArrayLike<number> | undefined> = [];
    const classify = withEncoder(
      (input) => {
        seen.push(input.encoding);
        return createClassifier(loadClassifierRules(RULES_DIR))(input);
      },
      () => Promise.resolve(counting),
      2,
    );
    const a = 'my flight was cancelled and nobody helps';
    const b = 'thanks for the lovely crew';
    const c = 'where is my bag';

    for (const text of [a, b, a, `@united ${a}`, c, a, b]) {
      await classify({ text, source: 'x-mentions' });
    }

    // a and "@united a" read the same; b fell out when c came (a was used more recently), so b is encoded again.
    expect(encoded).toEqual([a, b, c, b]);
    expect(seen[2]).toBe(seen[0]);
    expect(seen[3]).toBe(seen[0]);
    expect(Array.from(seen[0] ?? [])).toEqual(Array.from((await real.embed([a]))[0] ?? []));
  });
});
