import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mergeRevenue,
  revenueDifference,
  revenuePerCustomer,
  summarizeRevenue,
} from '../../../shared/measurement/revenue-per-customer.js';

const Z95 = 1.959963984540054;

describe('summarizeRevenue', () => {
  it('counts assigned customers who bought nothing as 0', () => {
    // Values 10, 0, 0, 0: mean 2.5, squared deviations 7.5² + 3·2.5² = 75.
    expect(summarizeRevenue([10], 4)).toEqual({ customers: 4, mean: 2.5, sumSquaredDeviations: 75 });
  });

  it('rejects fewer assigned customers than buyers', () => {
    expect(() => summarizeRevenue([10, 20, 30], 2)).toThrow(
      /assigned \(2\) must be a whole number ≥ the 3 buying customers/,
    );
  });

  it('rejects a negative amount', () => {
    expect(() => summarizeRevenue([10, -5], 10)).toThrow(/finite amount ≥ 0, got -5/);
  });

  it('keeps the variance of large amounts that a sum of squares would lose', () => {
    // 1e9 + {1, 2, 3}: Σx² − n·mean² cancels to noise in doubles; the sample variance is exactly 1.
    const summary = summarizeRevenue([1e9 + 1, 1e9 + 2, 1e9 + 3], 3);

    expect(summary.sumSquaredDeviations / 2).toBeCloseTo(1, 9);
  });

  it('summarizes two groups merged as it summarizes them together', () => {
    const amounts = fc.array(fc.double({ min: 0, max: 10_000, noNaN: true }), { maxLength: 50 });
    fc.assert(
      fc.property(amounts, amounts, fc.nat(20), fc.nat(20), (first, second, zerosFirst, zerosSecond) => {
        const merged = mergeRevenue(
          summarizeRevenue(first, first.length + zerosFirst),
          summarizeRevenue(second, second.length + zerosSecond),
        );
        const together = summarizeRevenue(
          [...first, ...second],
          first.length + zerosFirst + second.length + zerosSecond,
        );
        expect(merged.customers).toBe(together.customers);
        expect(merged.mean).toBeCloseTo(together.mean, 6);
        expect(merged.sumSquaredDeviations).toBeCloseTo(together.sumSquaredDeviations, 2);
      }),
    );
  });
});

describe('revenuePerCustomer', () => {
  it('gives mean ± 1.96 s/√n', () => {
    // 10, 10, 0: mean 20/3, s² = (200/9 + 400/9)/2 = 100/3, standard error √(100/9) = 10/3.
    const interval = revenuePerCustomer(summarizeRevenue([10, 10], 3));
    const mean = 20 / 3;
    const se = 10 / 3;

    expect(interval.mean).toBeCloseTo(mean, 14);
    expect(interval.standardError).toBeCloseTo(se, 14);
    expect(interval.lower).toBeCloseTo(mean - Z95 * se, 12);
    expect(interval.upper).toBeCloseTo(mean + Z95 * se, 12);
  });

  it('stops the lower bound at 0, where revenue per customer ends', () => {
    // 10, 0, 0, 0: mean 2.5, standard error 2.5, so mean − 1.96·se < 0.
    const interval = revenuePerCustomer(summarizeRevenue([10], 4));

    expect(interval.lower).toBe(0);
    expect(interval.upper).toBeCloseTo(2.5 + Z95 * 2.5, 12);
  });

  it('needs two customers for a variance', () => {
    expect(() => revenuePerCustomer(summarizeRevenue([10], 1))).toThrow(/at least two assigned customers/);
  });
});

describe('revenueDifference', () => {
  it('gives variant minus control with Welch’s standard error', () => {
    // Control 10,0,0,0: mean 2.5, s² = 25, n = 4. Variant 30,0,0,0,0: mean 6, s² = (24² + 4·6²)/4 = 180, n = 5.
    // Standard error √(25/4 + 180/5) = √42.25 = 6.5; z = 3.5/6.5.
    const difference = revenueDifference(summarizeRevenue([10], 4), summarizeRevenue([30], 5));

    expect(difference.variantMinusControl).toBeCloseTo(3.5, 15);
    expect(difference.standardError).toBeCloseTo(6.5, 14);
    expect(difference.lower).toBeCloseTo(3.5 - Z95 * 6.5, 12);
    expect(difference.upper).toBeCloseTo(3.5 + Z95 * 6.5, 12);
    expect(difference.pValue).toBeCloseTo(0.5902584513147718, 12); // 2Φ(−3.5/6.5), scipy 1.17
  });

  it('gives p = 1 for two arms where nobody bought anything', () => {
    const difference = revenueDifference(summarizeRevenue([], 200), summarizeRevenue([], 300));

    expect(difference).toMatchObject({ variantMinusControl: 0, standardError: 0, pValue: 1 });
  });
});
