export { extractFeatures, markNegation, tokenize } from './features.js';
export { parseModel, parseModelJson } from './parse.js';
export { predict } from './predict.js';
export type { TrainedModel } from './schema.js';
export { train } from './train.js';
export type { EncodedRows, HyperparameterOverrides, TrainingRow } from './train.js';
export { withModel } from './with-model.js';
