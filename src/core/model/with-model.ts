import type { Classification, ClassifierInput, Flag, Reason, Severity } from '../types.js';
import { predict, prepareModel } from './predict.js';
import type { Prediction } from './predict.js';
import type { TrainedModel } from './schema.js';

export interface WithModelOptions {
  /**
   * Severity of a complaint the model found where the built-in classifier saw none (the built-in's severity
   * logic needs its own evidence, which it did not find). Defaults to 'P3', the lowest.
   */
  fallbackSeverity?: Severity;
}

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

function removePraiseReasons(reasons: Reason[]): void {
  for (let i = reasons.length - 1; i >= 0; i -= 1) {
    const reason = reasons[i];
    if (reason?.field === 'flag' && reason.detail.startsWith('praise:')) {
      reasons.splice(i, 1);
    }
  }
}

/**
 * Puts a trained model in charge of the complaint decision (and of the category, when the model learned
 * categories) while the built-in classifier keeps providing sentiment, flags, severity and their reasons.
 *
 * When the model disagrees with the built-in on "complaint": a non-complaint has no severity, and a complaint
 * the built-in missed gets `fallbackSeverity`; the built-in's `praise` flag is dropped from a complaint. Flags
 * that escalate (to a person, to DM) and `opt_out` are always kept: a model must not silence them.
 *
 * @example
 * const classify = withModel(createClassifier(rules), parseModel(JSON.parse(file)));
 * classify({ text: 'flight delayed 3 hrs, where is my bag', source: 'x-mentions' }).classifierVersion;
 * // → 'model:3f2a9c01b7de+builtin-2+rules:e5970144a3c3'
 */
export function withModel(
  builtin: (input: ClassifierInput) => Classification,
  model: TrainedModel,
  options: WithModelOptions = {},
): (input: ClassifierInput) => Classification {
  const rule = `model:${model.id}`;
  const fallbackSeverity = options.fallbackSeverity ?? 'P3';
  const modelCategories = model.category !== null;
  prepareModel(model);

  return function classify(input: ClassifierInput): Classification {
    const base = builtin(input);
    const prediction = predict(model, input.text, { builtin: base, encoding: input.encoding });
    const complaint = prediction.complaint;
    const reasons: Reason[] = base.reasons.filter(
      (reason) =>
        reason.field !== 'complaint' &&
        !(modelCategories && reason.field === 'category') &&
        !(reason.field === 'severity' && complaint !== base.complaint),
    );
    reasons.push({
      field: 'complaint',
      rule,
      detail: describe(prediction),
      weight: round(logit(prediction.probability)),
    });

    let category = base.category;
    if (modelCategories) {
      category = prediction.category;
      if (category !== null) {
        reasons.push({
          field: 'category',
          rule,
          detail: `${category}: p=${prediction.categoryProbability.toFixed(2)} if a complaint`,
        });
      }
    }

    let severity: Severity | null = base.severity;
    if (!complaint) {
      severity = null;
    } else if (base.severity === null) {
      severity = fallbackSeverity;
      reasons.push({
        field: 'severity',
        rule,
        detail: `a complaint by the model but not by the rules: ${fallbackSeverity}`,
      });
    }

    let flags: Flag[] = base.flags;
    if (complaint && flags.includes('praise')) {
      flags = flags.filter((flag) => flag !== 'praise');
      removePraiseReasons(reasons);
    }

    return {
      complaint,
      confidence: round(complaint ? prediction.probability : 1 - prediction.probability),
      sentiment: base.sentiment,
      category,
      severity,
      flags,
      reasons,
      classifierVersion: `${rule}+${base.classifierVersion}`,
    };
  };
}
