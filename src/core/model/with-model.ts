import type { BuiltinClassifier, Classification, ClassifierInput, Reason } from '../types.js';
import { predict, prepareModel } from './predict.js';
import type { Prediction } from './predict.js';
import type { TrainedModel } from './schema.js';

const SHOWN_FEATURES = 3;

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function logit(probability: number): number {
  const p = Math.min(1 - 1e-9, Math.max(1e-9, probability));
  return Math.log(p / (1 - p));
}

function describe(prediction: Prediction): string {
  const shown = prediction.topFeatures
    .slice(0, SHOWN_FEATURES)
    .map((feature) => `${feature.token} (${feature.weight > 0 ? '+' : ''}${feature.weight})`);
  const features = shown.length === 0 ? 'none known' : shown.join(', ');
  return `p=${prediction.probability.toFixed(2)}; top features: ${features}`;
}

/**
 * Puts a trained model in charge of the complaint decision (and of the category, when the model learned
 * categories); the built-in classifier then works out sentiment, severity, flags and escalation for that
 * decision, so they never contradict it: a complaint the rules missed still gets the rules' bumps ("my lawyer
 * …" → P0) and escalation triggers; its severity starts where the more urgent of the model's category and the
 * rules' category starts ("caught fire" stays P0); a non-complaint has no severity and keeps its escalating
 * flags (to a person, to DM) and `opt_out`.
 *
 * @example
 * const classify = withModel(createClassifier(rules), parseModel(JSON.parse(file)));
 * classify({ text: 'flight delayed 3 hrs, where is my bag', source: 'x-mentions' }).classifierVersion;
 * // → 'model:3f2a9c01b7de+builtin-2+rules:e5970144a3c3'
 */
export function withModel(
  builtin: BuiltinClassifier,
  model: TrainedModel,
): (input: ClassifierInput) => Classification {
  const rule = `model:${model.id}`;
  const modelCategories = model.category !== null;
  prepareModel(model);

  return function classify(input: ClassifierInput): Classification {
    const base = builtin(input);
    const prediction = predict(model, input.text, { builtin: base, encoding: input.encoding });
    const complaint = prediction.complaint;
    // A non-complaint keeps the model's category too: what it is about if it is a complaint after all, which
    // is where a person who relabels it starts (and what category recall counts on a missed complaint).
    const category = modelCategories ? prediction.category : undefined;
    const agrees =
      complaint === base.complaint && (category === undefined || category === base.category);
    const outcome = agrees ? base : builtin(input, { complaint, category });

    const reasons: Reason[] = outcome.reasons.filter((reason) => reason.field !== 'complaint');
    reasons.push({
      field: 'complaint',
      rule,
      detail: describe(prediction),
      weight: round(logit(prediction.probability)),
    });
    if (category !== undefined && category !== null && outcome.category === category) {
      reasons.push({
        field: 'category',
        rule,
        detail: `${category}: p=${prediction.categoryProbability.toFixed(2)} if a complaint`,
      });
    }

    return {
      complaint,
      confidence: round(complaint ? prediction.probability : 1 - prediction.probability),
      sentiment: outcome.sentiment,
      category: outcome.category,
      severity: outcome.severity,
      flags: outcome.flags,
      reasons,
      classifierVersion: `${rule}+${base.classifierVersion}`,
    };
  };
}
