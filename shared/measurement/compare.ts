/**
 * Control against one or more variants (DESIGN "Measurement"): everything the A/B report shows
 * per variant, from per-arm counts. A statistic that an empty arm cannot have is null rather
 * than a made-up number; the verdict is then `not_enough_data`.
 */
import { checkConversionCounts, type ConversionCounts } from './conversion-counts.js';
import { holmAdjust } from './holm.js';
import { powerToDetect } from './power.js';
import { probabilityToBeatControl } from './probability-to-beat.js';
import {
  revenueDifference,
  revenuePerCustomer,
  type MeanInterval,
  type RevenueDifference,
  type RevenueSummary,
} from './revenue-per-customer.js';
import { sampleRatioMismatch, type SampleRatioCheck } from './sample-ratio-mismatch.js';
import { twoProportionZTest } from './two-proportion-z-test.js';
import { verdictFor, type Verdict } from './verdict.js';
import { wilsonInterval, type RateInterval } from './wilson-interval.js';

export interface Arm extends ConversionCounts {
  label: string;
  /** Revenue per assigned customer, when the goal carries revenue. */
  revenue?: RevenueSummary;
}

export interface CompareOptions {
  /** Absolute effect the power figure is for: settings' `minimumDetectableEffect`. */
  minimumDetectableEffect: number;
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
  /** P(variant's rate > control's) under uniform priors. */
  probabilityToBeatControl: number;
  /** Power to detect the MDE from the control's rate at these sample sizes. */
  power: number | null;
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
  const comparisons = variants.map((variant, index): VariantComparison => {
    const test = tests[index] ?? null;
    const pValueHolm = holm[index] ?? null;
    return {
      variant: variant.label,
      z: test?.z ?? null,
      pValue: test?.pValue ?? null,
      pValueHolm,
      ciControl,
      ciVariant: variant.assigned > 0 ? wilsonInterval(variant) : null,
      probabilityToBeatControl: probabilityToBeatControl(control, variant),
      power:
        test === null
          ? null
          : powerToDetect({
              baseline: control.conversions / control.assigned,
              minimumDetectableEffect: options.minimumDetectableEffect,
              controlAssigned: control.assigned,
              variantAssigned: variant.assigned,
              alpha,
            }),
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
            }),
      revenue: compareRevenue(control.revenue, variant.revenue),
    };
  });

  return { control: control.label, variants: comparisons, sampleRatio };
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
