/**
 * The standard normal distribution, from @stdlib: Φ(x) = erfc(−x/√2)/2 with FreeBSD msun's
 * erfc (rational approximations, error < 1 ulp), Φ⁻¹ from Boost's erf_inv. Because erfc is
 * accurate in the tail, Φ(−|z|) keeps its relative precision far below 1e-16, where 1 − Φ(|z|)
 * would round to 0.
 */
import cdf from '@stdlib/stats-base-dists-normal-cdf';
import quantile from '@stdlib/stats-base-dists-normal-quantile';

/** Φ(x) = P(Z ≤ x). */
export function normalCdf(x: number): number {
  return cdf(x, 0, 1);
}

/** Φ⁻¹(p), the x with Φ(x) = p. */
export function normalQuantile(p: number): number {
  return quantile(p, 0, 1);
}

/** Two-sided p-value of a standard-normal statistic: 2 Φ(−|z|), computed in the lower tail. */
export function twoSidedPValue(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/** The z with a two-sided (1 − α) central interval: Φ⁻¹(1 − α/2); 1.959963984540054 for α = 0.05. */
export function twoSidedCriticalValue(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  return normalQuantile(1 - alpha / 2);
}
