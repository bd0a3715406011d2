import { isXId } from './ids.js';
import { invalidParameter, type InvalidParameter } from './problems.js';

/** X's error for a query (or path) parameter value that is not a post or user id. */
export function notAnXId(
  name: string,
  value: string,
  where: 'query' | 'path' = 'query',
): InvalidParameter {
  return invalidParameter(
    name,
    value,
    `The \`${name}\` ${where} parameter value [${value}] does not match ^[0-9]{1,19}$`,
  );
}

/**
 * Reads query parameters the way X validates them, collecting every problem so one 400 names them all,
 * with X's message wording (platform-facts §1.8).
 */
export interface QueryReader {
  errors: InvalidParameter[];
  id(name: string): string | undefined;
  int(name: string, min: number, max: number): number | undefined;
  dateTime(name: string): number | undefined;
  /** A comma-separated list whose items must be in `allowed`; several names are merged (tweet.fields + post.fields). */
  list(names: readonly string[], allowed: readonly string[]): Set<string>;
  string(name: string): string | undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function createQueryReader(query: URLSearchParams, allowed: readonly string[]): QueryReader {
  const errors: InvalidParameter[] = [];
  const allowedSet = new Set(allowed);
  for (const name of new Set(query.keys())) {
    if (!allowedSet.has(name)) {
      errors.push(
        invalidParameter(
          name,
          query.get(name) ?? '',
          `The query parameter [${name}] is not one of [${allowed.join(',')}]`,
        ),
      );
    }
  }

  return {
    errors,
    id(name) {
      const value = query.get(name);
      if (value === null) {
        return undefined;
      }
      if (!isXId(value)) {
        errors.push(notAnXId(name, value));
        return undefined;
      }
      return value;
    },
    int(name, min, max) {
      const value = query.get(name);
      if (value === null) {
        return undefined;
      }
      const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
        errors.push(
          invalidParameter(
            name,
            value,
            `The \`${name}\` query parameter value [${value}] is not between ${min} and ${max}`,
          ),
        );
        return undefined;
      }
      return parsed;
    },
    dateTime(name) {
      const value = query.get(name);
      if (value === null) {
        return undefined;
      }
      const parsed = RFC3339.test(value) ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(parsed)) {
        errors.push(
          invalidParameter(
            name,
            value,
            `The \`${name}\` query parameter value [${value}] is not a valid RFC 3339 date-time (YYYY-MM-DDTHH:mm:ssZ)`,
          ),
        );
        return undefined;
      }
      return parsed;
    },
    list(names, allowedValues) {
      const values = new Set<string>();
      for (const name of names) {
        const raw = query.get(name);
        if (raw === null) {
          continue;
        }
        for (const item of raw.split(',')) {
          if (!allowedValues.includes(item)) {
            errors.push(
              invalidParameter(
                name,
                item,
                `The \`${name}\` query parameter value [${item}] is not one of [${allowedValues.join(',')}]`,
              ),
            );
            continue;
          }
          values.add(item);
        }
      }
      return values;
    },
    string(name) {
      return query.get(name) ?? undefined;
    },
  };
}
