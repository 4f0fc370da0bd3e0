/**
 * The BG/NBD holdout check of Fader, Hardie & Lee (2005), section 4: repeat transactions in the
 * holdout period, predicted against actual, in total and by the number of repeat purchases in
 * the calibration period (their Figure 4), plus the unconditional total the model implies for
 * the same customers, Σ E[X(T_i + t*)] − E[X(T_i)].
 */
import { expectedPurchases, unconditionalExpectedPurchases, type BgNbdParams } from './bgnbd.js';
import { DAYS_PER_PERIOD, type CustomerSummaries } from './customer-summary.js';

export interface HoldoutRow {
  /** "0" … "5", then "6+". */
  x: string;
  customers: number;
  actual: number;
  predicted: number;
}

export interface HoldoutCheck {
  /** Holdout length in the summary's period. */
  length: number;
  actual: number;
  /** Σ E[Y(t*) | x, t_x, T]. */
  predicted: number;
  /** Σ E[X(T_i + t*)] − E[X(T_i)]: what the model expects before seeing each customer's history. */
  predictedUnconditional: number;
  byX: HoldoutRow[];
}

const LAST_BUCKET = 6;

export function holdoutCheck(params: BgNbdParams, summaries: CustomerSummaries): HoldoutCheck {
  if (summaries.holdoutEnd === undefined) throw new RangeError('the summary has no holdout period');
  const length = (summaries.holdoutEnd - summaries.calibrationEnd) / DAYS_PER_PERIOD[summaries.period];
  const byX: HoldoutRow[] = Array.from({ length: LAST_BUCKET + 1 }, (_, x) => ({
    x: x === LAST_BUCKET ? `${LAST_BUCKET}+` : String(x),
    customers: 0,
    actual: 0,
    predicted: 0,
  }));
  const check: HoldoutCheck = { length, actual: 0, predicted: 0, predictedUnconditional: 0, byX };
  const unconditionalByT = new Map<number, number>();
  for (const customer of summaries.customers) {
    const predicted = expectedPurchases(params, length, customer.x, customer.tx, customer.T);
    const row = byX[Math.min(customer.x, LAST_BUCKET)] as HoldoutRow;
    row.customers++;
    row.actual += customer.holdoutPurchases;
    row.predicted += predicted;
    check.actual += customer.holdoutPurchases;
    check.predicted += predicted;
    let unconditional = unconditionalByT.get(customer.T);
    if (unconditional === undefined) {
      unconditional =
        unconditionalExpectedPurchases(params, customer.T + length) -
        unconditionalExpectedPurchases(params, customer.T);
      unconditionalByT.set(customer.T, unconditional);
    }
    check.predictedUnconditional += unconditional;
  }
  return check;
}
