/**
 * Pooled two-proportion z-test of a variant against the control (DESIGN "Measurement": z is
 * control minus variant): the score test for H₀ p_c = p_v, e.g. J. L. Fleiss, B. Levin and
 * M. C. Paik (2003), "Statistical Methods for Rates and Proportions", 3rd ed., ch. 3 (its square
 * is Pearson's χ² for the 2×2 table without continuity correction, as R's prop.test(correct = FALSE)).
 *
 *   z = (p̂_c − p̂_v) / √(p̄(1 − p̄)(1/n_c + 1/n_v)),  p̄ = (x_c + x_v)/(n_c + n_v),
 *   p = 2 Φ(−|z|).
 *
 * A negative z means the variant converts better.
 */
import { checkConversionCounts, type ConversionCounts } from './conversion-counts.js';
import { twoSidedPValue } from './standard-normal.js';

export interface ZTestResult {
  /** Control minus variant, in pooled standard errors. */
  z: number;
  /** Two-sided. */
  pValue: number;
}

/** Needs at least one assigned customer in each arm. */
export function twoProportionZTest(control: ConversionCounts, variant: ConversionCounts): ZTestResult {
  checkConversionCounts(control, 'control');
  checkConversionCounts(variant, 'variant');
  if (control.assigned < 1 || variant.assigned < 1) {
    throw new RangeError('twoProportionZTest: each arm needs at least one assigned customer');
  }
  const pooled = (control.conversions + variant.conversions) / (control.assigned + variant.assigned);
  const variance = pooled * (1 - pooled) * (1 / control.assigned + 1 / variant.assigned);
  // Nobody converted, or everybody did: both rates are equal, so there is no evidence of a difference.
  if (variance === 0) return { z: 0, pValue: 1 };
  const z = (control.conversions / control.assigned - variant.conversions / variant.assigned) / Math.sqrt(variance);
  return { z, pValue: twoSidedPValue(z) };
}
