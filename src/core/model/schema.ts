import { z } from 'zod';

export const MODEL_FORMAT = 'earshot-model-1';

const Count = z.number().int().min(0);

/** The sentence-encoder settings' defaults: for training, and for model files written before they existed. */
export const ENCODER_DEFAULTS = { encoderScale: 0.35, encoderL2: 0.3, encoderBlend: 0.35 } as const;

export const FeatureSettings = z.strictObject({
  bigrams: z.boolean(),
  negationWindow: z.number().int().min(0).max(10),
  charNgrams: z
    .tuple([z.number().int().min(1).max(10), z.number().int().min(1).max(10)])
    .refine(([min, max]) => min <= max, 'charNgrams must be [min, max] with min ≤ max')
    .nullable(),
});
export type FeatureSettings = z.infer<typeof FeatureSettings>;

export const ComplaintSettings = z.strictObject({
  /** Features seen in fewer training texts are dropped. */
  minCount: z.number().int().min(1),
  /** L2 penalty added to the summed log-loss. */
  l2: z.number().positive(),
  /** Smoothing of the naive Bayes log-count ratios that scale each feature (NBSVM, Wang & Manning 2012). */
  nbAlpha: z.number().positive(),
  /** Scale of the built-in classifier's log-odds as a feature, when the model is trained with it. */
  builtinScale: z.number().positive(),
  /**
   * Scale of the sentence encoder's vector components as features, when the model is trained with it: with one
   * L2 penalty for all weights, a smaller scale regularises the encoder's weights harder.
   */
  encoderScale: z.number().positive().default(ENCODER_DEFAULTS.encoderScale),
  /** p(complaint) at or above which a text is called a complaint. */
  threshold: z.number().gt(0).lt(1),
  maxIterations: z.number().int().min(1),
});
export type ComplaintSettings = z.infer<typeof ComplaintSettings>;

export const CategorySettings = z.strictObject({
  minCount: z.number().int().min(1),
  l2: z.number().min(0),
  /** Smoothing of the per-category naive Bayes ratios that scale each feature (one-vs-rest). */
  nbAlpha: z.number().positive(),
  /** Weight each category's rows by n / (k × n_c) so rare categories are not ignored. */
  balance: z.boolean(),
  epochs: z.number().int().min(1),
  learningRate: z.number().positive(),
  seed: z.number().int(),
  /** L2 penalty of the category model over the sentence encoder's vector, when trained with one. */
  encoderL2: z.number().positive().default(ENCODER_DEFAULTS.encoderL2),
  /** Share of that model in the blend of the two category models' log-probabilities (0 = words only). */
  encoderBlend: z.number().min(0).max(1).default(ENCODER_DEFAULTS.encoderBlend),
});
export type CategorySettings = z.infer<typeof CategorySettings>;

export const Hyperparameters = z.strictObject({
  features: FeatureSettings,
  complaint: ComplaintSettings,
  category: CategorySettings,
});
export type Hyperparameters = z.infer<typeof Hyperparameters>;

/**
 * A trained model as stored in MODEL.json: plain JSON, written by `earshot train`, read by `--model`.
 *
 * @example
 * { format: 'earshot-model-1', id: '3f2a9c01b7de', createdAt: '2026-11-21T12:00:00.000Z',
 *   trainedOn: { n: 2, complaints: 1, sha256: '…', categories: { billing: 1 } },
 *   hyperparameters: { … },
 *   complaint: { vocabulary: ['late', 'thanks'], bias: 0.1, weights: [1.2, -1.4], builtin: null, encoder: null },
 *   category: null }
 */
export const TrainedModel = z
  .strictObject({
    format: z.literal(MODEL_FORMAT),
    /** First 12 hex digits of the SHA-256 of everything learned (not `createdAt`). */
    id: z.string().regex(/^[0-9a-f]{12}$/, 'expected 12 lower-case hex digits'),
    createdAt: z.iso.datetime(),
    trainedOn: z.strictObject({
      n: Count,
      complaints: Count,
      /** SHA-256 of the training rows (id, text, complaint, category), in input order. */
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits'),
      /** Training rows per category label, among complaints. */
      categories: z.record(z.string(), Count),
    }),
    hyperparameters: Hyperparameters,
    complaint: z.strictObject({
      vocabulary: z.array(z.string()),
      bias: z.number(),
      /** One per vocabulary entry, already multiplied by the feature's naive Bayes ratio. */
      weights: z.array(z.number()),
      /** Present when the model was trained with the built-in classifier's score as a feature. */
      builtin: z
        .strictObject({
          /** The built-in's classifierVersion at training time (its rules shape the feature). */
          classifierVersion: z.string(),
          /** Weight of the built-in's log-odds. */
          weight: z.number(),
        })
        .nullable(),
      /**
       * Present when the model was trained with a pretrained sentence encoder's vector of each text as features
       * (models written before encoders existed have none).
       */
      encoder: z
        .strictObject({
          /** Which encoder made the vectors, e.g. 'use-lite-512'. */
          name: z.string().min(1),
          /** One per vector component, already multiplied by `encoderScale`. */
          weights: z.array(z.number()).min(1),
        })
        .nullable()
        .default(null),
    }),
    category: z
      .strictObject({
        vocabulary: z.array(z.string()),
        labels: z.array(z.string().min(1)).min(2),
        biases: z.array(z.number()),
        /** Feature-major: the weight of vocabulary[j] for labels[c] is at j × labels.length + c. */
        weights: z.array(z.number()),
        /**
         * A second category model over the sentence encoder's vector, when trained with one; its log-probabilities
         * are blended with the word model's by `hyperparameters.category.encoderBlend`.
         */
        encoder: z
          .strictObject({
            name: z.string().min(1),
            biases: z.array(z.number()),
            /** Component-major: the weight of component j for labels[c] is at j × labels.length + c. */
            weights: z.array(z.number()).min(1),
          })
          .nullable()
          .default(null),
      })
      .nullable(),
  })
  .superRefine((model, ctx) => {
    const size = model.complaint.vocabulary.length;
    if (model.complaint.weights.length !== size) {
      ctx.addIssue({
        code: 'custom',
        path: ['complaint', 'weights'],
        message: `expected ${size} weights (one per vocabulary entry), got ${model.complaint.weights.length}`,
      });
    }
    const category = model.category;
    if (category === null) {
      return;
    }
    const classes = category.labels.length;
    const features = category.vocabulary.length;
    if (category.biases.length !== classes) {
      ctx.addIssue({
        code: 'custom',
        path: ['category', 'biases'],
        message: `expected ${classes} biases (one per label), got ${category.biases.length}`,
      });
    }
    if (category.weights.length !== features * classes) {
      ctx.addIssue({
        code: 'custom',
        path: ['category', 'weights'],
        message: `expected ${features * classes} weights (vocabulary × labels), got ${category.weights.length}`,
      });
    }
    const encoder = category.encoder;
    if (encoder !== null && encoder.biases.length !== classes) {
      ctx.addIssue({
        code: 'custom',
        path: ['category', 'encoder', 'biases'],
        message: `expected ${classes} biases (one per label), got ${encoder.biases.length}`,
      });
    }
    const dimensions = model.complaint.encoder?.weights.length;
    if (encoder !== null && encoder.weights.length !== (dimensions ?? 0) * classes) {
      ctx.addIssue({
        code: 'custom',
        path: ['category', 'encoder', 'weights'],
        message:
          dimensions === undefined
            ? "a category encoder model needs the complaint model's encoder too"
            : `expected ${dimensions * classes} weights (encoder components × labels), got ${encoder.weights.length}`,
      });
    }
    if (encoder !== null && encoder.name !== model.complaint.encoder?.name) {
      ctx.addIssue({
        code: 'custom',
        path: ['category', 'encoder', 'name'],
        message: `expected the complaint model's encoder "${model.complaint.encoder?.name ?? 'none'}", got "${encoder.name}"`,
      });
    }
  });
export type TrainedModel = z.infer<typeof TrainedModel>;
