/** Writes the gradient at `params` into `gradient` and returns the objective's value there. */
export type Objective = (params: Float64Array, gradient: Float64Array) => number;

export interface MinimizeOptions {
  maxIterations: number;
  /** Stop when the gradient's largest component falls below this. */
  tolerance: number;
  /** Number of correction pairs kept. */
  memory: number;
}

export interface MinimizeResult {
  params: Float64Array;
  value: number;
  iterations: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) {
    sum += (a[i] ?? 0) * (b[i] ?? 0);
  }
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (const value of a) {
    const abs = Math.abs(value);
    if (abs > max) {
      max = abs;
    }
  }
  return max;
}

/**
 * Limited-memory BFGS with a backtracking (Armijo) line search. Full-batch and free of randomness, so the same
 * objective always gives the same parameters, and the result is the regularised optimum rather than wherever
 * a stochastic run happened to stop.
 */
export function minimize(
  objective: Objective,
  initial: Float64Array,
  options: MinimizeOptions,
): MinimizeResult {
  const size = initial.length;
  let params = Float64Array.from(initial);
  let gradient = new Float64Array(size);
  let value = objective(params, gradient);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  const alphas = new Array<number>(options.memory).fill(0);
  const direction = new Float64Array(size);
  let nextParams = new Float64Array(size);
  let nextGradient = new Float64Array(size);
  let iterations = 0;

  while (iterations < options.maxIterations && maxAbs(gradient) > options.tolerance) {
    iterations += 1;
    for (let i = 0; i < size; i += 1) {
      direction[i] = -(gradient[i] ?? 0);
    }
    for (let m = steps.length - 1; m >= 0; m -= 1) {
      const alpha = (rhos[m] ?? 0) * dot(steps[m] as Float64Array, direction);
      alphas[m] = alpha;
      const change = changes[m] as Float64Array;
      for (let i = 0; i < size; i += 1) {
        direction[i] = (direction[i] ?? 0) - alpha * (change[i] ?? 0);
      }
    }
    const last = steps.length - 1;
    if (last >= 0) {
      const change = changes[last] as Float64Array;
      const gamma = dot(steps[last] as Float64Array, change) / dot(change, change);
      for (let i = 0; i < size; i += 1) {
        direction[i] = (direction[i] ?? 0) * gamma;
      }
    }
    for (let m = 0; m < steps.length; m += 1) {
      const beta = (rhos[m] ?? 0) * dot(changes[m] as Float64Array, direction);
      const step = steps[m] as Float64Array;
      const correction = (alphas[m] ?? 0) - beta;
      for (let i = 0; i < size; i += 1) {
        direction[i] = (direction[i] ?? 0) + correction * (step[i] ?? 0);
      }
    }

    let slope = dot(direction, gradient);
    if (slope >= 0) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      steps.length = 0;
      changes.length = 0;
      rhos.length = 0;
      for (let i = 0; i < size; i += 1) {
        direction[i] = -(gradient[i] ?? 0);
      }
      slope = dot(direction, gradient);
    }
    let rate = last < 0 ? 1 / Math.max(1, Math.sqrt(-slope)) : 1;
    let nextValue = Infinity;
    for (let attempt = 0; attempt < 40; attempt += 1) {
      for (let i = 0; i < size; i += 1) {
        nextParams[i] = (params[i] ?? 0) + rate * (direction[i] ?? 0);
      }
      nextValue = objective(nextParams, nextGradient);
      if (nextValue <= value + 1e-4 * rate * slope) {
        break;
      }
      rate *= 0.5;
    }
    if (!(nextValue < value)) {
      break;
    }

    const step = new Float64Array(size);
    const change = new Float64Array(size);
    for (let i = 0; i < size; i += 1) {
      step[i] = (nextParams[i] ?? 0) - (params[i] ?? 0);
      change[i] = (nextGradient[i] ?? 0) - (gradient[i] ?? 0);
    }
    const curvature = dot(step, change);
    if (curvature > 1e-12) {
      if (steps.length === options.memory) {
        steps.shift();
        changes.shift();
        rhos.shift();
      }
      steps.push(step);
      changes.push(change);
      rhos.push(1 / curvature);
    }
    const relativeDecrease = (value - nextValue) / Math.max(1, Math.abs(value));
    [params, nextParams] = [nextParams, params];
    [gradient, nextGradient] = [nextGradient, gradient];
    value = nextValue;
    if (relativeDecrease < 1e-10) {
      break;
    }
  }
  return { params, value, iterations };
}
