import { beforeAll, describe, expect, it } from 'vitest';
import { expectedPurchases, type BgNbdParams } from '../../../shared/analytics/bgnbd.js';
import { dayOfDate } from '../../../shared/analytics/calendar-day.js';
import { repeatSpendOf, summarizeCustomers, type RepeatSpend } from '../../../shared/analytics/customer-summary.js';
import {
  conditionalExpectedAverageValue,
  customerLifetimeValue,
  fit,
  logLikelihood,
  type GammaGammaParams,
} from '../../../shared/analytics/gamma-gamma.js';
import { readTransactionsCsv } from '../../../shared/analytics/transactions-csv.js';

const PAPER_BG: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PAPER_GG: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };

let spend: RepeatSpend;
beforeAll(async () => {
  const { transactions } = await readTransactionsCsv('../shared/data/cdnow_sample.transactions.csv');
  const end = dayOfDate('1997-09-30');
  if (!end.ok) throw new Error(end.reason);
  spend = repeatSpendOf(summarizeCustomers(transactions, { calibrationEnd: end.day, period: 'week' }));
});

describe('Gamma-Gamma fit on the CDNOW sample', () => {
  it('reproduces the published parameters and log-likelihood on the 946 repeat customers', () => {
    const result = fit(spend);

    if (result.status !== 'fitted') throw new Error(result.reason);
    expect(result.customers).toBe(946);
    expect([result.params.p.toFixed(2), result.params.q.toFixed(2), result.params.gamma.toFixed(2)]).toEqual([
      '6.25',
      '3.74',
      '15.44',
    ]);
    expect(result.logLik.toFixed(2)).toBe('-4055.92');
  });

  it('finds a likelihood at least as high as at the published (rounded) parameters', () => {
    const result = fit(spend);

    if (result.status !== 'fitted') throw new Error(result.reason);
    expect(result.logLik).toBeGreaterThanOrEqual(logLikelihood(PAPER_GG, spend));
  });

  it('says there is not enough data below 500 repeat customers', () => {
    const few: RepeatSpend = {
      x: Float64Array.of(2),
      monetary: Float64Array.of(10),
      weight: Float64Array.of(499),
      length: 1,
      customers: 499,
    };

    expect(fit(few)).toEqual({
      status: 'not_enough_data',
      reason: '499 customers have repeat purchases with a positive amount; the spend model needs at least 500',
    });
  });
});

describe('Gamma-Gamma predictions', () => {
  it('weights the population mean and the customer’s own mean as the note’s eq. 5 does', () => {
    const { p, q, gamma } = PAPER_GG;
    const x = 2;
    const m = 22.345;
    const populationMean = (p * gamma) / (q - 1);
    const weight = (q - 1) / (p * x + q - 1);

    expect(conditionalExpectedAverageValue(PAPER_GG, x, m)).toBeCloseTo(weight * populationMean + (1 - weight) * m, 12);
  });

  it('gives the population mean to customers without repeat purchases', () => {
    expect(conditionalExpectedAverageValue(PAPER_GG, 0, 0)).toBeCloseTo((6.25 * 15.44) / 2.74, 12);
  });

  it('sums discounted monthly expected purchases times the expected value, as lifetimes does', () => {
    // Prepare: lifetimes, freq 'W': a month is 4.345 weeks, the discount applies per month.
    const customer = { x: 2, tx: 30.43, T: 38.86, monetary: 22.345 };
    const value = conditionalExpectedAverageValue(PAPER_GG, customer.x, customer.monetary);
    let expected = 0;
    for (let month = 1; month <= 3; month++) {
      const purchases =
        expectedPurchases(PAPER_BG, month * 4.345, 2, 30.43, 38.86) -
        expectedPurchases(PAPER_BG, (month - 1) * 4.345, 2, 30.43, 38.86);
      expected += (value * purchases) / 1.01 ** month;
    }

    // Act
    const clv = customerLifetimeValue(PAPER_BG, PAPER_GG, customer, { months: 3, discountRate: 0.01, period: 'week' });

    // Assess
    expect(clv).toBeCloseTo(expected, 10);
    expect(clv).toBeGreaterThan(0);
  });

  it('is worth less with a higher discount rate', () => {
    const customer = { x: 5, tx: 30, T: 38.86, monetary: 40 };
    const at = (discountRate: number): number =>
      customerLifetimeValue(PAPER_BG, PAPER_GG, customer, { months: 12, discountRate, period: 'week' });

    expect(at(0.05)).toBeLessThan(at(0.01));
  });
});

describe('one month for both periods', () => {
  it('gives the same 12-month value from a weekly and a daily model of the same customers', () => {
    // Prepare: the same process in days (α scales with the time unit) and the same customer in days.
    const daily = { ...PAPER_BG, alpha: PAPER_BG.alpha * 7 };
    const weeks = { x: 2, tx: 30.43, T: 38.86, monetary: 35 };
    const days = { ...weeks, tx: weeks.tx * 7, T: weeks.T * 7 };

    // Act
    const fromWeeks = customerLifetimeValue(PAPER_BG, PAPER_GG, weeks, {
      months: 12,
      discountRate: 0.01,
      period: 'week',
    });
    const fromDays = customerLifetimeValue(daily, PAPER_GG, days, { months: 12, discountRate: 0.01, period: 'day' });

    // Assess
    expect(fromDays).toBeCloseTo(fromWeeks, 8);
  });
});
