import { ConfigError } from '../../errors.js';
import { MODEL_FORMAT, TrainedModel } from './schema.js';

const MAX_ISSUES = 5;

function describeFormat(json: unknown): string | null {
  if (Array.isArray(json)) {
    return 'found an array';
  }
  if (json === null) {
    return 'found null';
  }
  if (typeof json !== 'object') {
    return `found a ${typeof json}`;
  }
  if (!('format' in json)) {
    return 'found no "format" field';
  }
  if (json.format !== MODEL_FORMAT) {
    return `found "format": ${JSON.stringify(json.format)}`;
  }
  return null;
}

/**
 * Validates a parsed model file. Throws a ConfigError naming `source` and what is wrong: a file that is not an
 * earshot model at all is told apart from a damaged one.
 */
export function parseModel(json: unknown, source = 'model'): TrainedModel {
  const wrongFormat = describeFormat(json);
  if (wrongFormat !== null) {
    throw new ConfigError(
      `${source}: not an earshot model file (expected "format": "${MODEL_FORMAT}", ${wrongFormat}); ` +
        'create one with `earshot train`',
    );
  }
  const result = TrainedModel.safeParse(json);
  if (result.success) {
    return result.data;
  }
  const issues = result.error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = result.error.issues.length - issues.length;
  throw new ConfigError(
    `${source}: invalid earshot model: ${issues.join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
  );
}

/** Parses the text of a model file (JSON) and validates it; see parseModel. */
export function parseModelJson(text: string, source = 'model'): TrainedModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${source}: not an earshot model file: not valid JSON (${reason})`);
  }
  return parseModel(json, source);
}
