import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { twoProportionZTest } from '../../../shared/measurement/two-proportion-z-test.js';

const arm = fc
  .integer({ min: 1, max: 1_000_000 })
  .chain((assigned) =>
    fc.record({ assigned: fc.constant(assigned), conversions: fc.integer({ min: 0, max: assigned }) }),
  );

describe('twoProportionZTest', () => {
  it('gives z = −1.4078304151258787 and p = 0.15918129181156992 for 5/83 against 12/99', () => {
    const result = twoProportionZTest({ conversions: 5, assigned: 83 }, { conversions: 12, assigned: 99 });

    expect(result.z).toBeCloseTo(-1.4078304151258787, 12);
    expect(result.pValue).toBeCloseTo(0.15918129181156992, 12);
  });

  it('squares to Pearson’s χ² of the 2×2 table (R: prop.test(c(5, 12), c(83, 99), correct = FALSE) gives 1.982)', () => {
    // χ² = N (ad − bc)² / (row and column totals) for the table [[5, 78], [12, 87]].
    const chiSquare = (182 * (5 * 87 - 78 * 12) ** 2) / (83 * 99 * 17 * 165);

    const { z } = twoProportionZTest({ conversions: 5, assigned: 83 }, { conversions: 12, assigned: 99 });

    expect(z * z).toBeCloseTo(chiSquare, 12);
    expect(chiSquare).toBeCloseTo(1.982, 3);
  });

  it('is negative when the variant converts better (control minus variant)', () => {
    const { z } = twoProportionZTest({ conversions: 100, assigned: 1000 }, { conversions: 150, assigned: 1000 });

    expect(z).toBeLessThan(0);
  });

  it('gives z = 0 and p = 1 when nobody converted in either arm', () => {
    expect(twoProportionZTest({ conversions: 0, assigned: 50 }, { conversions: 0, assigned: 70 })).toEqual({
      z: 0,
      pValue: 1,
    });
  });

  it('gives z = 0 and p = 1 when everybody converted in both arms', () => {
    expect(twoProportionZTest({ conversions: 50, assigned: 50 }, { conversions: 70, assigned: 70 })).toEqual({
      z: 0,
      pValue: 1,
    });
  });

  it('keeps tiny p-values instead of rounding them to 0', () => {
    const { pValue } = twoProportionZTest(
      { conversions: 1000, assigned: 10_000 },
      { conversions: 2000, assigned: 10_000 },
    );

    expect(pValue).toBeGreaterThan(0);
    expect(pValue).toBeLessThan(1e-60);
  });

  it('rejects an empty arm', () => {
    expect(() => twoProportionZTest({ conversions: 0, assigned: 0 }, { conversions: 1, assigned: 10 })).toThrow(
      /at least one assigned/,
    );
  });

  it('gives a p-value in [0, 1] for any counts', () => {
    fc.assert(
      fc.property(arm, arm, (control, variant) => {
        const { z, pValue } = twoProportionZTest(control, variant);
        expect(Number.isFinite(z)).toBe(true);
        expect(pValue).toBeGreaterThanOrEqual(0);
        expect(pValue).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('negates z and keeps p when the arms swap', () => {
    fc.assert(
      fc.property(arm, arm, (control, variant) => {
        const forward = twoProportionZTest(control, variant);
        const backward = twoProportionZTest(variant, control);
        expect(backward.z).toBeCloseTo(-forward.z, 9);
        expect(backward.pValue).toBeCloseTo(forward.pValue, 12);
      }),
    );
  });
});
