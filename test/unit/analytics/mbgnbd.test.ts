import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  expectedPurchases,
  fit,
  logLikelihood,
  logLikelihoodWithGradient,
  probabilityAlive,
  probabilityNoPurchase,
  type BgNbdParams,
} from '../../../shared/analytics/bgnbd.js';
import { areaUnderCurve, DEFAULT_CHURN_SCORE, rankChurnScores } from '../../../shared/analytics/churn-ranking.js';
import { dayOfDate } from '../../../shared/analytics/calendar-day.js';
import {
  summarizeCustomers,
  tripletsOf,
  type CustomerSummaries,
  type RepeatTriplets,
} from '../../../shared/analytics/customer-summary.js';
import { hyp2f1Series } from '../../../shared/analytics/special-functions.js';
import { readTransactionsCsv } from '../../../shared/analytics/transactions-csv.js';

/**
 * MBG/NBD on the CDNOW sample as lifetimes' `test_params_out_is_close_to_BTYDplus`
 * (CamDavidsonPilon/lifetimes, tests/test_estimation.py, TestModifiedBetaGammaFitter) states it,
 * "see github.com/mplatzer/BTYDplus": r=0.525 α=6.183 a=0.891 b=1.614.
 */
const PUBLISHED: BgNbdParams = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };

let summaries: CustomerSummaries;
let cdnow: RepeatTriplets;
beforeAll(async () => {
  const { transactions } = await readTransactionsCsv('../shared/data/cdnow_sample.transactions.csv');
  const end = dayOfDate('1997-09-30');
  const holdoutEnd = dayOfDate('1998-06-30');
  if (!end.ok || !holdoutEnd.ok) throw new Error('bad date');
  summaries = summarizeCustomers(transactions, { calibrationEnd: end.day, holdoutEnd: holdoutEnd.day, period: 'week' });
  cdnow = tripletsOf(summaries);
});

describe('MBG/NBD fit on the CDNOW sample', () => {
  it('reproduces the parameters lifetimes and BTYDplus publish', () => {
    const result = fit(cdnow, { model: 'mbgnbd' });

    if (result.status !== 'fitted') throw new Error(result.reason);
    expect(result.params.r.toFixed(3)).toBe(PUBLISHED.r.toFixed(3));
    expect(result.params.alpha.toFixed(3)).toBe(PUBLISHED.alpha.toFixed(3));
    expect(result.params.a.toFixed(3)).toBe(PUBLISHED.a.toFixed(3));
    expect(result.params.b.toFixed(3)).toBe(PUBLISHED.b.toFixed(3));
    expect(result.converged).toBe(true);
    expect(result.logLik).toBeGreaterThanOrEqual(logLikelihood(PUBLISHED, cdnow, 'mbgnbd'));
  });

  it('leaves the BG/NBD fit on the same triplets as published (r=0.243 α=4.414 a=0.793 b=2.426)', () => {
    const result = fit(cdnow);

    if (result.status !== 'fitted') throw new Error(result.reason);
    expect(result.logLik.toFixed(2)).toBe('-9582.43');
  });

  it('expects about 1.226 purchases for the paper’s customer, as lifetimes checks MBG/NBD (within 0.05)', () => {
    expect(Math.abs(expectedPurchases(PUBLISHED, 39, 2, 30.43, 38.86, 'mbgnbd') - 1.226)).toBeLessThan(0.05);
  });
});

describe('MBG/NBD likelihood', () => {
  it('has the analytic gradient the finite differences give', () => {
    const params: BgNbdParams = { r: 0.6, alpha: 5, a: 0.9, b: 1.7 };
    const gradient = new Float64Array(4);
    logLikelihoodWithGradient(params, cdnow, gradient, 'mbgnbd');
    const keys = ['r', 'alpha', 'a', 'b'] as const;
    keys.forEach((key, index) => {
      const h = 1e-6 * params[key];
      const up = logLikelihood({ ...params, [key]: params[key] + h }, cdnow, 'mbgnbd');
      const down = logLikelihood({ ...params, [key]: params[key] - h }, cdnow, 'mbgnbd');

      expect(gradient[index]).toBeCloseTo((up - down) / (2 * h), 2);
    });
  });
});

describe('MBG/NBD predictions', () => {
  it('matches Batislam et al.’s conditional expectation computed with the direct 2F1 series', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 80, noNaN: true }),
        fc.double({ min: 1, max: 104, noNaN: true }),
        (x, recencyShare, T, t) => {
          const tx = x === 0 ? 0 : recencyShare * T;
          const { r, alpha, a, b } = PUBLISHED;
          const z = t / (alpha + T + t);
          const bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1Series(r + x, b + x + 1, a + b + x, z);
          const direct =
            (((a + b + x) / (a - 1)) * bracket) / (1 + (a / (b + x)) * ((alpha + T) / (alpha + tx)) ** (r + x));

          expect(expectedPurchases(PUBLISHED, t, x, tx, T, 'mbgnbd')).toBeCloseTo(direct, 8);
        },
      ),
    );
  });

  it('gives one-time buyers a P(alive) below 1 that falls with time since their purchase', () => {
    const recent = probabilityAlive(PUBLISHED, 0, 0, 2, 'mbgnbd');
    const old = probabilityAlive(PUBLISHED, 0, 0, 38, 'mbgnbd');

    expect(recent).toBeLessThan(1);
    expect(old).toBeLessThan(recent);
  });
});

describe('P(no purchase in the next t)', () => {
  it('is the models’ unconditional P(X(t) = 0) for a customer who just bought for the first time', () => {
    const { r, alpha, a, b } = PUBLISHED;
    const quiet = (alpha / (alpha + 4)) ** r;

    // BG/NBD: nobody drops out before a repeat purchase; MBG/NBD: a/(a+b) drop out at once.
    expect(probabilityNoPurchase(PUBLISHED, 4, 0, 0, 0)).toBeCloseTo(quiet, 12);
    expect(probabilityNoPurchase(PUBLISHED, 4, 0, 0, 0, 'mbgnbd')).toBeCloseTo(a / (a + b) + (b / (a + b)) * quiet, 12);
  });

  it('lies in [0, 1] and grows with the horizon', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.1, max: 80, noNaN: true }),
        fc.double({ min: 0.1, max: 52, noNaN: true }),
        fc.constantFrom('bgnbd' as const, 'mbgnbd' as const),
        (x, share, T, t, model) => {
          const tx = x === 0 ? 0 : share * T;
          const shorter = probabilityNoPurchase(PUBLISHED, t, x, tx, T, model);
          const longer = probabilityNoPurchase(PUBLISHED, t * 2, x, tx, T, model);

          expect(shorter).toBeGreaterThanOrEqual(0);
          expect(longer).toBeLessThanOrEqual(1);
          expect(longer).toBeLessThanOrEqual(shorter + 1e-12);
        },
      ),
    );
  });
});

describe('churn score ranking (AUC)', () => {
  it('is the share of (positive, negative) pairs ranked the right way, ties counting half', () => {
    expect(areaUnderCurve([0.9, 0.8, 0.3, 0.1], [true, true, false, false])).toBe(1);
    expect(areaUnderCurve([0.1, 0.3, 0.8, 0.9], [true, true, false, false])).toBe(0);
    expect(areaUnderCurve([0.5, 0.5, 0.5], [true, false, false])).toBe(0.5);
    expect(areaUnderCurve([0.9, 0.4, 0.6, 0.1], [true, true, false, false])).toBe(0.75);
  });

  it('ranks the default churn score above recency alone and above BG/NBD P(alive) on CDNOW', () => {
    const ranking = rankChurnScores(summaries);
    const auc = (name: string): number => ranking.scores.find((row) => row.score === name)?.auc ?? Number.NaN;

    expect(ranking.scores[0]?.score).toBe(DEFAULT_CHURN_SCORE);
    expect(auc(DEFAULT_CHURN_SCORE)).toBeGreaterThan(auc('recency only (weeks since last purchase)'));
    expect(auc(DEFAULT_CHURN_SCORE)).toBeGreaterThan(auc('BG/NBD 1 − P(alive)'));
    // BG/NBD's P(alive) ranks backwards: every one-time buyer gets 1.
    expect(auc('BG/NBD 1 − P(alive)')).toBeLessThan(0.5);
  });
});
