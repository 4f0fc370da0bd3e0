/**
 * Do the report's intervals keep their promises on data where the truth is known? Seeded
 * simulations, so every run sees the same draws.
 */
import { describe, expect, it } from 'vitest';
import { revenuePerCustomer, summarizeRevenue } from '../../../shared/measurement/revenue-per-customer.js';
import { sequentialDifferenceInterval } from '../../../shared/measurement/sequential.js';
import { twoSidedCriticalValue } from '../../../shared/measurement/standard-normal.js';
import { SeededRandom } from '../../../shared/local/seeded-random.js';

describe('revenue per customer interval', () => {
  it('covers the true mean about 95 % of the time on skewed shop data (6 % buy, log-normal baskets)', () => {
    // Prepare: 1,000 customers per arm; 6 % buy; a basket is exp(N(3.5, 0.8²)), mean e^(3.5+0.32).
    const random = new SeededRandom(20_261_207);
    const buyShare = 0.06;
    const trueMean = buyShare * Math.exp(3.5 + 0.8 ** 2 / 2);
    const trials = 2000;
    let covered = 0;

    // Act
    for (let trial = 0; trial < trials; trial++) {
      const baskets: number[] = [];
      for (let i = 0; i < 1000; i++) if (random.next() < buyShare) baskets.push(Math.exp(3.5 + 0.8 * random.normal()));
      const interval = revenuePerCustomer(summarizeRevenue(baskets, 1000));
      if (interval.lower <= trueMean && trueMean <= interval.upper) covered++;
    }

    // Assess: 95 % ± 1.5 points (the binomial spread of 2,000 trials is ±1 point at 2σ).
    expect(covered / trials).toBeGreaterThan(0.935);
    expect(covered / trials).toBeLessThan(0.965);
  });
});

describe('always-valid interval under daily peeking (A/A tests)', () => {
  /** Simulates A/A tests read every day for 30 days; the share where any daily interval excluded 0. */
  function falseWinners(interval: (c: Counts, v: Counts) => { lower: number; upper: number } | null): number {
    const random = new SeededRandom(7_2026);
    const experiments = 400;
    let flagged = 0;
    for (let e = 0; e < experiments; e++) {
      const control = { assigned: 0, conversions: 0 };
      const variant = { assigned: 0, conversions: 0 };
      let found = false;
      for (let day = 0; day < 30 && !found; day++) {
        for (let i = 0; i < 100; i++) {
          control.assigned++;
          if (random.next() < 0.05) control.conversions++;
          variant.assigned++;
          if (random.next() < 0.05) variant.conversions++;
        }
        const ci = interval(control, variant);
        if (ci && (ci.lower > 0 || ci.upper < 0)) found = true;
      }
      if (found) flagged++;
    }
    return flagged / experiments;
  }

  it('finds a false winner in at most about 5 % of A/A tests read daily for a month', () => {
    const rate = falseWinners((c, v) => sequentialDifferenceInterval(c, v, 0.05));

    // 400 experiments: 5 % + 2.2 points is two binomial standard errors.
    expect(rate).toBeLessThanOrEqual(0.072);
  });

  it('is needed: the fixed-horizon 95 % interval read the same way finds far more', () => {
    const z = twoSidedCriticalValue(0.05);
    const rate = falseWinners((c, v) => {
      const pc = c.conversions / c.assigned;
      const pv = v.conversions / v.assigned;
      const se = Math.sqrt((pc * (1 - pc)) / c.assigned + (pv * (1 - pv)) / v.assigned);
      return { lower: pv - pc - z * se, upper: pv - pc + z * se };
    });

    expect(rate).toBeGreaterThan(0.15);
  });
});

interface Counts {
  assigned: number;
  conversions: number;
}
