import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { powerToDetect, sampleSizeFor } from '../../../shared/measurement/power.js';

describe('sampleSizeFor', () => {
  it('needs 3,841 per arm to detect 10 % → 12 % at α = 0.05 with 80 % power (R: power.prop.test gives n = 3840.847)', () => {
    expect(sampleSizeFor(0.1, 0.02)).toBe(3841);
  });

  it('needs 388 per arm to detect 50 % → 60 % (R: power.prop.test(p1 = 0.5, p2 = 0.6, power = 0.8) gives n = 387.3)', () => {
    expect(sampleSizeFor(0.5, 0.1)).toBe(388);
  });

  it('needs more customers for more power and a stricter α', () => {
    const base = sampleSizeFor(0.1, 0.02);

    expect(sampleSizeFor(0.1, 0.02, 0.05, 0.9)).toBeGreaterThan(base);
    expect(sampleSizeFor(0.1, 0.02, 0.01, 0.8)).toBeGreaterThan(base);
  });

  it('looks for a drop when baseline + MDE would pass 100 %', () => {
    expect(sampleSizeFor(0.99, 0.02)).toBe(sampleSizeFor(0.01, 0.02));
  });

  it('rejects an MDE that leaves [0, 1] both ways from the baseline', () => {
    expect(() => sampleSizeFor(0.5, 0.6)).toThrow(/leaves \[0, 1\] in both directions/);
  });
});

describe('powerToDetect', () => {
  it('reaches 80 % at the sample size sampleSizeFor gives, and not one customer earlier', () => {
    const at = (n: number): number =>
      powerToDetect({ baseline: 0.1, minimumDetectableEffect: 0.02, controlAssigned: n, variantAssigned: n });

    expect(at(3841)).toBeGreaterThanOrEqual(0.8);
    expect(at(3840)).toBeLessThan(0.8);
    expect(at(3841)).toBeCloseTo(0.8, 4);
  });

  it('gives about α when the arms are tiny', () => {
    const power = powerToDetect({
      baseline: 0.1,
      minimumDetectableEffect: 0.02,
      controlAssigned: 10,
      variantAssigned: 10,
    });

    expect(power).toBeGreaterThan(0.05);
    expect(power).toBeLessThan(0.07);
  });

  it('rejects an empty arm, naming it', () => {
    expect(() =>
      powerToDetect({ baseline: 0.1, minimumDetectableEffect: 0.02, controlAssigned: 100, variantAssigned: 0 }),
    ).toThrow(/variantAssigned must be a whole number ≥ 1/);
  });

  it('lies in [0, 1] and grows when both arms double', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.double({ min: 0.001, max: 0.1, noNaN: true }),
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 1, max: 200_000 }),
        (baseline, minimumDetectableEffect, controlAssigned, variantAssigned) => {
          const power = powerToDetect({ baseline, minimumDetectableEffect, controlAssigned, variantAssigned });
          const doubled = powerToDetect({
            baseline,
            minimumDetectableEffect,
            controlAssigned: 2 * controlAssigned,
            variantAssigned: 2 * variantAssigned,
          });
          expect(power).toBeGreaterThanOrEqual(0);
          expect(power).toBeLessThanOrEqual(1);
          expect(doubled).toBeGreaterThanOrEqual(power);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
