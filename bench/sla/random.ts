/** mulberry32: a small deterministic PRNG, so one seed always gives the same burst. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

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
