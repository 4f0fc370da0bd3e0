import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  expectedPurchases,
  fit,
  logLikelihood,
  probabilityAlive,
  unconditionalExpectedPurchases,
  type BgNbdParams,
} from '../../../shared/analytics/bgnbd.js';
import { simulateBgNbd } from '../../../shared/analytics/bgnbd-simulation.js';
import { dayOfDate } from '../../../shared/analytics/calendar-day.js';
import {
  distinctTriplets,
  summarizeCustomers,
  tripletsOf,
  type RepeatTriplets,
} from '../../../shared/analytics/customer-summary.js';
import { hyp2f1Series } from '../../../shared/analytics/special-functions.js';
import { readTransactionsCsv } from '../../../shared/analytics/transactions-csv.js';
import { SeededRandom } from '../../../shared/local/seeded-random.js';

/** Fader, Hardie & Lee (2005), CDNOW sample, weekly, calibration to 1997-09-30. */
const PAPER: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

let cdnow: RepeatTriplets;
beforeAll(async () => {
  const { transactions } = await readTransactionsCsv('../shared/data/cdnow_sample.transactions.csv');
  const end = dayOfDate('1997-09-30');
  if (!end.ok) throw new Error(end.reason);
  cdnow = tripletsOf(summarizeCustomers(transactions, { calibrationEnd: end.day, period: 'week' }));
});

describe('BG/NBD fit on the CDNOW sample', () => {
  it('reproduces the published parameters and log-likelihood', () => {
    const result = fit(cdnow);

    if (result.status !== 'fitted') throw new Error(result.reason);
    expect(result.params.r.toFixed(3)).toBe('0.243');
    expect(result.params.alpha.toFixed(3)).toBe('4.414');
    expect(result.params.a.toFixed(3)).toBe('0.793');
    expect(result.params.b.toFixed(3)).toBe('2.426');
    expect(result.logLik.toFixed(2)).toBe('-9582.43');
    expect(result.repeatTransactions).toBe(2_457);
    expect(result.converged).toBe(true);
  });

  it('finds a likelihood at least as high as at the published (rounded) parameters', () => {
    const result = fit(cdnow);

    if (result.status !== 'fitted') throw new Error(result.reason);
    expect(result.logLik).toBeGreaterThanOrEqual(logLikelihood(PAPER, cdnow));
  });

  it('reaches the same optimum from a far-off start', () => {
    const result = fit(cdnow, { starts: [{ r: 20, alpha: 500, a: 20, b: 0.05 }] });

    if (result.status !== 'fitted') throw new Error(result.reason);
    expect(result.logLik.toFixed(2)).toBe('-9582.43');
  });
});

describe('BG/NBD gate', () => {
  it('says there is not enough data below 500 repeat customers', () => {
    const few = distinctTriplets(
      Array(600)
        .fill(1)
        .map((_, i) => (i < 499 ? 1 : 0)),
      Array(600).fill(7),
      Array(600).fill(200),
      'week',
    );

    const result = fit(few);

    expect(result).toEqual({
      status: 'not_enough_data',
      reason: '499 customers bought more than once; the model needs at least 500',
    });
  });

  it('says there is not enough data for a calibration span under 90 days', () => {
    const short = distinctTriplets(Array(600).fill(1), Array(600).fill(3), Array(600).fill(89), 'day');

    const result = fit(short);

    expect(result).toEqual({
      status: 'not_enough_data',
      reason: 'the calibration period spans 89 days from the first purchase; the model needs at least 90',
    });
  });
});

describe('BG/NBD predictions', () => {
  it('expects 1.226 purchases in 39 weeks for the paper’s customer (x=2, t_x=30.43, T=38.86)', () => {
    expect(expectedPurchases(PAPER, 39, 2, 30.43, 38.86).toFixed(3)).toBe('1.226');
  });

  it('matches eq. (10) computed with the direct 2F1 series', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 80, noNaN: true }),
        fc.double({ min: 1, max: 104, noNaN: true }),
        (x, recencyShare, T, t) => {
          const tx = x === 0 ? 0 : recencyShare * T;
          const { r, alpha, a, b } = PAPER;
          const z = t / (alpha + T + t);
          const bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1Series(r + x, b + x, a + b + x - 1, z);
          const direct =
            (((a + b + x - 1) / (a - 1)) * bracket) /
            (1 + (x > 0 ? 1 : 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x));

          expect(expectedPurchases(PAPER, t, x, tx, T)).toBeCloseTo(direct, 8);
        },
      ),
    );
  });

  it('computes E[X(t)] as eq. (7) does', () => {
    const { r, alpha, a, b } = PAPER;
    const t = 39;
    const direct =
      ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hyp2f1Series(r, b, a + b - 1, t / (alpha + t)));

    expect(unconditionalExpectedPurchases(PAPER, t)).toBeCloseTo(direct, 10);
  });

  it('has no singularity at a = 1', () => {
    const at = (a: number): number => expectedPurchases({ ...PAPER, a }, 39, 2, 30.43, 38.86);

    expect(at(1)).toBeCloseTo((at(1 - 1e-6) + at(1 + 1e-6)) / 2, 6);
  });

  it('stays finite for heavy buyers over long horizons', () => {
    const value = expectedPurchases(PAPER, 520, 300, 38, 38.86);

    expect(Number.isFinite(value) && value > 0).toBe(true);
  });

  it('gives P(alive) = 1 without repeat purchases and less the longer a buyer has been silent', () => {
    const silentLonger = probabilityAlive(PAPER, 2, 10, 38.86);
    const silentShorter = probabilityAlive(PAPER, 2, 30.43, 38.86);

    expect(probabilityAlive(PAPER, 0, 0, 38.86)).toBe(1);
    expect(silentLonger).toBeLessThan(silentShorter);
    expect(silentShorter).toBeLessThan(1);
  });
});

describe('BG/NBD on synthetic customers', () => {
  it('recovers known parameters from 100,000 simulated customers', () => {
    const truth: BgNbdParams = { r: 0.5, alpha: 6, a: 0.8, b: 2.5 };
    const simulated = simulateBgNbd(
      truth,
      { customers: 100_000, acquisitionDays: 84, calibrationDays: 365, period: 'week' },
      new SeededRandom(7),
    );

    const result = fit(distinctTriplets(simulated.x, simulated.txDays, simulated.TDays, 'week'));

    if (result.status !== 'fitted') throw new Error(result.reason);
    expect(result.params.r).toBeCloseTo(truth.r, 1);
    expect(result.params.alpha / truth.alpha).toBeGreaterThan(0.85);
    expect(result.params.alpha / truth.alpha).toBeLessThan(1.15);
    expect(result.params.a / truth.a).toBeGreaterThan(0.8);
    expect(result.params.a / truth.a).toBeLessThan(1.25);
    expect(result.params.b / truth.b).toBeGreaterThan(0.8);
    expect(result.params.b / truth.b).toBeLessThan(1.25);
  });
});
