/**
 * A profile's `clv` from the fitted BG/NBD + Gamma-Gamma parameters (time in weeks):
 * P(alive), expected purchases in the next 30 days, 12-month value (revenue, discounted
 * 1%/month, as lifetimes' customer_lifetime_value), a tier by the population's tertiles of that
 * value, and the churn score: P(no purchase in the next 30 days) from MBG/NBD.
 */
import { expectedPurchases, probabilityAlive, probabilityNoPurchase, type BgNbdParams } from '../bgnbd.js';
import { customerLifetimeValue, type GammaGammaParams } from '../gamma-gamma.js';
import type { Clv } from '../../profiles/schema.js';
import type { PurchaseHistory } from './purchase-history.js';
import { roundTo } from '../../rounding.js';

export interface ClvParams {
  bgnbd: BgNbdParams;
  /** MBG/NBD, for the churn score. */
  mbgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
}

/** CLV at or below `low` is tier low, above `high` tier high, medium between. */
export interface TierCuts {
  low: number;
  high: number;
}

const DAYS_PER_WEEK = 7;

/** What the CLV figures read of a customer's purchase history. */
export type PurchaseHistoryInputs = Pick<PurchaseHistory, 'x' | 'txDays' | 'TDays' | 'repeatMean'>;
/** The churn score's horizon, in days (the best-ranking horizon on CDNOW, `npm run bench churn`). */
export const CHURN_HORIZON_DAYS = 30;
const CLV_MONTHS = 12;
const MONTHLY_DISCOUNT = 0.01;

/** 12-month CLV of one customer, unrounded. */
export function valueOf(
  params: ClvParams,
  history: Pick<PurchaseHistory, 'x' | 'txDays' | 'TDays' | 'repeatMean'>,
): number {
  return customerLifetimeValue(
    params.bgnbd,
    params.gammaGamma,
    {
      x: history.x,
      tx: history.txDays / DAYS_PER_WEEK,
      T: history.TDays / DAYS_PER_WEEK,
      monetary: history.repeatMean,
    },
    { months: CLV_MONTHS, discountRate: MONTHLY_DISCOUNT, period: 'week' },
  );
}

/** The figures of a CLV that drift daily (clv-on-read.ts computes them on read). */
export type ClvFigures = Required<Pick<Clv, 'pAlive' | 'expectedPurchases30d' | 'value12m' | 'pNoPurchase30d'>>;

/**
 * Figures are rounded (P(alive) and purchases to 1/1000, money to cents) so that a night in
 * which nothing happened to a customer changes little, and the written profile stays small.
 */
export function clvFigures(params: ClvParams, history: PurchaseHistoryInputs): ClvFigures {
  const tx = history.txDays / DAYS_PER_WEEK;
  const T = history.TDays / DAYS_PER_WEEK;
  return {
    pAlive: roundTo(probabilityAlive(params.bgnbd, history.x, tx, T), 3),
    expectedPurchases30d: roundTo(expectedPurchases(params.bgnbd, 30 / DAYS_PER_WEEK, history.x, tx, T), 3),
    value12m: roundTo(valueOf(params, history), 2),
    pNoPurchase30d: roundTo(
      probabilityNoPurchase(params.mbgnbd, CHURN_HORIZON_DAYS / DAYS_PER_WEEK, history.x, tx, T, 'mbgnbd'),
      3,
    ),
  };
}

/** The tier of a 12-month value among the population's tertiles. */
export function tierOf(value: number, tiers: TierCuts): Clv['tier'] {
  return value > tiers.high ? 'high' : value > tiers.low ? 'medium' : 'low';
}

/** Every figure and the tier, as the nightly refresh wrote them before decision 225 (its `every-change` mode). */
export function clvOf(params: ClvParams, tiers: TierCuts, history: PurchaseHistory): Clv {
  return { ...clvFigures(params, history), tier: tierOf(valueOf(params, history), tiers) };
}

/** Tertiles (1/3, 2/3) with linear interpolation between order statistics, as numpy's default. */
export function tierCuts(values: Float64Array): TierCuts {
  const sorted = Float64Array.from(values).sort();
  const at = (probability: number): number => {
    const position = probability * (sorted.length - 1);
    const below = Math.floor(position);
    const low = sorted[below] ?? 0;
    const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? low;
    return low + (high - low) * (position - below);
  };
  return { low: at(1 / 3), high: at(2 / 3) };
}
