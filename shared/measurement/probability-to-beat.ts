/**
 * Exact Bayesian probability that a variant's conversion rate beats the control's, with no
 * Monte Carlo: E. Miller (2015), "Formulas for Bayesian A/B Testing"
 * (evanmiller.org/bayesian-ab-testing.html), for p_A ~ Beta(α_A, β_A), p_B ~ Beta(α_B, β_B)
 * and integer α_B:
 *
 *   P(p_B > p_A) = Σ_{i=0}^{α_B−1} B(α_A + i, β_A + β_B) / ((β_B + i) B(1 + i, β_B) B(α_A, β_A)),
 *
 * each term evaluated as exp of a sum of log-beta functions so that counts in the millions
 * neither overflow nor underflow. The sum has α_B terms; the same probability can be written
 * with α_A, β_A or β_B terms instead (see `probabilityToBeat`), so the cost is the smallest
 * parameter — about the smaller arm's conversions (or non-conversions) — not the sample size.
 */
import betaln from '@stdlib/math-base-special-betaln';
import { checkConversionCounts, type ConversionCounts } from './conversion-counts.js';
import { normalCdf } from './standard-normal.js';

/** Shape parameters of a Beta distribution; here whole numbers ≥ 1. */
export interface BetaShape {
  alpha: number;
  beta: number;
}

/**
 * P(p_B > p_A) for independent p_A ~ Beta(a), p_B ~ Beta(b) with whole-number shapes ≥ 1.
 * Ties have probability 0, so P(p_B > p_A) + P(p_A > p_B) = 1.
 */
export function probabilityToBeat(a: BetaShape, b: BetaShape): number {
  for (const [name, shape] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (!Number.isSafeInteger(shape.alpha) || shape.alpha < 1 || !Number.isSafeInteger(shape.beta) || shape.beta < 1) {
      throw new RangeError(
        `probabilityToBeat: ${name} needs whole-number shapes ≥ 1, got Beta(${shape.alpha}, ${shape.beta})`,
      );
    }
  }
  // Four equal forms; sum over the smallest shape. With q = 1 − p, q ~ Beta(β, α) and
  // p_B > p_A ⇔ q_A > q_B, and P(x > y) = 1 − P(y > x).
  const flipA = { alpha: a.beta, beta: a.alpha };
  const flipB = { alpha: b.beta, beta: b.alpha };
  const smallest = Math.min(a.alpha, a.beta, b.alpha, b.beta);
  let probability: number;
  if (smallest === b.alpha) probability = millerSum(a, b);
  else if (smallest === a.alpha) probability = 1 - millerSum(b, a);
  else if (smallest === a.beta) probability = millerSum(flipB, flipA);
  else probability = 1 - millerSum(flipA, flipB);
  // Rounding in the complement can step a hair outside [0, 1].
  return Math.min(1, Math.max(0, probability));
}

/**
 * P(variant's rate > control's rate) under independent uniform Beta(1, 1) priors, i.e. the
 * posteriors Beta(1 + conversions, 1 + assigned − conversions). An empty arm keeps the prior.
 */
export function probabilityToBeatControl(control: ConversionCounts, variant: ConversionCounts): number {
  checkConversionCounts(control, 'control');
  checkConversionCounts(variant, 'variant');
  return probabilityToBeat(uniformPosterior(control), uniformPosterior(variant));
}

function uniformPosterior(counts: ConversionCounts): BetaShape {
  return { alpha: 1 + counts.conversions, beta: 1 + counts.assigned - counts.conversions };
}

/** Miller's sum, P(p_B > p_A), with α_B terms. */
function millerSum(a: BetaShape, b: BetaShape): number {
  const common = betaln(a.alpha, a.beta);
  let total = 0;
  for (let i = 0; i < b.alpha; i++) {
    total += Math.exp(betaln(a.alpha + i, a.beta + b.beta) - Math.log(b.beta + i) - betaln(1 + i, b.beta) - common);
  }
  return total;
}

/**
 * The report's prior: one Beta(w·p̄, w·(1 − p̄)) for both arms, centred on the pooled rate p̄ of
 * the two arms and worth `weight` customers. Shared and centred, it pulls a small arm towards
 * what both arms show instead of towards 50 % (the flat prior's pull, which made a 1/100 holdout
 * "beat" 19/1900 with 71 %); worth 10 customers, it is weak next to any arm the verdict reads.
 */
export interface SharedPrior {
  kind: 'pooled';
  /** Beta shape parameters of the prior each arm starts from. */
  alpha: number;
  beta: number;
  /** The pooled conversion rate the prior is centred on. */
  pooledRate: number;
  /** α + β: how many customers' worth of evidence the prior carries. */
  weight: number;
}

export const POOLED_PRIOR_WEIGHT = 10;

/**
 * P(beat) is left out (null) when both arms have fewer conversions than this: with 0–4
 * conversions a side, any probability mostly restates the prior.
 */
export const MINIMUM_CONVERSIONS_FOR_PROBABILITY = 5;

export function pooledPrior(
  control: ConversionCounts,
  variant: ConversionCounts,
  weight = POOLED_PRIOR_WEIGHT,
): SharedPrior {
  checkConversionCounts(control, 'control');
  checkConversionCounts(variant, 'variant');
  const conversions = control.conversions + variant.conversions;
  const assigned = control.assigned + variant.assigned;
  // A pooled rate of exactly 0 or 1 would make a degenerate prior; add half a conversion (Jeffreys) there only.
  const pooledRate =
    conversions > 0 && conversions < assigned ? conversions / assigned : (conversions + 0.5) / (assigned + 1);
  return { kind: 'pooled', alpha: weight * pooledRate, beta: weight * (1 - pooledRate), pooledRate, weight };
}

/**
 * P(variant's rate > control's) with both arms starting from `prior`: each posterior is
 * Beta(α + conversions, β + non-conversions), and the probability is read from the normal
 * approximation to the posterior difference, Φ((μ_v − μ_c)/√(σ_v² + σ_c²)), with each
 * posterior's exact mean and variance — the approximation GrowthBook's Bayesian engine reads its
 * "chance to win" from. With the prior centred on the pooled rate, arms with equal observed
 * rates have equal posterior means, so the answer is 0.5 whatever their sizes (the exact Beta
 * integral is not: a small arm's posterior is skewed).
 */
export function probabilityToBeatWithPrior(
  control: ConversionCounts,
  variant: ConversionCounts,
  prior: SharedPrior,
): number {
  checkConversionCounts(control, 'control');
  checkConversionCounts(variant, 'variant');
  const moments = (counts: ConversionCounts) => {
    const a = prior.alpha + counts.conversions;
    const b = prior.beta + counts.assigned - counts.conversions;
    const total = a + b;
    return { mean: a / total, variance: (a * b) / (total * total * (total + 1)) };
  };
  const c = moments(control);
  const v = moments(variant);
  const spread = Math.sqrt(c.variance + v.variance);
  return normalCdf((v.mean - c.mean) / spread);
}
