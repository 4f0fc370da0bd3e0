/**
 * The report's verdict per variant (DESIGN "Measurement"). Below a minimum sample the answer
 * is "not enough data", however small the p-value: with a few dozen customers the normal
 * approximations behind the z-test do not hold yet, and a report that is read daily would
 * otherwise call winners on early noise. Above it, a variant wins or loses only when its
 * Holm-adjusted p-value is below α; the sign of z (control minus variant) says which.
 *
 * Read once, at a horizon fixed in advance, the Holm p-value decides. The A/B report is read
 * every day, and every look is another chance of a false winner (the "peeking" problem); there
 * the report passes the always-valid (mSPRT) interval of the difference (sequential.ts), and a
 * variant wins or loses only when that interval excludes 0 (docs/decisions.md).
 *
 * A sample ratio mismatch overrides everything: when the arms are not the sizes the split was
 * configured with, assignment or logging is broken, and no p-value computed on them means what
 * it says — the report names the mismatch instead of a winner.
 */
import type { ConversionCounts } from './conversion-counts.js';

export type Verdict = 'not_enough_data' | 'winner' | 'loser' | 'inconclusive' | 'sample_ratio_mismatch';

/**
 * At least 100 assigned customers in each arm, and 10 conversions in the two arms together —
 * the usual rule of thumb for the normal approximation to the pooled test (expected counts of
 * about 5 or more per cell of the 2×2 table).
 */
export const MINIMUM_SAMPLE = { assignedPerArm: 100, conversionsInBothArms: 10 } as const;

export interface VerdictInput {
  control: ConversionCounts;
  variant: ConversionCounts;
  /** Control minus variant; negative when the variant converts better. */
  z: number;
  /** Holm-adjusted across the experiment's variants (the raw p-value when there is one). */
  adjustedPValue: number;
  /** 0.05 by default. */
  alpha?: number;
  /** The experiment's sample-ratio check found the arms off their configured weights. */
  sampleRatioMismatch?: boolean;
  /** When given, the always-valid interval of variant − control decides instead of the p-value. */
  sequential?: { lower: number; upper: number };
}

export function verdictFor(input: VerdictInput): Verdict {
  const { control, variant, z, adjustedPValue, alpha = 0.05 } = input;
  if (input.sampleRatioMismatch === true) return 'sample_ratio_mismatch';
  if (!hasMinimumSample(control, variant)) return 'not_enough_data';
  if (input.sequential) {
    if (input.sequential.lower > 0) return 'winner';
    if (input.sequential.upper < 0) return 'loser';
    return 'inconclusive';
  }
  if (!(adjustedPValue < alpha)) return 'inconclusive';
  return z < 0 ? 'winner' : 'loser';
}

function hasMinimumSample(control: ConversionCounts, variant: ConversionCounts): boolean {
  return (
    control.assigned >= MINIMUM_SAMPLE.assignedPerArm &&
    variant.assigned >= MINIMUM_SAMPLE.assignedPerArm &&
    control.conversions + variant.conversions >= MINIMUM_SAMPLE.conversionsInBothArms
  );
}
