/**
 * How well a churn score ranks: the area under the ROC curve (AUC) for "no repeat purchase in
 * the holdout period", i.e. the probability that a customer who did not buy again scores higher
 * than one who did (ties count half). Computed as the Mann–Whitney U statistic over mid-ranks:
 * J. A. Hanley and B. J. McNeil (1982), "The meaning and use of the area under a receiver
 * operating characteristic (ROC) curve", Radiology 143(1), 29–36. 0.5 is a coin toss; below 0.5
 * the score ranks backwards.
 *
 * The scores compared (each oriented so that higher means "more likely gone"): recency alone
 * (weeks since the last purchase), 1 − P(alive) under BG/NBD and under MBG/NBD, and P(no purchase
 * in the next N days) under either model (bgnbd.ts, `probabilityNoPurchase`).
 */
import { fit, probabilityAlive, probabilityNoPurchase, type BgNbdParams } from './bgnbd.js';
import { tripletsOf, type CustomerSummaries, type CustomerSummary } from './customer-summary.js';

/** AUC of `scores` for the customers where `positive` is true (here: did not buy in the holdout). */
export function areaUnderCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  if (positive.length !== n) throw new RangeError(`areaUnderCurve: ${n} scores but ${positive.length} labels`);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (left, right) => (scores[left] as number) - (scores[right] as number),
  );
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1] as number] === scores[order[start] as number]) end++;
    const midRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (positive[order[k] as number]) {
        positives++;
        rankSum += midRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface ChurnScoreAuc {
  score: string;
  auc: number;
}

export interface ChurnRanking {
  customers: number;
  /** Customers with no purchase between the calibration end and the holdout end. */
  noRepeat: number;
  bgnbd: BgNbdParams;
  mbgnbd: BgNbdParams;
  /** Best first. */
  scores: ChurnScoreAuc[];
}

/** The score the profile carries (`clv.pNoPurchase30d`): what `npm run bench churn` found to rank best. */
export const DEFAULT_CHURN_SCORE = 'MBG/NBD P(no purchase in 30 days)';

/**
 * Fits both models on the calibration period of `summaries` (which must have a holdout end) and
 * ranks every score by its AUC for "no purchase in the holdout". `horizonsDays` are the N of the
 * P(no purchase in N days) scores.
 */
export function rankChurnScores(
  summaries: CustomerSummaries,
  horizonsDays: readonly number[] = [30, 90],
): ChurnRanking {
  if (summaries.holdoutEnd === undefined) throw new RangeError('rankChurnScores: the summaries need a holdout end');
  const triplets = tripletsOf(summaries);
  const bg = fit(triplets);
  const mbg = fit(triplets, { model: 'mbgnbd' });
  if (bg.status !== 'fitted') throw new RangeError(`BG/NBD: ${bg.reason}`);
  if (mbg.status !== 'fitted') throw new RangeError(`MBG/NBD: ${mbg.reason}`);
  const weeksPerPeriod = summaries.period === 'week' ? 1 : 1 / 7;
  const daysPerPeriod = summaries.period === 'week' ? 7 : 1;
  const customers = summaries.customers;
  const noRepeat = customers.map((customer) => customer.holdoutPurchases === 0);
  const scored: [string, (customer: CustomerSummary) => number][] = [
    ['recency only (weeks since last purchase)', (c) => (c.T - c.tx) * weeksPerPeriod],
    ['BG/NBD 1 − P(alive)', (c) => 1 - probabilityAlive(bg.params, c.x, c.tx, c.T)],
    ['MBG/NBD 1 − P(alive)', (c) => 1 - probabilityAlive(mbg.params, c.x, c.tx, c.T, 'mbgnbd')],
  ];
  for (const days of horizonsDays) {
    const t = days / daysPerPeriod;
    scored.push(
      [`BG/NBD P(no purchase in ${days} days)`, (c) => probabilityNoPurchase(bg.params, t, c.x, c.tx, c.T)],
      [`MBG/NBD P(no purchase in ${days} days)`, (c) => probabilityNoPurchase(mbg.params, t, c.x, c.tx, c.T, 'mbgnbd')],
    );
  }
  const scores = scored
    .map(([score, of]) => ({ score, auc: areaUnderCurve(customers.map(of), noRepeat) }))
    .sort((left, right) => right.auc - left.auc);
  return {
    customers: customers.length,
    noRepeat: noRepeat.filter(Boolean).length,
    bgnbd: bg.params,
    mbgnbd: mbg.params,
    scores,
  };
}
