import { describe, expect, it } from 'vitest';
import { compare } from '../../../shared/measurement/compare.js';
import { holmAdjust } from '../../../shared/measurement/holm.js';
import { summarizeRevenue } from '../../../shared/measurement/revenue-per-customer.js';

const options = { minimumDetectableEffect: 0.02 };

describe('compare', () => {
  it('reports the reference z and p for 5/83 against 12/99, with Holm leaving one p-value unchanged', () => {
    const { variants } = compare(
      { label: 'control', conversions: 5, assigned: 83 },
      [{ label: 'B', conversions: 12, assigned: 99 }],
      options,
    );

    const [b] = variants;
    expect(b?.z).toBeCloseTo(-1.4078304151258787, 12);
    expect(b?.pValue).toBeCloseTo(0.15918129181156992, 12);
    expect(b?.pValueHolm).toBe(b?.pValue);
    expect(b?.verdict).toBe('not_enough_data');
  });

  it('adjusts the p-values of several variants together with Holm', () => {
    const { variants } = compare(
      { label: 'control', conversions: 500, assigned: 5000 },
      [
        { label: 'B', conversions: 580, assigned: 5000 },
        { label: 'C', conversions: 505, assigned: 5000 },
      ],
      options,
    );

    const raw = variants.map((v) => v.pValue ?? Number.NaN);
    expect(variants.map((v) => v.pValueHolm)).toEqual(holmAdjust(raw));
    expect(variants.map((v) => v.verdict)).toEqual(['winner', 'inconclusive']);
  });

  it('lets Holm turn a variant that would win alone into an inconclusive one', () => {
    const control = { label: 'control', conversions: 500, assigned: 5000 };
    const b = { label: 'B', conversions: 565, assigned: 5000 }; // p = 0.0351 alone; Holm doubles it to 0.0702
    const c = { label: 'C', conversions: 560, assigned: 5000 }; // p ≈ 0.051

    const alone = compare(control, [b], options).variants[0];
    const together = compare(control, [b, c], options).variants[0];

    expect(alone?.verdict).toBe('winner');
    expect(together?.verdict).toBe('inconclusive');
  });

  it('computes power from the control’s rate and the MDE, not from the observed difference', () => {
    const control = { label: 'control', conversions: 400, assigned: 4000 };

    const worse = compare(control, [{ label: 'B', conversions: 300, assigned: 4000 }], options).variants[0];
    const better = compare(control, [{ label: 'B', conversions: 520, assigned: 4000 }], options).variants[0];

    expect(worse?.power).toBe(better?.power);
    expect(worse?.power).toBeCloseTo(0.8, 1);
  });

  it('gives null statistics and not_enough_data for a variant nobody was assigned to yet', () => {
    const { variants } = compare(
      { label: 'control', conversions: 50, assigned: 500 },
      [
        { label: 'B', conversions: 0, assigned: 0 },
        { label: 'C', conversions: 90, assigned: 500 },
      ],
      options,
    );

    const [b, c] = variants;
    expect(b).toMatchObject({
      z: null,
      pValue: null,
      pValueHolm: null,
      ciVariant: null,
      power: null,
      verdict: 'not_enough_data',
    });
    // B keeps its uniform prior: P(U > p_control) = 1 − E[p_control] with p_control ~ Beta(51, 451).
    expect(b?.probabilityToBeatControl).toBeCloseTo(1 - 51 / 502, 12);
    // Holm runs over the one variant that has a p-value.
    expect(c?.pValueHolm).toBe(c?.pValue);
  });

  it('checks the sample ratio against the configured weights, control first', () => {
    const result = compare(
      { label: 'control', conversions: 10, assigned: 1_000 },
      [{ label: 'B', conversions: 10, assigned: 1_200 }],
      { ...options, expectedWeights: [50, 50] },
    );

    expect(result.sampleRatio?.mismatch).toBe(true);
    expect(result.sampleRatio?.chiSquare).toBeCloseTo((2 * 100 * 100) / 1100, 12);
  });

  it('calls no winner when the arms are off their configured split, however small p is', () => {
    // Prepare: a clear difference in conversion, but 1,000 vs 1,400 customers on a 50/50 split
    const control = { label: 'control', conversions: 20, assigned: 1_000 };
    const variant = { label: 'B', conversions: 80, assigned: 1_400 };

    // Act
    const balanced = compare(control, [variant], options);
    const checked = compare(control, [variant], { ...options, expectedWeights: [50, 50] });

    // Assess
    expect(balanced.variants[0]?.verdict).toBe('winner');
    expect(checked.sampleRatio?.mismatch).toBe(true);
    expect(checked.variants[0]?.verdict).toBe('sample_ratio_mismatch');
  });

  it('has no sample-ratio check without weights', () => {
    expect(
      compare(
        { label: 'control', conversions: 1, assigned: 10 },
        [{ label: 'B', conversions: 1, assigned: 10 }],
        options,
      ).sampleRatio,
    ).toBeNull();
  });

  it('compares revenue per customer when both arms carry it', () => {
    const result = compare(
      { label: 'control', conversions: 1, assigned: 4, revenue: summarizeRevenue([10], 4) },
      [{ label: 'B', conversions: 1, assigned: 5, revenue: summarizeRevenue([30], 5) }],
      options,
    );

    expect(result.variants[0]?.revenue?.difference.variantMinusControl).toBeCloseTo(3.5, 15);
    expect(result.variants[0]?.revenue?.control.mean).toBe(2.5);
  });

  it('rejects counts that cannot be, naming the arm', () => {
    expect(() =>
      compare(
        { label: 'control', conversions: 5, assigned: 83 },
        [{ label: 'B', conversions: 12, assigned: 5 }],
        options,
      ),
    ).toThrow(/B: conversions \(12\) exceed assigned customers \(5\)/);
  });
});
