/**
 * Control against one or more variants (DESIGN "Measurement"): everything the A/B report shows
 * per variant, from per-arm counts. A statistic that an empty arm cannot have is null rather
 * than a made-up number; the verdict is then `not_enough_data`.
 */
import { checkConversionCounts, type ConversionCounts } from './conversion-counts.js';
import { holmAdjust } from './holm.js';
import { powerToDetect, smallestDetectableLift } from './power.js';
import {
  MINIMUM_CONVERSIONS_FOR_PROBABILITY,
  pooledPrior,
  probabilityToBeatControl,
  probabilityToBeatWithPrior,
  type SharedPrior,
} from './probability-to-beat.js';
import { rateMean, relativeLift, type LiftInterval } from './relative-lift.js';
import {
  revenueDifference,
  revenuePerCustomer,
  type MeanInterval,
  type RevenueDifference,
  type RevenueSummary,
} from './revenue-per-customer.js';
import { sampleRatioMismatch, type SampleRatioCheck } from './sample-ratio-mismatch.js';
import { sequentialDifferenceInterval, type DifferenceInterval } from './sequential.js';
import { twoProportionZTest } from './two-proportion-z-test.js';
import { verdictFor, type Verdict } from './verdict.js';
import { wilsonInterval, type RateInterval } from './wilson-interval.js';

export interface Arm extends ConversionCounts {
  label: string;
  /** Revenue per assigned customer, when the goal carries revenue. */
  revenue?: RevenueSummary;
}

export interface CompareOptions {
  /** Absolute effect the power figure is for: settings' `minimumDetectableEffect` (when no lift is set). */
  minimumDetectableEffect?: number;
  /** Relative lift the power figure is for (0.2 = +20 % over the control's rate): settings' `minimumDetectableLift`. */
  minimumDetectableLift?: number;
  /**
   * `flat` (default, what `sadakat stats compare` has always printed): independent Beta(1, 1)
   * priors, exact. `pooled`: one weak prior centred on the pooled rate (probability-to-beat.ts),
   * and no probability while both arms have fewer than MINIMUM_CONVERSIONS_FOR_PROBABILITY conversions.
   */
  prior?: 'flat' | 'pooled';
  /**
   * Verdict from the always-valid (mSPRT) interval of the difference, Bonferroni over the
   * variants, instead of the fixed-horizon Holm p-value: for a report read every day.
   */
  sequential?: boolean;
  /** Two-sided significance level for the verdict and the power; 0.05 by default. */
  alpha?: number;
  /** Configured split weights, control first then the variants in order; enables the SRM check. */
  expectedWeights?: readonly number[];
}

export interface RevenueComparison {
  control: MeanInterval;
  variant: MeanInterval;
  difference: RevenueDifference;
}

export interface VariantComparison {
  variant: string;
  /** Control minus variant (pooled two-proportion z); negative when the variant converts better. */
  z: number | null;
  pValue: number | null;
  /** Holm-adjusted over the variants that have a p-value. */
  pValueHolm: number | null;
  ciControl: RateInterval | null;
  ciVariant: RateInterval | null;
  /** P(variant's rate > control's) under the chosen prior; null (pooled prior) while both arms have too few conversions. */
  probabilityToBeatControl: number | null;
  /** The shared prior behind it; null for the flat prior. */
  prior: SharedPrior | null;
  /** Power to detect the MDE from the control's rate at these sample sizes. */
  power: number | null;
  /** Smallest relative lift these sizes detect with 80 % power at α (null without a baseline rate). */
  detectableLift: number | null;
  /** Relative lift of the rate with its 95 % interval (delta method on the log ratio). */
  liftInterval: LiftInterval | null;
  /** Always-valid 95 % interval of the difference of rates (variant − control). */
  sequential: DifferenceInterval | null;
  verdict: Verdict;
  /** Present when both arms carry revenue for at least two customers. */
  revenue: RevenueComparison | null;
}

export interface Comparison {
  control: string;
  variants: VariantComparison[];
  /** Null when no expected weights were given. */
  sampleRatio: SampleRatioCheck | null;
}

export function compare(control: Arm, variants: readonly Arm[], options: CompareOptions): Comparison {
  if (variants.length === 0) throw new RangeError('compare: needs at least one variant');
  checkConversionCounts(control, control.label);
  for (const variant of variants) checkConversionCounts(variant, variant.label);
  const alpha = options.alpha ?? 0.05;

  const tests = variants.map((variant) =>
    control.assigned > 0 && variant.assigned > 0 ? twoProportionZTest(control, variant) : null,
  );
  const tested = tests.flatMap((test) => (test ? [test.pValue] : []));
  const adjusted = holmAdjust(tested);
  let next = 0;
  const holm = tests.map((test) => (test ? (adjusted[next++] ?? null) : null));

  const sampleRatio =
    options.expectedWeights === undefined
      ? null
      : sampleRatioMismatch(
          [control.assigned, ...variants.map((variant) => variant.assigned)],
          options.expectedWeights,
        );
  const ciControl = control.assigned > 0 ? wilsonInterval(control) : null;
  const baseline = control.assigned > 0 ? control.conversions / control.assigned : 0;
  const effect = minimumEffect(options, baseline);
  const comparisons = variants.map((variant, index): VariantComparison => {
    const test = tests[index] ?? null;
    const pValueHolm = holm[index] ?? null;
    const sequential = sequentialDifferenceInterval(control, variant, alpha / variants.length);
    const probability = probabilityOf(control, variant, options.prior ?? 'flat');
    return {
      variant: variant.label,
      z: test?.z ?? null,
      pValue: test?.pValue ?? null,
      pValueHolm,
      ciControl,
      ciVariant: variant.assigned > 0 ? wilsonInterval(variant) : null,
      probabilityToBeatControl: probability.probability,
      prior: probability.prior,
      power:
        test === null || effect === null
          ? null
          : powerToDetect({
              baseline,
              minimumDetectableEffect: effect,
              controlAssigned: control.assigned,
              variantAssigned: variant.assigned,
              alpha,
            }),
      detectableLift:
        test === null
          ? null
          : smallestDetectableLift({
              baseline,
              controlAssigned: control.assigned,
              variantAssigned: variant.assigned,
              alpha,
            }),
      liftInterval: relativeLift(rateMean(control), rateMean(variant)),
      sequential,
      verdict:
        test === null || pValueHolm === null
          ? 'not_enough_data'
          : verdictFor({
              control,
              variant,
              z: test.z,
              adjustedPValue: pValueHolm,
              alpha,
              sampleRatioMismatch: sampleRatio?.mismatch === true,
              ...(options.sequential && sequential ? { sequential } : {}),
            }),
      revenue: compareRevenue(control.revenue, variant.revenue),
    };
  });

  return { control: control.label, variants: comparisons, sampleRatio };
}

/**
 * The absolute effect the power figure is for: the relative lift times the baseline (capped at
 * 100 %) when a lift is set, else the absolute effect; null when a lift has no baseline to lift.
 */
function minimumEffect(options: CompareOptions, baseline: number): number | null {
  if (options.minimumDetectableLift !== undefined) {
    const effect = Math.min(options.minimumDetectableLift * baseline, 1 - baseline);
    return effect > 0 ? effect : null;
  }
  return options.minimumDetectableEffect ?? null;
}

function probabilityOf(
  control: Arm,
  variant: Arm,
  prior: 'flat' | 'pooled',
): { probability: number | null; prior: SharedPrior | null } {
  if (prior === 'flat') return { probability: probabilityToBeatControl(control, variant), prior: null };
  const shared = pooledPrior(control, variant);
  const enough =
    control.conversions >= MINIMUM_CONVERSIONS_FOR_PROBABILITY ||
    variant.conversions >= MINIMUM_CONVERSIONS_FOR_PROBABILITY;
  return { probability: enough ? probabilityToBeatWithPrior(control, variant, shared) : null, prior: shared };
}

function compareRevenue(
  control: RevenueSummary | undefined,
  variant: RevenueSummary | undefined,
): RevenueComparison | null {
  if (!control || !variant || control.customers < 2 || variant.customers < 2) return null;
  return {
    control: revenuePerCustomer(control),
    variant: revenuePerCustomer(variant),
    difference: revenueDifference(control, variant),
  };
}
