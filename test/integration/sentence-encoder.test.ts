import { describe, expect, it } from 'vitest';
import {
  SENTENCE_ENCODER_DIMENSIONS,
  encoderText,
  loadSentenceEncoder,
} from '../../src/lib/sentence-encoder.js';

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
