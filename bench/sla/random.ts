export { seededRandom as random } from '../../src/core/seeded-random.js';

/** One of `choices`, each with its weight (weights need not sum to 1). */
export function weighted<T>(choices: readonly (readonly [T, number])[], next: () => number): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = next() * total;
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll < 0) {
      return value;
    }
  }
  const last = choices.at(-1);
  if (last === undefined) {
    throw new Error('weighted() needs at least one choice');
  }
  return last[0];
}

/** A number in [min, max). */
export function between(min: number, max: number, next: () => number): number {
  return min + (max - min) * next();
}
