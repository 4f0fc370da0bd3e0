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
