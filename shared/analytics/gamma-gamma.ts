/**
 * Gamma-Gamma spend model: Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "RFM and CLV:
 * Using Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research 42(4),
 * 415–430, with Hardie's note "The Gamma-Gamma Model of Monetary Value" (2013). Fitted on repeat
 * customers' mean repeat order value m_x; CLV as lifetimes computes it.
 */
import { memoizePerData } from './memoize-per-data.js';
import type { RepeatSpend } from './customer-summary.js';
import type { BgNbdParams } from './bgnbd.js';
import { DEFAULT_GATE, expectedPurchases } from './bgnbd.js';
import { minimize } from './optimize.js';
import { logGamma } from './special-functions.js';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export type GammaGammaFit =
  | {
      status: 'fitted';
      params: GammaGammaParams;
      logLik: number;
      customers: number;
      evaluations: number;
      converged: boolean;
    }
  | { status: 'not_enough_data'; reason: string };

interface Prepared {
  logX: Float64Array;
  logM: Float64Array;
  /** Customers left out because their repeat purchases sum to zero (ln 0 has no likelihood). */
  usable: Uint8Array;
  /** Distinct x values and the usable weight of each: the ln Γ terms depend on x alone. */
  xValues: Float64Array;
  xWeight: Float64Array;
}

const prepare = memoizePerData(prepareUncached);

function prepareUncached(data: RepeatSpend): Prepared {
  const usable = Uint8Array.from(data.monetary, (m) => (m > 0 ? 1 : 0));
  const weightByX = new Map<number, number>();
  for (let i = 0; i < data.length; i++) {
    if (usable[i] === 0) continue;
    const x = data.x[i] as number;
    weightByX.set(x, (weightByX.get(x) ?? 0) + (data.weight[i] as number));
  }
  const prepared: Prepared = {
    logX: data.x.map(Math.log),
    logM: data.monetary.map((m) => (m > 0 ? Math.log(m) : -Infinity)),
    usable,
    xValues: Float64Array.from(weightByX.keys()),
    xWeight: Float64Array.from(weightByX.values()),
  };
  return prepared;
}

/**
 * ln L = Σ ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m_x + px ln x − (px+q) ln(γ + x m_x),
 * the density of the mean of x Gamma(p, ν) spends with ν ~ Gamma(q, γ) (note, eq. 3).
 * Customers with m_x = 0 are skipped.
 */
export function logLikelihood(params: GammaGammaParams, data: RepeatSpend): number {
  const { p, q, gamma } = params;
  if (!(p > 0 && q > 0 && gamma > 0)) return -Infinity;
  const { logX, logM, usable, xValues, xWeight } = prepare(data);
  let sum = 0;
  for (let k = 0; k < xValues.length; k++) {
    const px = p * (xValues[k] as number);
    sum += (xWeight[k] as number) * (logGamma(px + q) - logGamma(px) - logGamma(q) + q * Math.log(gamma));
  }
  for (let i = 0; i < data.length; i++) {
    if (usable[i] === 0) continue;
    const x = data.x[i] as number;
    const px = p * x;
    const term =
      (px - 1) * (logM[i] as number) +
      px * (logX[i] as number) -
      (px + q) * Math.log(gamma + x * (data.monetary[i] as number));
    sum += (data.weight[i] as number) * term;
  }
  return sum;
}

export interface GammaGammaFitOptions {
  /** Fewer repeat customers than this: not enough data (default 500). */
  minRepeatCustomers?: number;
  starts?: GammaGammaParams[];
}

export function fit(data: RepeatSpend, options: GammaGammaFitOptions = {}): GammaGammaFit {
  const minimum = options.minRepeatCustomers ?? DEFAULT_GATE.minRepeatCustomers;
  const { usable } = prepare(data);
  let customers = 0;
  let meanSpend = 0;
  for (let i = 0; i < data.length; i++) {
    if (usable[i] === 0) continue;
    customers += data.weight[i] as number;
    meanSpend += (data.weight[i] as number) * (data.monetary[i] as number);
  }
  if (customers < minimum) {
    return {
      status: 'not_enough_data',
      reason: `${customers} customers have repeat purchases with a positive amount; the spend model needs at least ${minimum}`,
    };
  }
  meanSpend /= customers;
  const objective = (theta: Float64Array): number =>
    -logLikelihood(
      { p: Math.exp(theta[0] as number), q: Math.exp(theta[1] as number), gamma: Math.exp(theta[2] as number) },
      data,
    ) / customers;
  // γ is a money scale: start it in proportion to the mean spend.
  const starts = (
    options.starts ?? [
      { p: 1, q: 1, gamma: 1 },
      { p: 5, q: 3, gamma: meanSpend },
      { p: 1, q: 5, gamma: 4 * meanSpend },
    ]
  ).map((start) => [start.p, start.q, start.gamma].map(Math.log));
  const best = minimize(objective, starts);
  const [logP, logQ, logGammaScale] = best.point as unknown as [number, number, number];
  const params = { p: Math.exp(logP), q: Math.exp(logQ), gamma: Math.exp(logGammaScale) };
  return {
    status: 'fitted',
    params,
    logLik: logLikelihood(params, data),
    customers,
    evaluations: best.evaluations,
    converged: best.converged,
  };
}

/**
 * E[Z | x, m_x] (note, eq. 5): a weighted mean of the population mean pγ/(q−1) and the
 * customer's own m_x, = (pγ + p x m_x)/(px + q − 1). For x = 0 it is the population mean.
 * Needs q > 1 (else the population mean is infinite).
 */
export function conditionalExpectedAverageValue(params: GammaGammaParams, x: number, monetary: number): number {
  const { p, q, gamma } = params;
  return (p * gamma + p * x * monetary) / (p * x + q - 1);
}

export interface CustomerHistory {
  x: number;
  tx: number;
  T: number;
  monetary: number;
}

export interface ClvOptions {
  /** Horizon in months (lifetimes' `time`). */
  months: number;
  /** Monthly discount rate (lifetimes' `discount_rate`), e.g. 0.01. */
  discountRate: number;
  /** The BG/NBD time unit. A month is 4.345 weeks (lifetimes' weekly month) in both: 30.415 days. */
  period: 'week' | 'day';
}

/**
 * One month, whatever the model's unit: 4.345 weeks, as lifetimes counts it for weekly data.
 * (lifetimes takes 30 days for daily data, so its daily and weekly CLV differ by 1.4 %; here the
 * same customer gets the same value from either period.)
 */
export const WEEKS_PER_MONTH = 4.345;
const PERIODS_PER_MONTH = { week: WEEKS_PER_MONTH, day: WEEKS_PER_MONTH * 7 } as const;

/**
 * CLV as lifetimes' `customer_lifetime_value`: Σ_{i=1..months} E[Z] · (E[Y(i·f)] − E[Y((i−1)·f)]) / (1+d)^i,
 * f = one month in the model's unit, E[Z] the conditional expected average value.
 */
export function customerLifetimeValue(
  bgParams: BgNbdParams,
  ggParams: GammaGammaParams,
  customer: CustomerHistory,
  options: ClvOptions,
): number {
  const { x, tx, T, monetary } = customer;
  const value = conditionalExpectedAverageValue(ggParams, x, monetary);
  const monthLength = PERIODS_PER_MONTH[options.period];
  let clv = 0;
  let previous = 0;
  for (let month = 1; month <= options.months; month++) {
    const cumulative = expectedPurchases(bgParams, month * monthLength, x, tx, T);
    clv += (value * (cumulative - previous)) / (1 + options.discountRate) ** month;
    previous = cumulative;
  }
  return clv;
}
