/**
 * The report's P(beat) from one weak prior shared by both arms, and the smallest detectable lift
 * it shows instead of a bare power figure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare } from '../../../shared/measurement/compare.js';
import { powerToDetect, smallestDetectableLift } from '../../../shared/measurement/power.js';
import {
  pooledPrior,
  probabilityToBeatControl,
  probabilityToBeatWithPrior,
} from '../../../shared/measurement/probability-to-beat.js';

const pooled = (control: { assigned: number; conversions: number }, variant: typeof control) =>
  probabilityToBeatWithPrior(control, variant, pooledPrior(control, variant));

describe('P(beat control) from the shared pooled prior', () => {
  it('is one half for identical 1 % rates in a 100-customer holdout and a 1,900-customer journey arm', () => {
    const holdout = { assigned: 100, conversions: 1 };
    const journey = { assigned: 1900, conversions: 19 };

    expect(Math.abs(pooled(holdout, journey) - 0.5)).toBeLessThanOrEqual(0.02);
    // The flat Beta(1, 1) prior pulls the small arm towards 50 %: what the report used to show.
    expect(probabilityToBeatControl(holdout, journey)).toBeLessThan(0.3);
  });

  it('is 0.5 ± 0.02 for identical observed rates at any arm sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 50 }),
        (conversions, failures, scaleControl, scaleVariant) => {
          // Rate conversions / (conversions + failures) in both arms, at different multiples.
          const per = conversions + failures;
          const control = { assigned: per * scaleControl, conversions: conversions * scaleControl };
          const variant = { assigned: per * scaleVariant, conversions: conversions * scaleVariant };

          expect(Math.abs(pooled(control, variant) - 0.5)).toBeLessThanOrEqual(0.02);
          expect(Math.abs(pooled(variant, control) - 0.5)).toBeLessThanOrEqual(0.02);
        },
      ),
    );
  });

  it('still favours the arm that converts better', () => {
    expect(pooled({ assigned: 1000, conversions: 50 }, { assigned: 1000, conversions: 80 })).toBeGreaterThan(0.99);
    expect(pooled({ assigned: 1000, conversions: 80 }, { assigned: 1000, conversions: 50 })).toBeLessThan(0.01);
  });

  it('centres the prior on the pooled rate and gives it the weight of ten customers', () => {
    const prior = pooledPrior({ assigned: 100, conversions: 1 }, { assigned: 1900, conversions: 19 });

    expect(prior).toEqual({
      kind: 'pooled',
      alpha: expect.closeTo(0.1, 12) as number,
      beta: expect.closeTo(9.9, 12) as number,
      pooledRate: 0.01,
      weight: 10,
    });
  });

  it('is not shown when both arms have fewer than five conversions (a goal-less 0/2 vs 0/37 included)', () => {
    const few = compare(
      { label: 'holdout', assigned: 2, conversions: 0 },
      [{ label: 'journey', assigned: 37, conversions: 0 }],
      { minimumDetectableLift: 0.2, prior: 'pooled' },
    ).variants[0];
    const enough = compare(
      { label: 'holdout', assigned: 200, conversions: 4 },
      [{ label: 'journey', assigned: 3700, conversions: 90 }],
      { minimumDetectableLift: 0.2, prior: 'pooled' },
    ).variants[0];

    expect(few?.probabilityToBeatControl).toBeNull();
    expect(few?.prior?.kind).toBe('pooled');
    expect(enough?.probabilityToBeatControl).toBeGreaterThan(0);
  });

  it('keeps the flat prior’s exact answer by default (what `stats compare` prints)', () => {
    const [variant] = compare(
      { label: 'control', assigned: 83, conversions: 5 },
      [{ label: 'B', assigned: 99, conversions: 12 }],
      { minimumDetectableEffect: 0.02 },
    ).variants;

    expect(variant?.probabilityToBeatControl).toBe(
      probabilityToBeatControl({ assigned: 83, conversions: 5 }, { assigned: 99, conversions: 12 }),
    );
    expect(variant?.prior).toBeNull();
  });
});

describe('smallest detectable lift', () => {
  it('is the relative lift at which the test has 80 % power', () => {
    const lift = smallestDetectableLift({ baseline: 0.05, controlAssigned: 4000, variantAssigned: 4000 });
    if (lift === null) throw new Error('expected a lift');

    const power = powerToDetect({
      baseline: 0.05,
      minimumDetectableEffect: lift * 0.05,
      controlAssigned: 4000,
      variantAssigned: 4000,
    });
    expect(power).toBeCloseTo(0.8, 4);
    // Equal arms at 5 % need about this many customers for +20 % (power.prop.test: 8,155 per arm).
    expect(lift).toBeGreaterThan(0.2);
  });

  it('shows that a 1 % baseline with a 100-customer holdout detects nothing, where an absolute 2 points read as high power', () => {
    const holdoutOnly = smallestDetectableLift({ baseline: 0.01, controlAssigned: 100, variantAssigned: 1900 });

    expect(holdoutOnly === null || holdoutOnly > 2).toBe(true);
  });

  it('is null without a baseline rate to lift', () => {
    expect(smallestDetectableLift({ baseline: 0, controlAssigned: 100, variantAssigned: 100 })).toBeNull();
  });

  it('falls as the arms grow', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.5, noNaN: true }), fc.integer({ min: 200, max: 20_000 }), (p, n) => {
        const small = smallestDetectableLift({ baseline: p, controlAssigned: n, variantAssigned: n });
        const large = smallestDetectableLift({ baseline: p, controlAssigned: 4 * n, variantAssigned: 4 * n });
        if (small === null) return;
        expect(large).not.toBeNull();
        expect(large as number).toBeLessThan(small);
      }),
    );
  });
});
