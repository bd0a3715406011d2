import { readFileSync } from 'node:fs';

import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export interface OpenApiMedia {
  schema: { $ref?: string };
}

export interface OpenApiOperation {
  operationId: string;
  responses: Record<string, { content?: Record<string, OpenApiMedia> }>;
}

/** The parts of a trimmed OpenAPI 3.0 document the spec tests read. */
export interface OpenApiSubset {
  info: { version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, unknown> };
}

export interface OpenApiValidator {
  spec: OpenApiSubset;
  /** The operation with this id; throws when the subset does not have it. */
  operation(operationId: string): OpenApiOperation;
  /** What is wrong with `body` against a component, e.g. `#/components/schemas/Problem`; `[]` when it is valid. */
  schemaErrors(ref: string, body: unknown): string[];
}

/**
 * OpenAPI 3.0 → JSON Schema: `nullable` becomes a null type; `discriminator` (Ajv checks the `oneOf` beside it)
 * and `example` are dropped.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) {
    return node.map(toJsonSchema);
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'discriminator' || key === 'nullable' || key === 'example') {
      continue;
    }
    out[key] = toJsonSchema(value);
  }
  if ('nullable' in node && node.nullable === true && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
  }
  return out;
}

/**
 * Loads a vendored OpenAPI subset and validates bodies against its component schemas with Ajv (formats on).
 *
 * @example
 * const { spec, schemaErrors } = loadOpenApiSubset(
 *   new URL('../fixtures/openapi/x-api-v2.subset.json', import.meta.url),
 * );
 * expect(schemaErrors('#/components/schemas/Problem', body)).toEqual([]);
 */
export function loadOpenApiSubset(file: URL): OpenApiValidator {
  const spec = JSON.parse(readFileSync(file, 'utf8')) as OpenApiSubset;
  const id = new URL(file.pathname, 'https://earshot.invalid').href;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormatsModule.default(ajv);
  ajv.addSchema({ $id: id, components: { schemas: toJsonSchema(spec.components.schemas) } });
  const validators = new Map<string, ValidateFunction>();

  return {
    spec,
    operation(operationId) {
      for (const item of Object.values(spec.paths)) {
        for (const candidate of Object.values(item)) {
          if (candidate.operationId === operationId) {
            return candidate;
          }
        }
      }
      throw new Error(`operation ${operationId} is not in the subset`);
    },
    schemaErrors(ref, body) {
      let validate = validators.get(ref);
      if (!validate) {
        validate = ajv.compile({ $ref: `${id}${ref}` });
        validators.set(ref, validate);
      }
      if (validate(body)) {
        return [];
      }
      return (validate.errors ?? []).map(
        (error) => `${ref} ${error.instancePath} ${error.message ?? ''}`,
      );
    },
  };
}
