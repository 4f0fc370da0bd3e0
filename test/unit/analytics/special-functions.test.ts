import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hyp2f1, hyp2f1Series, logGamma } from '../../../shared/analytics/special-functions.js';

describe('hyp2f1', () => {
  it('equals −ln(1−z)/z for (1, 1; 2; z)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 0.999, noNaN: true }), (z) => {
        expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 9);
      }),
    );
  });

  it('equals (1−z)^(−a) for (a, b; b; z)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 20, noNaN: true }),
        fc.double({ min: 0.1, max: 20, noNaN: true }),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        (a, b, z) => {
          expect(hyp2f1(a, b, b, z) / (1 - z) ** -a).toBeCloseTo(1, 9);
        },
      ),
    );
  });

  it('agrees with the plain series when it takes the Euler transform', () => {
    // |ab| = 978 ≫ |(c−a)(c−b)| = 2.4, so hyp2f1 sums the transformed series.
    expect(hyp2f1(30.2, 32.4, 33.2, 0.3) / hyp2f1Series(30.2, 32.4, 33.2, 0.3)).toBeCloseTo(1, 12);
  });

  it('refuses z outside [0, 1)', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });
});

describe('logGamma', () => {
  it('gives ln Γ(n) = ln (n−1)! for whole numbers', () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 12);
  });
});
