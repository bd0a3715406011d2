import { parameterIllegal, parameterInvalid } from '../errors.js';
import type { SandboxHttpResponse } from '../http.js';

/** Returns why a value is invalid, or undefined when it is fine. */
export type ParamCheck = (value: string, name: string) => string | undefined;

export const REVIEW_FIELDS = [
  'rating',
  'title',
  'body',
  'reviewerNickname',
  'createdDate',
  'territory',
  'response',
  'reviewTerritory',
] as const;

export const RESPONSE_FIELDS = ['responseBody', 'lastModifiedDate', 'state', 'review'] as const;

export function listOf(value: string): string[] {
  return value.split(',').map((item) => item.trim());
}

/** A comma-separated list whose every item is one of `allowed`. */
export function oneOrMoreOf(allowed: readonly string[]): ParamCheck {
  return (value) => {
    for (const item of listOf(value)) {
      if (!allowed.includes(item)) {
        return `'${item}' is not a valid value; expected one of ${allowed.join(', ')}`;
      }
    }
    return undefined;
  };
}

/**
 * The first problem with the query: a parameter the operation does not take (PARAMETER_ERROR.ILLEGAL) or a
 * value it does not accept (PARAMETER_ERROR.INVALID), as App Store Connect reports them.
 */
export function checkQuery(
  url: URL,
  allowed: Record<string, ParamCheck>,
): SandboxHttpResponse | undefined {
  for (const [name, value] of url.searchParams) {
    const check = allowed[name];
    if (check === undefined) {
      return parameterIllegal(name);
    }
    const problem = check(value, name);
    if (problem !== undefined) {
      return parameterInvalid(name, problem);
    }
  }
  return undefined;
}

/** `fields[type]=a,b` as a set, or undefined when the parameter is absent (every field). */
export function fieldSet(url: URL, name: string): Set<string> | undefined {
  const value = url.searchParams.get(name);
  return value === null ? undefined : new Set(listOf(value));
}
