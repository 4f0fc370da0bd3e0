/**
 * Power of the two-sided pooled two-proportion z-test (two-proportion-z-test.ts) to detect the
 * minimum detectable effect from settings (`minimumDetectableEffect`, absolute) at the sample
 * sizes the experiment has, with the control's observed rate as the baseline. This is the
 * design power for an effect chosen in advance, not "observed power" from the observed
 * difference (a function of the p-value that says nothing new: J. M. Hoenig and D. M. Heisey
 * (2001), "The abuse of power", The American Statistician 55(1), 19–24).
 *
 * Normal approximation without continuity correction, as J. L. Fleiss, B. Levin and M. C. Paik
 * (2003), "Statistical Methods for Rates and Proportions", 3rd ed., ch. 4, and R's
 * stats::power.prop.test: with p₁ the baseline, p₂ = p₁ + δ, Δ = |p₂ − p₁|,
 *   σ₀ = √(p̄ q̄ (1/n₁ + 1/n₂)),  p̄ = (n₁p₁ + n₂p₂)/(n₁ + n₂)   (the pooled variance under H₀),
 *   σ₁ = √(p₁q₁/n₁ + p₂q₂/n₂)                                  (the variance under H₁),
 *   power = Φ((Δ − z₁₋α/₂ σ₀)/σ₁) + Φ((−Δ − z₁₋α/₂ σ₀)/σ₁),
 * the second term being the (tiny) chance of rejecting in the wrong direction, which
 * power.prop.test adds with strict = TRUE. With equal arms, solving for n gives
 *   n = (z₁₋α/₂ √(2 p̄ q̄) + z₁₋β √(p₁q₁ + p₂q₂))² / Δ²,   p̄ = (p₁ + p₂)/2,
 * per arm (power.prop.test's formula, strict = FALSE): 10 % vs 12 % at α = 0.05 and 80 %
 * power needs 3,840.85, so 3,841 customers per arm.
 */
import { normalCdf, normalQuantile, twoSidedCriticalValue } from './standard-normal.js';

export interface PowerInput {
  /** The control's conversion rate, in [0, 1]. */
  baseline: number;
  /** Absolute difference to detect, e.g. 0.02 for two percentage points. */
  minimumDetectableEffect: number;
  controlAssigned: number;
  variantAssigned: number;
  /** Two-sided significance level; 0.05 by default. */
  alpha?: number;
}

/** Probability that the test rejects at `alpha` when the variant's true rate is baseline + MDE. */
export function powerToDetect(input: PowerInput): number {
  const { baseline, minimumDetectableEffect, controlAssigned: n1, variantAssigned: n2, alpha = 0.05 } = input;
  for (const [name, n] of [
    ['controlAssigned', n1],
    ['variantAssigned', n2],
  ] as const) {
    if (!Number.isSafeInteger(n) || n < 1)
      throw new RangeError(`powerToDetect: ${name} must be a whole number ≥ 1, got ${n}`);
  }
  const p1 = baseline;
  const p2 = alternativeRate(baseline, minimumDetectableEffect);
  const pooled = (n1 * p1 + n2 * p2) / (n1 + n2);
  const sigma0 = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const sigma1 = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const delta = Math.abs(p2 - p1);
  const critical = twoSidedCriticalValue(alpha) * sigma0;
  return normalCdf((delta - critical) / sigma1) + normalCdf((-delta - critical) / sigma1);
}

/** Customers needed per arm (equal arms) for `power` to detect the MDE at `alpha`, rounded up. */
export function sampleSizeFor(baseline: number, minimumDetectableEffect: number, alpha = 0.05, power = 0.8): number {
  if (!(power > 0 && power < 1)) throw new RangeError(`sampleSizeFor: power must be in (0, 1), got ${power}`);
  const p1 = baseline;
  const p2 = alternativeRate(baseline, minimumDetectableEffect);
  const pBar = (p1 + p2) / 2;
  const root =
    twoSidedCriticalValue(alpha) * Math.sqrt(2 * pBar * (1 - pBar)) +
    normalQuantile(power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((root * root) / ((p2 - p1) * (p2 - p1)));
}

/**
 * The variant's rate under the alternative: an improvement of the MDE, or — when the baseline
 * is so high that baseline + MDE passes 100 % — a drop of the MDE.
 */
function alternativeRate(baseline: number, minimumDetectableEffect: number): number {
  if (!(baseline >= 0 && baseline <= 1)) throw new RangeError(`baseline rate must be in [0, 1], got ${baseline}`);
  if (!(minimumDetectableEffect > 0 && minimumDetectableEffect <= 1)) {
    throw new RangeError(`minimumDetectableEffect must be in (0, 1], got ${minimumDetectableEffect}`);
  }
  if (baseline + minimumDetectableEffect <= 1) return baseline + minimumDetectableEffect;
  if (baseline - minimumDetectableEffect >= 0) return baseline - minimumDetectableEffect;
  throw new RangeError(
    `minimumDetectableEffect ${minimumDetectableEffect} leaves [0, 1] in both directions from the baseline ${baseline}`,
  );
}

export interface DetectableLiftInput {
  /** The control's conversion rate, in (0, 1). */
  baseline: number;
  controlAssigned: number;
  variantAssigned: number;
  /** Two-sided significance level; 0.05 by default. */
  alpha?: number;
  /** 0.8 by default. */
  power?: number;
}

/**
 * The smallest relative lift (0.25 = +25 % over the baseline rate) that these arm sizes detect
 * with `power` at `alpha`: powerToDetect solved for the effect by bisection (power grows with
 * the effect). Null when there is no baseline to lift (0 % or 100 %) or when not even doubling
 * the rate up to 100 % would reach that power — the report then says nothing is detectable yet.
 */
export function smallestDetectableLift(input: DetectableLiftInput): number | null {
  const { baseline, controlAssigned, variantAssigned, alpha = 0.05, power = 0.8 } = input;
  if (!(baseline > 0 && baseline < 1)) return null;
  const powerAt = (lift: number): number =>
    powerToDetect({
      baseline,
      minimumDetectableEffect: Math.min(1 - baseline, lift * baseline),
      controlAssigned,
      variantAssigned,
      alpha,
    });
  const largest = (1 - baseline) / baseline;
  if (powerAt(largest) < power) return null;
  let low = 0;
  let high = largest;
  for (let i = 0; i < 100 && high - low > 1e-6 * high; i++) {
    const middle = (low + high) / 2;
    if (powerAt(middle) >= power) high = middle;
    else low = middle;
  }
  return high;
}
