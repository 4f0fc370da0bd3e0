/**
 * Relative lift, variant ÷ control − 1, with a confidence interval by the delta method on the
 * log of the ratio: Var(ln(m_v/m_c)) ≈ Var(m_v)/m_v² + Var(m_c)/m_c² for independent arms, the
 * interval exp(ln ratio ± z·se) − 1 (for proportions this is the Katz log interval: D. Katz,
 * J. Baptista, S. P. Azen and M. C. Pike (1978), "Obtaining confidence intervals for the risk
 * ratio in cohort studies", Biometrics 34(3), 469–474). On the log scale the interval is not
 * symmetric around the lift and never goes below −100 %. Used for the conversion rate and for
 * revenue per assigned customer; null when either arm's mean is 0 (no ratio to take).
 */
import { twoSidedCriticalValue } from './standard-normal.js';

export interface LiftInterval {
  /** 0.25 = +25 %. */
  lift: number;
  lower: number;
  upper: number;
}

/** An arm's mean and the variance of that mean (s²/n). */
export interface MeanWithVariance {
  mean: number;
  varianceOfMean: number;
}

export function relativeLift(
  control: MeanWithVariance,
  variant: MeanWithVariance,
  confidence = 0.95,
): LiftInterval | null {
  if (!(control.mean > 0 && variant.mean > 0)) return null;
  const logRatio = Math.log(variant.mean / control.mean);
  const se = Math.sqrt(
    variant.varianceOfMean / (variant.mean * variant.mean) + control.varianceOfMean / (control.mean * control.mean),
  );
  const z = twoSidedCriticalValue(1 - confidence);
  return {
    lift: Math.expm1(logRatio),
    lower: Math.expm1(logRatio - z * se),
    upper: Math.expm1(logRatio + z * se),
  };
}

/** A conversion rate as a mean of 0/1 outcomes: p̂ and p̂(1 − p̂)/n. */
export function rateMean(counts: { assigned: number; conversions: number }): MeanWithVariance {
  const p = counts.assigned > 0 ? counts.conversions / counts.assigned : 0;
  return { mean: p, varianceOfMean: counts.assigned > 0 ? (p * (1 - p)) / counts.assigned : 0 };
}
