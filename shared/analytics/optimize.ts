/**
 * Derivative-free minimization for the CLV likelihoods: Nelder–Mead (Nelder & Mead 1965, the
 * standard coefficients and scipy's stopping rule), restarted from its own optimum until a
 * restart no longer improves (a collapsed simplex is the classic Nelder–Mead failure), from
 * several starting points. The models are fitted on log-parameters, so the search is unbounded.
 */

export type Objective = (point: Float64Array) => number;

export interface NelderMeadOptions {
  /** Stop when every vertex is within this of the best, per coordinate. */
  xTolerance?: number;
  /** … and every value within this of the best. */
  fTolerance?: number;
  maxEvaluations?: number;
  /** Initial simplex edge, per coordinate. */
  step?: number;
}

export interface Minimum {
  point: Float64Array;
  value: number;
  evaluations: number;
  /** False when the evaluation budget ran out before the tolerances were met. */
  converged: boolean;
}

const REFLECT = 1;
const EXPAND = 2;
const CONTRACT = 0.5;
const SHRINK = 0.5;

/** One Nelder–Mead run. Non-finite objective values count as +∞ (the simplex moves away). */
export function nelderMead(objective: Objective, start: ArrayLike<number>, options: NelderMeadOptions = {}): Minimum {
  const { xTolerance = 1e-10, fTolerance = 1e-12, maxEvaluations = 20_000, step = 0.1 } = options;
  const n = start.length;
  const f = (point: Float64Array): number => {
    const value = objective(point);
    return Number.isFinite(value) ? value : Infinity;
  };
  const vertices: Float64Array[] = [];
  const values: number[] = [];
  for (let i = 0; i <= n; i++) {
    const vertex = Float64Array.from(start);
    if (i > 0) vertex[i - 1] = (vertex[i - 1] as number) + step;
    vertices.push(vertex);
    values.push(f(vertex));
  }
  let evaluations = n + 1;
  const centroid = new Float64Array(n);
  const along = (coefficient: number): Float64Array => {
    const worst = vertices[n] as Float64Array;
    const point = new Float64Array(n);
    for (let j = 0; j < n; j++) point[j] = (centroid[j] as number) + coefficient * ((centroid[j] as number) - (worst[j] as number));
    return point;
  };
  const replaceWorst = (point: Float64Array, value: number): void => {
    vertices[n] = point;
    values[n] = value;
  };

  for (;;) {
    sortSimplex(vertices, values);
    if (isConverged(vertices, values, xTolerance, fTolerance)) {
      return { point: vertices[0] as Float64Array, value: values[0] as number, evaluations, converged: true };
    }
    if (evaluations >= maxEvaluations) {
      return { point: vertices[0] as Float64Array, value: values[0] as number, evaluations, converged: false };
    }
    centroid.fill(0);
    for (let i = 0; i < n; i++) {
      const vertex = vertices[i] as Float64Array;
      for (let j = 0; j < n; j++) centroid[j] = (centroid[j] as number) + (vertex[j] as number) / n;
    }
    const best = values[0] as number;
    const secondWorst = values[n - 1] as number;
    const worst = values[n] as number;

    const reflected = along(REFLECT);
    const reflectedValue = f(reflected);
    evaluations++;
    if (reflectedValue < best) {
      const expanded = along(REFLECT * EXPAND);
      const expandedValue = f(expanded);
      evaluations++;
      if (expandedValue < reflectedValue) replaceWorst(expanded, expandedValue);
      else replaceWorst(reflected, reflectedValue);
      continue;
    }
    if (reflectedValue < secondWorst) {
      replaceWorst(reflected, reflectedValue);
      continue;
    }
    const outside = reflectedValue < worst;
    const contracted = along(outside ? REFLECT * CONTRACT : -CONTRACT);
    const contractedValue = f(contracted);
    evaluations++;
    if (contractedValue <= (outside ? reflectedValue : worst)) {
      replaceWorst(contracted, contractedValue);
      continue;
    }
    const bestVertex = vertices[0] as Float64Array;
    for (let i = 1; i <= n; i++) {
      const vertex = vertices[i] as Float64Array;
      for (let j = 0; j < n; j++) vertex[j] = (bestVertex[j] as number) + SHRINK * ((vertex[j] as number) - (bestVertex[j] as number));
      values[i] = f(vertex);
    }
    evaluations += n;
  }
}

function sortSimplex(vertices: Float64Array[], values: number[]): void {
  const order = values.map((_, index) => index).sort((left, right) => (values[left] as number) - (values[right] as number));
  const sortedVertices = order.map((index) => vertices[index] as Float64Array);
  const sortedValues = order.map((index) => values[index] as number);
  for (let i = 0; i < order.length; i++) {
    vertices[i] = sortedVertices[i] as Float64Array;
    values[i] = sortedValues[i] as number;
  }
}

function isConverged(vertices: Float64Array[], values: number[], xTolerance: number, fTolerance: number): boolean {
  const best = vertices[0] as Float64Array;
  const bestValue = values[0] as number;
  for (let i = 1; i < vertices.length; i++) {
    if (!(Math.abs((values[i] as number) - bestValue) <= fTolerance)) return false;
    const vertex = vertices[i] as Float64Array;
    for (let j = 0; j < best.length; j++) if (Math.abs((vertex[j] as number) - (best[j] as number)) > xTolerance) return false;
  }
  return true;
}

export interface MinimizeOptions extends NelderMeadOptions {
  /** Restarts per start after the first run; stops earlier when a restart gains less than fTolerance. */
  maxRestarts?: number;
}

/** Nelder–Mead from each start, each restarted at its optimum until it stops improving; the best wins. */
export function minimize(objective: Objective, starts: readonly ArrayLike<number>[], options: MinimizeOptions = {}): Minimum {
  const { maxRestarts = 10, fTolerance = 1e-12 } = options;
  let best: Minimum | undefined;
  let evaluations = 0;
  for (const start of starts) {
    let current = nelderMead(objective, start, options);
    evaluations += current.evaluations;
    for (let restart = 0; restart < maxRestarts; restart++) {
      const next = nelderMead(objective, current.point, options);
      evaluations += next.evaluations;
      const gain = current.value - next.value;
      if (next.value < current.value) current = next;
      if (!(gain > fTolerance)) break;
    }
    if (best === undefined || current.value < best.value) best = current;
  }
  if (best === undefined) throw new RangeError('minimize needs at least one start');
  return { ...best, evaluations };
}
