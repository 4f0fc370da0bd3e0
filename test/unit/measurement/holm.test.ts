import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holmAdjust } from '../../../shared/measurement/holm.js';

describe('holmAdjust', () => {
  it('adjusts the four-hypothesis textbook example (R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm"))', () => {
    // Sorted 0.005, 0.01, 0.03, 0.04 → 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06.
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);

    expect(adjusted[0]).toBeCloseTo(0.03, 15);
    expect(adjusted[1]).toBeCloseTo(0.06, 15);
    expect(adjusted[2]).toBeCloseTo(0.06, 15);
    expect(adjusted[3]).toBeCloseTo(0.02, 15);
  });

  it('caps adjusted p-values at 1', () => {
    expect(holmAdjust([0.4, 0.6, 0.9])).toEqual([1, 1, 1]);
  });

  it('leaves a single p-value unchanged', () => {
    expect(holmAdjust([0.0371])).toEqual([0.0371]);
  });

  it('returns nothing for no p-values', () => {
    expect(holmAdjust([])).toEqual([]);
  });

  it('rejects a p-value outside [0, 1], naming its position', () => {
    expect(() => holmAdjust([0.2, 1.5])).toThrow(/p-value 1 must be in \[0, 1\]/);
  });

  it('never lowers a p-value, stays within Bonferroni, and keeps the order of the raw p-values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }), (pValues) => {
        const adjusted = holmAdjust(pValues);
        const m = pValues.length;
        for (const [i, p] of pValues.entries()) {
          const a = adjusted[i] ?? Number.NaN;
          expect(a).toBeGreaterThanOrEqual(p);
          expect(a).toBeLessThanOrEqual(Math.min(1, m * p));
          for (const [j, q] of pValues.entries()) if (p < q) expect(a).toBeLessThanOrEqual(adjusted[j] ?? Number.NaN);
        }
      }),
    );
  });
});
