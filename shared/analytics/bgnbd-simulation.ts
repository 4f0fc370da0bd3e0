/**
 * Synthetic customers drawn from the BG/NBD process itself, for benchmarks and for checking that
 * a fit recovers known parameters: λ ~ Gamma(r, α), p ~ Beta(a, b); purchases arrive as a
 * Poisson process with rate λ per period; after each repeat purchase the customer drops out with
 * probability p. Purchases land on a daily grid (same day merges, as in customer-summary.ts).
 */
import type { BgNbdParams } from './bgnbd.js';
import { DAYS_PER_PERIOD, type Period } from './customer-summary.js';

export interface SimulationRandom {
  /** Uniform on [0, 1). */
  next(): number;
  /** Gamma with the given shape and rate. */
  gamma(shape: number, rate: number): number;
  beta(a: number, b: number): number;
}

export interface SimulatedCustomers {
  x: Int32Array;
  txDays: Int32Array;
  TDays: Int32Array;
}

export interface SimulationOptions {
  customers: number;
  /** First purchases fall uniformly on the first `acquisitionDays` days. */
  acquisitionDays: number;
  /** The calibration end, in days after the first acquisition day. */
  calibrationDays: number;
  period: Period;
}

export function simulateBgNbd(
  params: BgNbdParams,
  options: SimulationOptions,
  random: SimulationRandom,
): SimulatedCustomers {
  const { customers, acquisitionDays, calibrationDays } = options;
  const daysPerPeriod = DAYS_PER_PERIOD[options.period];
  const result: SimulatedCustomers = {
    x: new Int32Array(customers),
    txDays: new Int32Array(customers),
    TDays: new Int32Array(customers),
  };
  for (let i = 0; i < customers; i++) {
    const birth = Math.floor(random.next() * acquisitionDays);
    const TDays = calibrationDays - birth;
    const lambda = random.gamma(params.r, params.alpha);
    const p = random.beta(params.a, params.b);
    let x = 0;
    let lastDay = 0;
    let elapsed = 0;
    for (;;) {
      elapsed += -Math.log(1 - random.next()) / lambda;
      // The window is T itself (continuous time); the purchase is then seen on its day.
      if (!(elapsed * daysPerPeriod <= TDays)) break;
      const purchaseDay = Math.floor(elapsed * daysPerPeriod);
      if (purchaseDay > lastDay) {
        x++;
        lastDay = purchaseDay;
      }
      if (random.next() < p) break;
    }
    result.x[i] = x;
    result.txDays[i] = lastDay;
    result.TDays[i] = TDays;
  }
  return result;
}
