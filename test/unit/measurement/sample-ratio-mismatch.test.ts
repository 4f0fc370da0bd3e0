import { describe, expect, it } from 'vitest';
import { sampleRatioMismatch } from '../../../shared/measurement/sample-ratio-mismatch.js';
import { twoSidedPValue } from '../../../shared/measurement/standard-normal.js';

describe('sampleRatioMismatch', () => {
  it('gives χ² = 1.1025 for 821 vs 779 on a 50/50 split, with the same p as the normal test on z = 1.05', () => {
    // Expected 800 each: (21² + 21²)/800 = 1.1025; with one degree of freedom χ² = z², so p = 2Φ(−1.05) = 0.29372.
    const check = sampleRatioMismatch([821, 779], [1, 1]);

    expect(check.chiSquare).toBeCloseTo(1.1025, 12);
    expect(check.degreesOfFreedom).toBe(1);
    expect(check.pValue).toBeCloseTo(twoSidedPValue(1.05), 12);
    expect(check.pValue).toBeCloseTo(0.2937181127517889, 12);
    expect(check.mismatch).toBe(false);
  });

  it('gives p = e^(−χ²/2) with two degrees of freedom (χ² = 14 for 50/30/20 on equal thirds)', () => {
    const check = sampleRatioMismatch([50, 30, 20], [1, 1, 1]);

    expect(check.chiSquare).toBeCloseTo(14, 12);
    expect(check.pValue).toBeCloseTo(Math.exp(-7), 15);
    expect(check.mismatch).toBe(true);
  });

  it('puts the 5 % critical value of χ²(1), 3.841458820694124, at p = 0.05', () => {
    // 1000 customers on 50/50 with 531 vs 469: χ² = 2·31²/500 = 3.844, just past the critical value.
    const check = sampleRatioMismatch([531, 469], [0.5, 0.5]);

    expect(check.chiSquare).toBeCloseTo(3.844, 12);
    expect(check.pValue).toBeLessThan(0.05);
    expect(check.pValue).toBeGreaterThan(0.049);
  });

  it('scales the expected counts by the weights (90/10 split)', () => {
    const check = sampleRatioMismatch([9000, 1000], [90, 10]);

    expect(check).toEqual({ chiSquare: 0, degreesOfFreedom: 1, pValue: 1, mismatch: false });
  });

  it('flags a 5 % shortfall in one arm of 20,000 customers', () => {
    // 10,250 vs 9,750 on 50/50: χ² = 12.5, p = 0.000407 (scipy: chi2.sf(12.5, 1)).
    const check = sampleRatioMismatch([10_250, 9_750], [1, 1]);

    expect(check.pValue).toBeCloseTo(0.00040695201744495946, 12);
    expect(check.mismatch).toBe(true);
  });

  it('does not flag a split with p just above 0.001', () => {
    // 10,230 vs 9,770: χ² = 10.58, p = 0.00114.
    const check = sampleRatioMismatch([10_230, 9_770], [1, 1]);

    expect(check.pValue).toBeGreaterThan(0.001);
    expect(check.mismatch).toBe(false);
  });

  it('reports no mismatch before anyone is assigned', () => {
    expect(sampleRatioMismatch([0, 0], [1, 1])).toEqual({
      chiSquare: 0,
      degreesOfFreedom: 1,
      pValue: 1,
      mismatch: false,
    });
  });

  it('rejects a zero weight, naming its position', () => {
    expect(() => sampleRatioMismatch([10, 0], [1, 0])).toThrow(/weight 1 must be > 0/);
  });

  it('rejects counts and weights of different lengths', () => {
    expect(() => sampleRatioMismatch([10, 12, 11], [1, 1])).toThrow(/3 observed counts but 2 weights/);
  });
});
