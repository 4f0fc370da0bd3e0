/**
 * Sample-ratio-mismatch check: Pearson's χ² goodness-of-fit of the observed assignment counts
 * against the configured split weights (K. Pearson (1900), Philosophical Magazine 50, 157–175):
 *   χ² = Σ (O_i − E_i)²/E_i,  E_i = N w_i / Σw,  df = k − 1,
 *   p = Q(df/2, χ²/2), the upper regularized incomplete gamma function (@stdlib's port of
 *   Boost's gamma_q, accurate in the far tail where 1 − CDF would round to 0).
 * A mismatch means assignment or logging is broken and the comparison cannot be trusted
 * (A. Fabijan et al. (2019), "Diagnosing Sample Ratio Mismatch in Online Controlled
 * Experiments", KDD '19). The 0.001 threshold is GrowthBook's default (DEFAULT_SRM_THRESHOLD in
 * growthbook/growthbook): every journey is checked on every report, so a looser one would
 * raise false alarms routinely.
 */
import gammainc from '@stdlib/math-base-special-gammainc';

export const SRM_P_VALUE_THRESHOLD = 0.001;

export interface SampleRatioCheck {
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
  /** pValue < SRM_P_VALUE_THRESHOLD: warn that the split is not what was configured. */
  mismatch: boolean;
}

/** `observed[i]` customers were assigned to the arm configured with weight `expectedWeights[i]`. */
export function sampleRatioMismatch(observed: readonly number[], expectedWeights: readonly number[]): SampleRatioCheck {
  if (observed.length !== expectedWeights.length) {
    throw new RangeError(
      `sampleRatioMismatch: ${observed.length} observed counts but ${expectedWeights.length} weights`,
    );
  }
  if (observed.length < 2) throw new RangeError('sampleRatioMismatch: needs at least two arms');
  for (const [index, count] of observed.entries()) {
    if (!Number.isSafeInteger(count) || count < 0)
      throw new RangeError(`sampleRatioMismatch: count ${index} must be a whole number ≥ 0, got ${count}`);
  }
  for (const [index, weight] of expectedWeights.entries()) {
    // A zero weight expects nobody, so one stray customer would make χ² infinite; such an arm is not in the split.
    if (!(weight > 0 && Number.isFinite(weight)))
      throw new RangeError(`sampleRatioMismatch: weight ${index} must be > 0, got ${weight}`);
  }
  const total = observed.reduce((sum, count) => sum + count, 0);
  const totalWeight = expectedWeights.reduce((sum, weight) => sum + weight, 0);
  const degreesOfFreedom = observed.length - 1;
  if (total === 0) return { chiSquare: 0, degreesOfFreedom, pValue: 1, mismatch: false };
  let chiSquare = 0;
  for (const [index, count] of observed.entries()) {
    const expected = (total * (expectedWeights[index] ?? 0)) / totalWeight;
    chiSquare += ((count - expected) * (count - expected)) / expected;
  }
  const pValue = gammainc(chiSquare / 2, degreesOfFreedom / 2, true, true);
  return { chiSquare, degreesOfFreedom, pValue, mismatch: pValue < SRM_P_VALUE_THRESHOLD };
}
