import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../../shared/measurement/wilson-interval.js';

describe('wilsonInterval', () => {
  it.each([
    // Newcombe (1998), Statistics in Medicine 17, Table I, method 3 (Wilson score, no continuity correction).
    { conversions: 81, assigned: 263, lower: 0.2553, upper: 0.3662 },
    { conversions: 15, assigned: 148, lower: 0.0624, upper: 0.1605 },
    { conversions: 0, assigned: 20, lower: 0, upper: 0.1611 },
    { conversions: 1, assigned: 29, lower: 0.0061, upper: 0.1718 },
  ])('reproduces Newcombe’s Table I for $conversions/$assigned', ({ conversions, assigned, lower, upper }) => {
    const interval = wilsonInterval({ conversions, assigned });

    expect(interval.lower).toBeCloseTo(lower, 4);
    expect(interval.upper).toBeCloseTo(upper, 4);
  });

  it('matches the hand-computed interval for 5 of 83', () => {
    // (2x + z² ∓ z√(z² + 4x(n − x)/n)) / (2(n + z²)) with x = 5, n = 83, evaluated with Python's
    // decimal module at 40 digits: 0.02600340104188201…, 0.13338428093238414…
    const interval = wilsonInterval({ conversions: 5, assigned: 83 });

    expect(interval.rate).toBe(5 / 83);
    expect(interval.lower).toBeCloseTo(0.02600340104188201, 15);
    expect(interval.upper).toBeCloseTo(0.13338428093238414, 15);
  });

  it('gives z²/(n + z²) as the upper bound when nobody converted', () => {
    const z2 = 1.959963984540054 ** 2;

    const interval = wilsonInterval({ conversions: 0, assigned: 10 });

    expect(interval).toEqual({ rate: 0, lower: 0, upper: expect.closeTo(z2 / (10 + z2), 15) as number });
  });

  it('is narrower at 90 % than at 95 % confidence', () => {
    const at95 = wilsonInterval({ conversions: 30, assigned: 200 });
    const at90 = wilsonInterval({ conversions: 30, assigned: 200 }, 0.9);

    expect(at90.lower).toBeGreaterThan(at95.lower);
    expect(at90.upper).toBeLessThan(at95.upper);
  });

  it('rejects an arm with nobody assigned', () => {
    expect(() => wilsonInterval({ conversions: 0, assigned: 0 })).toThrow(/at least one assigned/);
  });

  it('rejects more conversions than customers', () => {
    expect(() => wilsonInterval({ conversions: 12, assigned: 5 })).toThrow(
      /conversions \(12\) exceed assigned customers \(5\)/,
    );
  });

  it('always lies in [0, 1] and contains the observed rate', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 10_000_000 })
          .chain((assigned) => fc.tuple(fc.constant(assigned), fc.integer({ min: 0, max: assigned }))),
        ([assigned, conversions]) => {
          const { rate, lower, upper } = wilsonInterval({ conversions, assigned });
          expect(0).toBeLessThanOrEqual(lower);
          expect(lower).toBeLessThanOrEqual(rate);
          expect(rate).toBeLessThanOrEqual(upper);
          expect(upper).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
