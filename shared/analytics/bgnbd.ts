/**
 * BG/NBD: Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "'Counting Your Customers' the
 * Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275–284; equation
 * numbers below are the paper's. Time is in the summary's period (weeks or days).
 *
 * The likelihood is summed over distinct (x, t_x, T) triplets with weights; the terms that
 * depend only on x and the parameters are computed once per distinct x.
 */
import { memoizePerData } from './memoize-per-data.js';
import type { Period, RepeatTriplets } from './customer-summary.js';
import { bfgs, minimize, type Minimum } from './optimize.js';
import { logGamma } from './special-functions.js';

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

/** Lookup structure over the triplets: distinct x, t_x and T values and each triplet's index into them. */
interface Prepared {
  xValues: Float64Array;
  xIndex: Uint32Array;
  /** Total weight per distinct x. */
  xWeight: Float64Array;
  txValues: Float64Array;
  txIndex: Uint32Array;
  TValues: Float64Array;
  TIndex: Uint32Array;
}

const prepare = memoizePerData(prepareUncached);

function prepareUncached(data: RepeatTriplets): Prepared {
  const distinct = (values: Float64Array): { values: Float64Array; index: Uint32Array } => {
    const positionOf = new Map<number, number>();
    const index = new Uint32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const value = values[i] as number;
      let position = positionOf.get(value);
      if (position === undefined) {
        position = positionOf.size;
        positionOf.set(value, position);
      }
      index[i] = position;
    }
    return { values: Float64Array.from(positionOf.keys()), index };
  };
  const x = distinct(data.x);
  const tx = distinct(data.tx);
  const T = distinct(data.T);
  const xWeight = new Float64Array(x.values.length);
  for (let i = 0; i < data.length; i++)
    xWeight[x.index[i] as number] = (xWeight[x.index[i] as number] as number) + (data.weight[i] as number);
  const prepared = {
    xValues: x.values,
    xIndex: x.index,
    xWeight,
    txValues: tx.values,
    txIndex: tx.index,
    TValues: T.values,
    TIndex: T.index,
  };
  return prepared;
}

/**
 * The log-likelihood, eq. (6) written as in the paper's appendix:
 * ln L = A1 + A2 + ln(exp(A3) + δ_{x>0} exp(A4)) with
 * A1 = ln Γ(r+x) − ln Γ(r) + r ln α, A2 = ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x),
 * A3 = −(r+x) ln(α+T), A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
 */
export function logLikelihood(params: BgNbdParams, data: RepeatTriplets, model: BetaGeoModel = 'bgnbd'): number {
  return evaluate(params, data, undefined, model);
}

/** The log-likelihood and its gradient with respect to (r, α, a, b), written into `gradient`. */
export function logLikelihoodWithGradient(
  params: BgNbdParams,
  data: RepeatTriplets,
  gradient: Float64Array,
  model: BetaGeoModel = 'bgnbd',
): number {
  return evaluate(params, data, gradient, model);
}

/**
 * The two beta-geometric models share one likelihood shape. MBG/NBD (Batislam, Dogan Denizel
 * and Filiztekin 2007, "Empirical validation and comparison of models for customer base
 * analysis", IJRM 24(3), 201–209) lets a customer drop out right after the first purchase too,
 * so x purchases are x + 1 chances to drop out: in the terms of eq. (6), B(a, b+x) becomes
 * B(a, b+x+1), a/(b+x−1) becomes a/(b+x), and the "died after the last purchase" term A4 is
 * there for x = 0 as well. `shift` is that +1.
 */
export type BetaGeoModel = 'bgnbd' | 'mbgnbd';

const SHIFT: Readonly<Record<BetaGeoModel, number>> = { bgnbd: 0, mbgnbd: 1 };

function evaluate(
  params: BgNbdParams,
  data: RepeatTriplets,
  gradient: Float64Array | undefined,
  model: BetaGeoModel,
): number {
  const { r, alpha, a, b } = params;
  const shift = SHIFT[model];
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return -Infinity;
  const prepared = prepare(data);
  const { xValues, xIndex, xWeight, txValues, txIndex, TValues, TIndex } = prepared;

  // Terms of x alone: A1 + A2, ln a − ln(b+x−1), and their derivatives. For integer x,
  // ψ(r+x) − ψ(r) = Σ_{k<x} 1/(r+k), so no digamma is needed.
  const groups = xValues.length;
  const base = new Float64Array(groups);
  const logA4 = new Float64Array(groups);
  const inverseBx = new Float64Array(groups);
  const common = -logGamma(r) + r * Math.log(alpha) + logGamma(a + b) - logGamma(b);
  const logA = Math.log(a);
  let baseR = 0;
  let baseA = 0;
  let baseB = 0;
  for (let k = 0; k < groups; k++) {
    const x = xValues[k] as number;
    const diesAfterLast = x + shift > 0;
    base[k] = common + logGamma(r + x) + logGamma(b + x + shift) - logGamma(a + b + x + shift);
    logA4[k] = diesAfterLast ? logA - Math.log(b + x + shift - 1) : -Infinity;
    inverseBx[k] = diesAfterLast ? 1 / (b + x + shift - 1) : 0;
    if (gradient) {
      let sumR = 0;
      let sumB = 0;
      let sumAB = 0;
      for (let j = 0; j < x; j++) sumR += 1 / (r + j);
      for (let j = 0; j < x + shift; j++) {
        sumB += 1 / (b + j);
        sumAB += 1 / (a + b + j);
      }
      const w = xWeight[k] as number;
      baseR += w * (sumR + Math.log(alpha));
      baseA -= w * sumAB;
      baseB += w * (sumB - sumAB);
    }
  }
  const logAlphaT = TValues.map((T) => Math.log(alpha + T));
  const logAlphaTx = txValues.map((tx) => Math.log(alpha + tx));
  const inverseAlphaT = TValues.map((T) => 1 / (alpha + T));
  const inverseAlphaTx = txValues.map((tx) => 1 / (alpha + tx));

  const { x: xs, weight, length } = data;
  let sum = 0;
  let gradR = 0;
  let gradAlpha = 0;
  let gradA4 = 0;
  let gradB4 = 0;
  for (let i = 0; i < length; i++) {
    const x = xs[i] as number;
    const k = xIndex[i] as number;
    const w = weight[i] as number;
    const shape = r + x;
    const Ti = TIndex[i] as number;
    const a3 = -shape * (logAlphaT[Ti] as number);
    if (x + shift === 0) {
      sum += w * ((base[k] as number) + a3);
      if (gradient) {
        gradR -= w * (logAlphaT[Ti] as number);
        gradAlpha -= w * shape * (inverseAlphaT[Ti] as number);
      }
      continue;
    }
    const ti = txIndex[i] as number;
    const a4 = (logA4[k] as number) - shape * (logAlphaTx[ti] as number);
    // ln(e^A3 + e^A4) and the shares e^A3 / (e^A3 + e^A4), e^A4 / (…) for the gradient.
    const high = a3 > a4 ? a3 : a4;
    const ratio = Math.exp(-Math.abs(a3 - a4));
    sum += w * ((base[k] as number) + high + Math.log1p(ratio));
    if (gradient) {
      const highShare = 1 / (1 + ratio);
      const share3 = a3 > a4 ? highShare : 1 - highShare;
      const share4 = 1 - share3;
      gradR -= w * (share3 * (logAlphaT[Ti] as number) + share4 * (logAlphaTx[ti] as number));
      gradAlpha -= w * shape * (share3 * (inverseAlphaT[Ti] as number) + share4 * (inverseAlphaTx[ti] as number));
      gradA4 += w * share4;
      gradB4 += w * share4 * (inverseBx[k] as number);
    }
  }
  if (gradient) {
    const customers = data.customers;
    gradient[0] = baseR + gradR;
    gradient[1] = (customers * r) / alpha + gradAlpha;
    gradient[2] = baseA + gradA4 / a;
    gradient[3] = baseB - gradB4;
  }
  return sum;
}

export interface BgNbdFitOptions extends FitGate {
  /** Starting points; by default three spread over plausible values for the period. */
  starts?: BgNbdParams[];
  /** BG/NBD (the default) or MBG/NBD, fitted the same way. */
  model?: BetaGeoModel;
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
  const model = options.model ?? 'bgnbd';
  const best = minimizeNegativeLogLikelihood(data, options.starts ?? defaultStarts(data.period), model);
  const [logR, logAlpha, logAParam, logB] = best.point as unknown as [number, number, number, number];
  const params = { r: Math.exp(logR), alpha: Math.exp(logAlpha), a: Math.exp(logAParam), b: Math.exp(logB) };
  return {
    status: 'fitted',
    params,
    logLik: logLikelihood(params, data, model),
    customers: data.customers,
    repeatTransactions: data.repeatTransactions,
    triplets: data.length,
    evaluations: best.evaluations,
    converged: best.converged,
  };
}

/**
 * BFGS on log-parameters with the analytic gradient from each start; the best optimum wins. If
 * BFGS stalls short of its tolerance there, Nelder–Mead with restarts finishes from that point.
 * The objective is per customer, so tolerances mean the same for 2,000 or 10 million.
 */
function minimizeNegativeLogLikelihood(data: RepeatTriplets, starts: BgNbdParams[], model: BetaGeoModel): Minimum {
  const scale = data.customers;
  const paramsAt = (theta: Float64Array): BgNbdParams => ({
    r: Math.exp(theta[0] as number),
    alpha: Math.exp(theta[1] as number),
    a: Math.exp(theta[2] as number),
    b: Math.exp(theta[3] as number),
  });
  const gradient = new Float64Array(4);
  const withGradient = (theta: Float64Array, out: Float64Array): number => {
    const params = paramsAt(theta);
    const value = -logLikelihoodWithGradient(params, data, gradient, model) / scale;
    // Chain rule for θ = ln(parameter): ∂/∂θ = parameter · ∂/∂parameter.
    out[0] = (-(gradient[0] as number) * params.r) / scale;
    out[1] = (-(gradient[1] as number) * params.alpha) / scale;
    out[2] = (-(gradient[2] as number) * params.a) / scale;
    out[3] = (-(gradient[3] as number) * params.b) / scale;
    return value;
  };
  let best: Minimum | undefined;
  let evaluations = 0;
  for (const start of starts) {
    const result = bfgs(withGradient, [start.r, start.alpha, start.a, start.b].map(Math.log));
    evaluations += result.evaluations;
    if (best === undefined || result.value < best.value) best = result;
  }
  if (best === undefined) throw new RangeError('fit needs at least one start');
  if (!best.converged) {
    const polished = minimize((theta) => -logLikelihood(paramsAt(theta), data, model) / scale, [best.point]);
    evaluations += polished.evaluations;
    if (polished.value <= best.value) best = polished;
  }
  return { ...best, evaluations };
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

/** A forecast over the next `t` periods for a customer with history (x, t_x, T); 0 for t ≤ 0. */
export type HorizonForecast = (
  params: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
  model?: BetaGeoModel,
) => number;

/**
 * E[Y(t) | x, t_x, T], eq. (10): expected purchases in the next t periods of a customer with
 * history (x, t_x, T). The 2F1 is taken through Euler's transformation, which removes x from
 * its upper parameters:
 * (1−z)^(r+x) 2F1(r+x, b+x; a+b+x−1; z) = (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z),
 * z = t/(α+T+t), and the (a−1) in the leading fraction is divided out of the series, so a = 1
 * is no singularity.
 */
export const expectedPurchases: HorizonForecast = (params, t, x, tx, T, model = 'bgnbd') => {
  if (t <= 0) return 0;
  // MBG/NBD's numerator is BG/NBD's with b + 1 (Batislam et al. 2007, eq. 9).
  const shifted = { ...params, b: params.b + SHIFT[model] };
  return leadingTerm(shifted, t, x, params.alpha + T) * probabilityAlive(params, x, tx, T, model);
};

/** E[X(t)], eq. (7): expected repeat purchases in (0, t] of a customer who first bought at 0. */
export function unconditionalExpectedPurchases(params: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  return leadingTerm(params, t, 0, params.alpha);
}

/**
 * P(alive | x, t_x, T), eq. (11) of the paper's technical note: 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^(r+x)).
 * MBG/NBD: 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^(r+x)) for every x, so one-time buyers are not all "alive".
 */
export function probabilityAlive(
  params: BgNbdParams,
  x: number,
  tx: number,
  T: number,
  model: BetaGeoModel = 'bgnbd',
): number {
  const { r, alpha, a, b } = params;
  const shift = SHIFT[model];
  if (x + shift === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x + shift - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * P(no purchase in the next t periods | x, t_x, T): the customer has dropped out, or is alive and
 * the Poisson process makes no purchase in t. Given alive, λ ~ Gamma(r + x, α + T) (eq. 8's
 * posterior), so E[e^(−λt)] = ((α+T)/(α+T+t))^(r+x). Dropping out happens only right after a
 * purchase, so "alive and no purchase" needs no further term. The churn score of the profile.
 */
export const probabilityNoPurchase: HorizonForecast = (params, t, x, tx, T, model = 'bgnbd') => {
  if (t <= 0) return 0;
  const alive = probabilityAlive(params, x, tx, T, model);
  const { r, alpha } = params;
  const quiet = Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t)));
  return 1 - alive + alive * quiet;
};

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
