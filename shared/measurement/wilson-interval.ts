/**
 * Conversion rate with the Wilson score interval: E. B. Wilson (1927), "Probable inference, the
 * law of succession, and statistical inference", JASA 22(158), 209–212; method 3 in
 * R. G. Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison
 * of seven methods", Statistics in Medicine 17, 857–872 (whose Table I the tests reproduce).
 * Unlike the Wald interval p̂ ± z√(p̂(1−p̂)/n), it stays inside [0, 1] and does not collapse to
 * a point at 0 or n conversions, which matters for the small arms of a fresh journey.
 */
import { checkConversionCounts, type ConversionCounts } from './conversion-counts.js';
import { twoSidedCriticalValue } from './standard-normal.js';

export interface RateInterval {
  rate: number;
  lower: number;
  upper: number;
}

/**
 * The rate x/n and its Wilson interval at `confidence` (default 95 %):
 *   (2x + z² ∓ z √(z² + 4x(n − x)/n)) / (2(n + z²)),
 * the roots in p of (p̂ − p)² = z² p(1 − p)/n (Newcombe 1998, eq. 3 rearranged). Needs n ≥ 1.
 */
export function wilsonInterval(counts: ConversionCounts, confidence = 0.95): RateInterval {
  checkConversionCounts(counts, 'wilsonInterval');
  const { assigned: n, conversions: x } = counts;
  if (n < 1) throw new RangeError('wilsonInterval: needs at least one assigned customer');
  const z = twoSidedCriticalValue(1 - confidence);
  const z2 = z * z;
  const spread = z * Math.sqrt(z2 + (4 * x * (n - x)) / n);
  const denominator = 2 * (n + z2);
  // The bounds are exactly 0 at x = 0 and 1 at x = n; set them so rounding cannot exclude the rate.
  return {
    rate: x / n,
    lower: x === 0 ? 0 : Math.max(0, (2 * x + z2 - spread) / denominator),
    upper: x === n ? 1 : Math.min(1, (2 * x + z2 + spread) / denominator),
  };
}
