import type { Flag, Severity, SourceId } from '../types.js';
import type { PolicyConditions, PolicyRule } from './types.js';

/** The facts about one mention that rule conditions test. */
export interface RuleFacts {
  severity: Severity | null;
  category: string | null;
  source: SourceId;
  flags: readonly Flag[];
  complaint: boolean;
  summoned: boolean;
  acknowledged: boolean;
  followers: number | null;
  verified: boolean;
  rating: number | null;
  confidence: number;
}

function within(value: number | null, min: number | undefined, max: number | undefined): boolean {
  if (min === undefined && max === undefined) {
    return true;
  }
  if (value === null) {
    return false;
  }
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

function holdsFlags(conditions: PolicyConditions['flags'], flags: readonly Flag[]): boolean {
  const any = conditions?.any ?? [];
  const none = conditions?.none ?? [];
  if (any.length > 0 && !any.some((flag) => flags.includes(flag))) {
    return false;
  }
  return !none.some((flag) => flags.includes(flag));
}

function holdsConfidence(conditions: PolicyConditions['confidence'], confidence: number): boolean {
  if (conditions?.below !== undefined && !(confidence < conditions.below)) {
    return false;
  }
  return conditions?.atLeast === undefined || confidence >= conditions.atLeast;
}

function inList<T>(list: readonly T[] | undefined, value: T | null): boolean {
  if (list === undefined) {
    return true;
  }
  return value !== null && list.includes(value);
}

function sameFlag(expected: boolean | undefined, actual: boolean): boolean {
  return expected === undefined || expected === actual;
}

/** Every condition present in `when` holds for `facts`. */
export function matches(when: PolicyConditions, facts: RuleFacts): boolean {
  return (
    inList(when.severity, facts.severity) &&
    inList(when.category, facts.category) &&
    inList(when.source, facts.source) &&
    holdsFlags(when.flags, facts.flags) &&
    sameFlag(when.complaint, facts.complaint) &&
    sameFlag(when.summoned, facts.summoned) &&
    sameFlag(when.acknowledged, facts.acknowledged) &&
    sameFlag(when.verified, facts.verified) &&
    within(facts.followers, when.minFollowers, when.maxFollowers) &&
    within(facts.rating, when.rating?.min, when.rating?.max) &&
    holdsConfidence(when.confidence, facts.confidence)
  );
}

/** The rule has no conditions, so it matches every mention. */
export function isCatchAll(when: PolicyConditions): boolean {
  const { flags, ...rest } = when;
  const flagConditions = (flags?.any?.length ?? 0) + (flags?.none?.length ?? 0);
  return flagConditions === 0 && Object.values(rest).every((value) => value === undefined);
}

/** The first rule whose conditions hold, or undefined. */
export function firstMatch(rules: readonly PolicyRule[], facts: RuleFacts): PolicyRule | undefined {
  for (const rule of rules) {
    if (matches(rule.when, facts)) {
      return rule;
    }
  }
  return undefined;
}
