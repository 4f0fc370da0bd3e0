/**
 * CLV on read (issue 20, decision 225): the one function segments, templates, the console and
 * the report read a customer's CLV figures through.
 *
 * P(alive), expected purchases, 12-month value and the churn score drift every day a customer
 * does not buy (T grows), so writing them nightly rewrote nearly every buyer. The nightly score
 * phase now stores with the customer only what a rule compares to a population (the CLV tier) and
 * the fitted parameters it scored them with (`clv.basis`, 11 numbers); the figures are computed
 * here, from those parameters and the customer's order summary, for the day they are read. The
 * score phase writes a customer again only when a rule could see a difference (score.ts).
 *
 * A profile scored before this (figures stored, no basis) reads as stored until its next write.
 */
import type { BgNbdParams } from './bgnbd.js';
import { shopDayOfInstant } from './calendar-day.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import { clvFigures, type ClvFigures, type ClvParams } from './refresh/clv-scores.js';
import { purchaseHistory } from './refresh/purchase-history.js';
import type { Clv, Orders } from '../profiles/schema.js';

export type { ClvFigures };

/** The figures computed on read; `tier` and `basis` as stored. */
export type ClvOnRead = Clv & ClvFigures;

/** The CLV paths whose values drift daily: a rule reading one reads it through readClv. */
export const CLV_DRIFTING_PATHS: ReadonlySet<string> = new Set([
  'clv.pAlive',
  'clv.expectedPurchases30d',
  'clv.value12m',
  'clv.pNoPurchase30d',
]);

export const CLV_BASIS_LENGTH = 11;

/** The parameters as stored: 6 significant digits (the figures are rounded to 3 decimals or cents). */
export function basisOf(params: ClvParams): number[] {
  const { bgnbd: b, gammaGamma: g, mbgnbd: m } = params;
  return [b.r, b.alpha, b.a, b.b, g.p, g.q, g.gamma, m.r, m.alpha, m.a, m.b].map((value) =>
    Number(value.toPrecision(6)),
  );
}

export function paramsOfBasis(basis: readonly number[]): ClvParams {
  const at = (i: number) => basis[i] as number;
  const bgnbd: BgNbdParams = { r: at(0), alpha: at(1), a: at(2), b: at(3) };
  const gammaGamma: GammaGammaParams = { p: at(4), q: at(5), gamma: at(6) };
  const mbgnbd: BgNbdParams = { r: at(7), alpha: at(8), a: at(9), b: at(10) };
  return { bgnbd, gammaGamma, mbgnbd };
}

/**
 * The customer's CLV on shop day `day`: figures from `clv.basis` and the order summary; a profile
 * without a basis reads as stored; undefined without CLV.
 */
export function readClv(
  profile: { clv?: Clv | undefined; orders: Orders },
  day: number,
  timezone: string,
): Clv | undefined {
  const stored = profile.clv;
  if (stored?.basis === undefined || stored.basis.length !== CLV_BASIS_LENGTH) return stored;
  const history = purchaseHistory(profile.orders, day, timezone);
  if (history === undefined) return stored;
  return { ...stored, ...clvFigures(paramsOfBasis(stored.basis), history) };
}

/** readClv at an instant (the shop's date then). */
export function readClvAt(
  profile: { clv?: Clv | undefined; orders: Orders },
  nowMs: number,
  timezone: string,
): Clv | undefined {
  return readClv(profile, shopDayOfInstant(nowMs, timezone), timezone);
}

/** The profile as rules see it: `clv` read at `nowMs` (the same object when nothing is computed). */
export function withClvOnRead<P extends { clv?: Clv | undefined; orders: Orders }>(
  profile: P,
  nowMs: number,
  timezone: string,
): P {
  if (profile.clv?.basis === undefined) return profile;
  const clv = readClvAt(profile, nowMs, timezone);
  return clv === profile.clv ? profile : { ...profile, clv };
}

/** The churn score's band, tenths of P(no purchase in 30 days): the score phase writes when it moves. */
export function churnBand(pNoPurchase30d: number | undefined): number | undefined {
  return pNoPurchase30d === undefined ? undefined : Math.min(9, Math.floor(pNoPurchase30d * 10));
}
