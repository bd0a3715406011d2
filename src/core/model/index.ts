export { extractFeatures, markNegation, tokenize } from './features.js';
export { parseModel, parseModelJson } from './parse.js';
export { builtinLogOdds, predict, prepareModel } from './predict.js';
export type { FeatureWeight, PredictContext, Prediction } from './predict.js';
export { MODEL_FORMAT, TrainedModel } from './schema.js';
export type {
  CategorySettings,
  ComplaintSettings,
  FeatureSettings,
  Hyperparameters,
} from './schema.js';
export { DEFAULT_HYPERPARAMETERS, hashRows, resolveHyperparameters, train } from './train.js';
export type { EncodedRows, HyperparameterOverrides, TrainOptions, TrainingRow } from './train.js';
export { withModel } from './with-model.js';
export type { WithModelOptions } from './with-model.js';
