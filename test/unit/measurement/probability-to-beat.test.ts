import betaln from '@stdlib/math-base-special-betaln';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  probabilityToBeat,
  probabilityToBeatControl,
  type BetaShape,
} from '../../../shared/measurement/probability-to-beat.js';

/**
 * P(p_B > p_A) = ∫ f_B(x) F_A(x) dx, an independent check of Miller's closed form: F_A is
 * accumulated with Simpson's rule per step, the outer integral with the trapezoid rule. The grid
 * spans only where either density has mass (means ± 40 standard deviations, within [0, 1]), so
 * peaked posteriors get thousands of points per standard deviation; the error is then < 1e-7.
 */
function integrated(a: BetaShape, b: BetaShape, intervals = 1 << 16): number {
  const [lower, upper] = [a, b]
    .map((shape) => {
      const n = shape.alpha + shape.beta;
      const mean = shape.alpha / n;
      const sd = Math.sqrt((mean * (1 - mean)) / (n + 1));
      return [Math.max(0, mean - 40 * sd), Math.min(1, mean + 40 * sd)] as const;
    })
    .reduce(([lo1, hi1], [lo2, hi2]) => [Math.min(lo1, lo2), Math.max(hi1, hi2)]);
  const h = (upper - lower) / intervals;
  const density = (shape: BetaShape): ((x: number) => number) => {
    const logNormalizer = betaln(shape.alpha, shape.beta);
    return (x) => {
      const logLeft = shape.alpha === 1 ? 0 : (shape.alpha - 1) * Math.log(x);
      const logRight = shape.beta === 1 ? 0 : (shape.beta - 1) * Math.log1p(-x);
      return Math.exp(logLeft + logRight - logNormalizer);
    };
  };
  const densityA = density(a);
  const densityB = density(b);
  let cdfA = 0; // the mass of A below `lower` is negligible by the choice of the range
  let previousA = densityA(lower);
  let previousTerm = 0;
  let total = 0;
  for (let i = 1; i <= intervals; i++) {
    const x = lower + i * h;
    const currentA = densityA(x);
    cdfA += ((previousA + 4 * densityA(x - h / 2) + currentA) * h) / 6;
    const term = densityB(x) * cdfA;
    total += ((previousTerm + term) * h) / 2;
    previousA = currentA;
    previousTerm = term;
  }
  return total;
}

describe('probabilityToBeat', () => {
  it('gives P(Beta(3, 4) > Beta(1, 2)) = 9/14 with A = Beta(1, 2) first and B = Beta(3, 4) second', () => {
    // 1 − E[(1 − p_B)²] for F_A(x) = 1 − (1 − x)², and 1 − p_B ~ Beta(4, 3): 1 − (4·5)/(7·8) = 9/14.
    const probability = probabilityToBeat({ alpha: 1, beta: 2 }, { alpha: 3, beta: 4 });

    expect(probability).toBeCloseTo(9 / 14, 14);
  });

  it('gives the complement, 5/14, with the arguments the other way round', () => {
    expect(probabilityToBeat({ alpha: 3, beta: 4 }, { alpha: 1, beta: 2 })).toBeCloseTo(5 / 14, 14);
  });

  it.each([
    { alpha: 1, beta: 1 },
    { alpha: 3, beta: 40 },
    { alpha: 40, beta: 3 },
    { alpha: 501, beta: 9_501 },
  ])('gives 0.5 for two copies of Beta($alpha, $beta)', (shape) => {
    expect(probabilityToBeat(shape, { ...shape })).toBeCloseTo(0.5, 12);
  });

  it('gives 1 − E[p_A] when B is uniform (each of the four summation forms reaches this case)', () => {
    // For U uniform, P(U > p_A) = E[1 − p_A] = 1 − α/(α + β) = 0.6 for Beta(200, 300).
    expect(probabilityToBeat({ alpha: 200, beta: 300 }, { alpha: 1, beta: 1 })).toBeCloseTo(0.6, 12);
    expect(probabilityToBeat({ alpha: 1, beta: 1 }, { alpha: 200, beta: 300 })).toBeCloseTo(0.4, 12);
    expect(probabilityToBeat({ alpha: 300, beta: 200 }, { alpha: 1, beta: 1 })).toBeCloseTo(0.4, 12);
    expect(probabilityToBeat({ alpha: 1, beta: 1 }, { alpha: 300, beta: 200 })).toBeCloseTo(0.6, 12);
  });

  it.each([
    // Expected values also from scipy 1.17 (quad of beta.pdf · beta.cdf) to 1e-13.
    { a: { alpha: 1, beta: 1_000 }, b: { alpha: 30, beta: 1_000 }, expected: 0.999999998846044 },
    { a: { alpha: 2, beta: 5_000 }, b: { alpha: 3, beta: 4_000 }, expected: 0.7658405861760107 },
    { a: { alpha: 501, beta: 9_501 }, b: { alpha: 601, beta: 9_401 }, expected: 0.9990391967399436 },
    { a: { alpha: 6, beta: 79 }, b: { alpha: 13, beta: 88 }, expected: 0.9135485984224248 },
  ])(
    'agrees with numeric integration for Beta($a.alpha, $a.beta) against Beta($b.alpha, $b.beta)',
    ({ a, b, expected }) => {
      const probability = probabilityToBeat(a, b);

      expect(Math.abs(probability - integrated(a, b))).toBeLessThan(1e-7);
      expect(probability).toBeCloseTo(expected, 12);
    },
  );

  it('stays exact with counts in the hundreds of thousands', () => {
    // scipy 1.17: quad over ±12 sd of B gives 0.9993792806077678.
    const probability = probabilityToBeat({ alpha: 50_001, beta: 950_001 }, { alpha: 51_001, beta: 949_001 });

    expect(probability).toBeCloseTo(0.9993792806077678, 11);
  });

  it('rejects shapes that are not whole numbers ≥ 1', () => {
    expect(() => probabilityToBeat({ alpha: 0.5, beta: 2 }, { alpha: 1, beta: 1 })).toThrow(
      /a needs whole-number shapes ≥ 1, got Beta\(0.5, 2\)/,
    );
  });

  const shape = fc.record({ alpha: fc.integer({ min: 1, max: 60 }), beta: fc.integer({ min: 1, max: 60 }) });

  it('adds up to 1 with the reverse comparison (ties have probability 0)', () => {
    fc.assert(
      fc.property(
        fc.record({ alpha: fc.integer({ min: 1, max: 5_000 }), beta: fc.integer({ min: 1, max: 5_000 }) }),
        fc.record({ alpha: fc.integer({ min: 1, max: 5_000 }), beta: fc.integer({ min: 1, max: 5_000 }) }),
        (a, b) => {
          expect(probabilityToBeat(a, b) + probabilityToBeat(b, a)).toBeCloseTo(1, 12);
        },
      ),
    );
  });

  it('agrees with numeric integration for any small shapes, whichever summation form it picks', () => {
    fc.assert(
      fc.property(shape, shape, (a, b) => {
        expect(Math.abs(probabilityToBeat(a, b) - integrated(a, b, 1 << 14))).toBeLessThan(1e-5);
      }),
      { numRuns: 40 },
    );
  });
});

describe('probabilityToBeatControl', () => {
  it('uses uniform priors: Beta(1 + conversions, 1 + non-conversions) per arm', () => {
    const probability = probabilityToBeatControl({ conversions: 5, assigned: 83 }, { conversions: 12, assigned: 99 });

    expect(probability).toBe(probabilityToBeat({ alpha: 6, beta: 79 }, { alpha: 13, beta: 88 }));
  });

  it('gives 0.5 when neither arm has anyone assigned yet', () => {
    expect(probabilityToBeatControl({ conversions: 0, assigned: 0 }, { conversions: 0, assigned: 0 })).toBe(0.5);
  });
});
