/**
 * Always-valid confidence intervals for the difference of two conversion rates, so the report
 * can be read every day without its error rate growing with every look (the "peeking"
 * problem: a fixed-horizon 95 % interval checked daily for a month excludes 0 in a quarter or
 * more of A/A tests). The interval is the normal-mixture confidence sequence of S. R. Howard,
 * A. Ramdas, J. McAuliffe and J. Sekhon (2021), "Time-uniform, nonparametric, nonasymptotic
 * confidence sequences", Annals of Statistics 49(2), eq. (14) — the mixture SPRT (mSPRT) of
 * R. Johari, L. Pekelis and D. Walsh (2015/2022, "Always valid inference", the Optimizely Stats
 * Engine) written as an interval — in the form GrowthBook uses for its sequential testing
 * (gbstats `SequentialTwoSidedTTest`, `sequential_interval_halfwidth`):
 *
 *   ρ = √((−2 ln α + ln(1 − 2 ln α)) / N*),
 *   half-width = √(n·SE²) · √(2(nρ² + 1) / (nρ)² · ln(√(nρ² + 1)/α)),
 *
 * with n the customers of both arms, SE the unpooled standard error of the difference and N*
 * the tuning parameter: the total sample size at which the interval is tightest relative to the
 * fixed-horizon one. 5,000 is GrowthBook's default (DEFAULT_SEQUENTIAL_TESTING_TUNING_PARAMETER).
 * The price of looking whenever one likes: the interval is wider than the fixed-horizon one at
 * every n (about 1.6× at n = N* for α = 0.05).
 */
import type { ConversionCounts } from './conversion-counts.js';
import { checkConversionCounts } from './conversion-counts.js';

export const SEQUENTIAL_TUNING = 5000;

export interface DifferenceInterval {
  /** Variant rate minus control rate (absolute). */
  difference: number;
  lower: number;
  upper: number;
}

/** Null when an arm is empty. Both rates at 0 or 1 leave no spread: the interval is the point. */
export function sequentialDifferenceInterval(
  control: ConversionCounts,
  variant: ConversionCounts,
  alpha = 0.05,
  tuning = SEQUENTIAL_TUNING,
): DifferenceInterval | null {
  checkConversionCounts(control, 'control');
  checkConversionCounts(variant, 'variant');
  if (control.assigned < 1 || variant.assigned < 1) return null;
  const pc = control.conversions / control.assigned;
  const pv = variant.conversions / variant.assigned;
  const variance = (pc * (1 - pc)) / control.assigned + (pv * (1 - pv)) / variant.assigned;
  const n = control.assigned + variant.assigned;
  const half = sequentialHalfWidth(variance * n, n, alpha, tuning);
  const difference = pv - pc;
  return { difference, lower: difference - half, upper: difference + half };
}

/** The half-width for per-customer variance `s2` (SE² · n) after `n` customers. */
export function sequentialHalfWidth(s2: number, n: number, alpha: number, tuning = SEQUENTIAL_TUNING): number {
  const rho2 = (-2 * Math.log(alpha) + Math.log(1 - 2 * Math.log(alpha))) / tuning;
  const spread = n * rho2 + 1;
  return Math.sqrt(s2) * Math.sqrt(((2 * spread) / (n * n * rho2)) * Math.log(Math.sqrt(spread) / alpha));
}
