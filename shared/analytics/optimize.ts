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
    for (let j = 0; j < n; j++)
      point[j] = (centroid[j] as number) + coefficient * ((centroid[j] as number) - (worst[j] as number));
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
      for (let j = 0; j < n; j++)
        vertex[j] = (bestVertex[j] as number) + SHRINK * ((vertex[j] as number) - (bestVertex[j] as number));
      values[i] = f(vertex);
    }
    evaluations += n;
  }
}

function sortSimplex(vertices: Float64Array[], values: number[]): void {
  const order = values
    .map((_, index) => index)
    .sort((left, right) => (values[left] as number) - (values[right] as number));
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
    for (let j = 0; j < best.length; j++)
      if (Math.abs((vertex[j] as number) - (best[j] as number)) > xTolerance) return false;
  }
  return true;
}

export interface MinimizeOptions extends NelderMeadOptions {
  /** Restarts per start after the first run; stops earlier when a restart gains less than fTolerance. */
  maxRestarts?: number;
}

/** Nelder–Mead from each start, each restarted at its optimum until it stops improving; the best wins. */
export function minimize(
  objective: Objective,
  starts: readonly ArrayLike<number>[],
  options: MinimizeOptions = {},
): Minimum {
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

/** Objective value and gradient at a point; the gradient is written into `gradient`. */
export type ObjectiveWithGradient = (point: Float64Array, gradient: Float64Array) => number;

export interface BfgsOptions {
  /** Stop when every gradient component is at most this. */
  gradientTolerance?: number;
  maxIterations?: number;
  /** Largest move per iteration in any coordinate (on log-parameters, e^5 ≈ 150×). */
  maxStep?: number;
}

/**
 * BFGS with the inverse-Hessian update (Nocedal & Wright, Algorithm 6.1) and a backtracking
 * Armijo line search; the update is skipped when the curvature s·y is not positive, and the
 * direction falls back to steepest descent when it is not a descent direction.
 */
export function bfgs(objective: ObjectiveWithGradient, start: ArrayLike<number>, options: BfgsOptions = {}): Minimum {
  const { gradientTolerance = 1e-9, maxIterations = 500, maxStep = 5 } = options;
  const n = start.length;
  let point = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let value = objective(point, gradient);
  let evaluations = 1;
  if (!Number.isFinite(value)) return { point, value: Infinity, evaluations, converged: false };
  let inverseHessian = identity(n);
  const direction = new Float64Array(n);
  const candidate = new Float64Array(n);
  let candidateGradient = new Float64Array(n);

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) <= gradientTolerance) return { point, value, evaluations, converged: true };
    multiply(inverseHessian, gradient, direction, -1);
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      inverseHessian = identity(n);
      for (let j = 0; j < n; j++) direction[j] = -(gradient[j] as number);
      slope = dot(gradient, direction);
    }
    let step = Math.min(1, maxStep / maxAbs(direction));
    let candidateValue = Infinity;
    for (let halvings = 0; halvings < 60; halvings++) {
      for (let j = 0; j < n; j++) candidate[j] = (point[j] as number) + step * (direction[j] as number);
      candidateValue = objective(candidate, candidateGradient);
      evaluations++;
      if (Number.isFinite(candidateValue) && candidateValue <= value + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(candidateValue <= value))
      return { point, value, evaluations, converged: maxAbs(gradient) <= gradientTolerance * 1e3 };

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = (candidate[j] as number) - (point[j] as number);
      y[j] = (candidateGradient[j] as number) - (gradient[j] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-16) {
      if (iteration === 0) inverseHessian = scaledIdentity(n, sy / dot(y, y));
      inverseHessian = bfgsUpdate(inverseHessian, s, y, sy);
    }
    const improvement = value - candidateValue;
    point = Float64Array.from(candidate);
    [gradient, candidateGradient] = [candidateGradient, gradient];
    value = candidateValue;
    // A step that changes nothing at double precision ends the search where it stands.
    if (improvement <= 1e-16 * Math.max(1, Math.abs(value)) && maxAbs(s) < 1e-12) {
      return { point, value, evaluations, converged: maxAbs(gradient) <= gradientTolerance * 1e3 };
    }
  }
  return { point, value, evaluations, converged: maxAbs(gradient) <= gradientTolerance };
}

function identity(n: number): Float64Array[] {
  return scaledIdentity(n, 1);
}

function scaledIdentity(n: number, scale: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n);
    row[i] = scale;
    return row;
  });
}

/** H⁺ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/(yᵀs). */
function bfgsUpdate(h: Float64Array[], s: Float64Array, y: Float64Array, sy: number): Float64Array[] {
  const n = s.length;
  const rho = 1 / sy;
  const hy = new Float64Array(n);
  multiply(h, y, hy, 1);
  const yhy = dot(y, hy);
  return h.map((row, i) => {
    const next = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      next[j] =
        (row[j] as number) -
        rho * ((hy[i] as number) * (s[j] as number) + (s[i] as number) * (hy[j] as number)) +
        (rho * rho * yhy + rho) * (s[i] as number) * (s[j] as number);
    }
    return next;
  });
}

function multiply(matrix: Float64Array[], vector: Float64Array, out: Float64Array, sign: number): void {
  matrix.forEach((row, i) => {
    out[i] = sign * dot(row, vector);
  });
}

function dot(left: Float64Array, right: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < left.length; i++) sum += (left[i] as number) * (right[i] as number);
  return sum;
}

function maxAbs(vector: Float64Array): number {
  let max = 0;
  for (const value of vector) max = Math.max(max, Math.abs(value));
  return max;
}
