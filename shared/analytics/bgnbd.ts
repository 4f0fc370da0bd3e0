/**
 * BG/NBD: Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "'Counting Your Customers' the
 * Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275–284; equation
 * numbers below are the paper's. Time is in the summary's period (weeks or days).
 *
 * The likelihood is summed over distinct (x, t_x, T) triplets with weights; the terms that
 * depend only on x and the parameters are computed once per distinct x.
 */
import type { Period, RepeatTriplets } from './customer-summary.js';
import { minimize } from './optimize.js';
import { logAddExp, logGamma } from './special-functions.js';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface FitGate {
  /** Fewer customers with x > 0 than this: not enough data (default 500). */
  minRepeatCustomers?: number;
  /** A calibration span shorter than this many days: not enough data (default 90). */
  minSpanDays?: number;
}

export type BgNbdFit =
  | {
      status: 'fitted';
      params: BgNbdParams;
      logLik: number;
      customers: number;
      repeatTransactions: number;
      /** Distinct (x, t_x, T) triplets the likelihood ran over. */
      triplets: number;
      evaluations: number;
      converged: boolean;
    }
  | { status: 'not_enough_data'; reason: string };

export const DEFAULT_GATE: Required<FitGate> = { minRepeatCustomers: 500, minSpanDays: 90 };

interface XGroups {
  /** Distinct x values, ascending. */
  values: Float64Array;
  /** Per triplet, the index of its x in `values`. */
  index: Uint32Array;
}

const groupsCache = new WeakMap<RepeatTriplets, XGroups>();

function xGroupsOf(data: RepeatTriplets): XGroups {
  const cached = groupsCache.get(data);
  if (cached) return cached;
  const values: number[] = [];
  const index = new Uint32Array(data.length);
  const positionOf = new Map<number, number>();
  for (let i = 0; i < data.length; i++) {
    const x = data.x[i] as number;
    let position = positionOf.get(x);
    if (position === undefined) {
      position = values.length;
      positionOf.set(x, position);
      values.push(x);
    }
    index[i] = position;
  }
  const groups = { values: Float64Array.from(values), index };
  groupsCache.set(data, groups);
  return groups;
}

/**
 * The log-likelihood, eq. (6) written as in the paper's appendix:
 * ln L = A1 + A2 + ln(exp(A3) + δ_{x>0} exp(A4)) with
 * A1 = ln Γ(r+x) − ln Γ(r) + r ln α, A2 = ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x),
 * A3 = −(r+x) ln(α+T), A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
 */
export function logLikelihood(params: BgNbdParams, data: RepeatTriplets): number {
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return -Infinity;
  const groups = xGroupsOf(data);
  const distinct = groups.values.length;
  const base = new Float64Array(distinct);
  const logA4 = new Float64Array(distinct);
  const common = -logGamma(r) + r * Math.log(alpha) + logGamma(a + b) - logGamma(b);
  const logA = Math.log(a);
  for (let k = 0; k < distinct; k++) {
    const x = groups.values[k] as number;
    base[k] = common + logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x);
    logA4[k] = x > 0 ? logA - Math.log(b + x - 1) : -Infinity;
  }
  const { x: xs, tx, T, weight, length } = data;
  const index = groups.index;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const x = xs[i] as number;
    const k = index[i] as number;
    const shape = r + x;
    const a3 = -shape * Math.log(alpha + (T[i] as number));
    let term: number;
    if (x > 0) {
      const a4 = (logA4[k] as number) - shape * Math.log(alpha + (tx[i] as number));
      term = (base[k] as number) + (a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4)));
    } else {
      term = (base[k] as number) + a3;
    }
    sum += (weight[i] as number) * term;
  }
  return sum;
}

export interface BgNbdFitOptions extends FitGate {
  /** Starting points; by default three spread over plausible values for the period. */
  starts?: BgNbdParams[];
}

/** Maximum-likelihood fit on log-parameters, from several starts; gated on enough history. */
export function fit(data: RepeatTriplets, options: BgNbdFitOptions = {}): BgNbdFit {
  const gate = { ...DEFAULT_GATE, ...options };
  if (data.repeatCustomers < gate.minRepeatCustomers) {
    return {
      status: 'not_enough_data',
      reason: `${data.repeatCustomers} customers bought more than once; the model needs at least ${gate.minRepeatCustomers}`,
    };
  }
  if (data.spanDays < gate.minSpanDays) {
    return {
      status: 'not_enough_data',
      reason: `the calibration period spans ${data.spanDays} days from the first purchase; the model needs at least ${gate.minSpanDays}`,
    };
  }
  const scale = data.customers;
  const objective = (theta: Float64Array): number =>
    -logLikelihood(
      { r: Math.exp(theta[0] as number), alpha: Math.exp(theta[1] as number), a: Math.exp(theta[2] as number), b: Math.exp(theta[3] as number) },
      data,
    ) / scale;
  const starts = (options.starts ?? defaultStarts(data.period)).map((start) =>
    [start.r, start.alpha, start.a, start.b].map(Math.log),
  );
  const best = minimize(objective, starts);
  const [logR, logAlpha, logAParam, logB] = best.point as unknown as [number, number, number, number];
  const params = { r: Math.exp(logR), alpha: Math.exp(logAlpha), a: Math.exp(logAParam), b: Math.exp(logB) };
  return {
    status: 'fitted',
    params,
    logLik: logLikelihood(params, data),
    customers: data.customers,
    repeatTransactions: data.repeatTransactions,
    triplets: data.length,
    evaluations: best.evaluations,
    converged: best.converged,
  };
}

function defaultStarts(period: Period): BgNbdParams[] {
  // α is a time scale: starts in days are the weekly ones times seven.
  const unit = period === 'week' ? 1 : 7;
  return [
    { r: 1, alpha: 1 * unit, a: 1, b: 1 },
    { r: 0.25, alpha: 4 * unit, a: 0.8, b: 2.5 },
    { r: 2, alpha: 20 * unit, a: 2, b: 8 },
  ];
}

/**
 * E[Y(t) | x, t_x, T], eq. (10): expected purchases in the next t periods of a customer with
 * history (x, t_x, T). The 2F1 is taken through Euler's transformation, which removes x from
 * its upper parameters:
 * (1−z)^(r+x) 2F1(r+x, b+x; a+b+x−1; z) = (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z),
 * z = t/(α+T+t), and the (a−1) in the leading fraction is divided out of the series, so a = 1
 * is no singularity.
 */
export function expectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const numerator = leadingTerm(params, t, x, alpha + T);
  if (x === 0) return numerator;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return numerator / (1 + Math.exp(logOdds));
}

/** E[X(t)], eq. (7): expected repeat purchases in (0, t] of a customer who first bought at 0. */
export function unconditionalExpectedPurchases(params: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  return leadingTerm(params, t, 0, params.alpha);
}

/** P(alive | x, t_x, T), eq. (11) of the paper's technical note: 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^(r+x)). */
export function probabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * (a+b+x−1)/(a−1) · [1 − (1−z)^(a−1) F], F = 2F1(a+b−1−r, a−1; a+b+x−1; z), z = t/(ageScale+t).
 * With F − 1 = (a−1)·S this is (a+b+x−1) · [−expm1((a−1)L)/(a−1) − (1−z)^(a−1) S], L = ln(1−z).
 */
function leadingTerm(params: BgNbdParams, t: number, x: number, ageScale: number): number {
  const { r, a, b } = params;
  const z = t / (ageScale + t);
  const logOneMinusZ = Math.log(ageScale) - Math.log(ageScale + t);
  const shift = a - 1;
  const powerPart = Math.abs(shift) < 1e-12 ? -logOneMinusZ : -Math.expm1(shift * logOneMinusZ) / shift;
  const series = reducedSeries(a + b - 1 - r, a, a + b + x - 1, z);
  return (a + b + x - 1) * (powerPart - Math.exp(shift * logOneMinusZ) * series);
}

/** S = Σ_{n≥1} (A)_n (a)_{n−1} / ((C)_n n!) zⁿ, i.e. (2F1(A, a−1; C; z) − 1)/(a−1). */
function reducedSeries(A: number, a: number, C: number, z: number): number {
  const settled = Math.max(0, -A);
  let term = (A * z) / C;
  let sum = term;
  for (let n = 1; n < 1_000_000; n++) {
    const ratio = ((A + n) * (a + n - 1) * z) / ((C + n) * (n + 1));
    term *= ratio;
    const next = sum + term;
    if (next === sum && n >= settled && Math.abs(ratio) < 1) return sum;
    sum = next;
  }
  return sum;
}
