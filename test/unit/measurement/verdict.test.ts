import { describe, expect, it } from 'vitest';
import { verdictFor } from '../../../shared/measurement/verdict.js';

const big = { assigned: 5000, conversions: 500 };

describe('verdictFor', () => {
  it('calls a significant variant that converts better the winner', () => {
    expect(
      verdictFor({ control: big, variant: { assigned: 5000, conversions: 600 }, z: -3.1, adjustedPValue: 0.002 }),
    ).toBe('winner');
  });

  it('calls a significant variant that converts worse the loser', () => {
    expect(
      verdictFor({ control: big, variant: { assigned: 5000, conversions: 400 }, z: 3.1, adjustedPValue: 0.002 }),
    ).toBe('loser');
  });

  it('is inconclusive at an adjusted p of exactly α', () => {
    expect(verdictFor({ control: big, variant: big, z: -1.96, adjustedPValue: 0.05 })).toBe('inconclusive');
  });

  it('uses the α it is given', () => {
    expect(verdictFor({ control: big, variant: big, z: -2.2, adjustedPValue: 0.03, alpha: 0.01 })).toBe('inconclusive');
  });

  it('never calls an early winner: 99 assigned customers in an arm is not enough data, however small p is', () => {
    const verdict = verdictFor({
      control: big,
      variant: { assigned: 99, conversions: 60 },
      z: -12,
      adjustedPValue: 1e-30,
    });

    expect(verdict).toBe('not_enough_data');
  });

  it('needs 10 conversions in control and variant together', () => {
    const control = { assigned: 1000, conversions: 0 };

    expect(verdictFor({ control, variant: { assigned: 1000, conversions: 9 }, z: -3, adjustedPValue: 0.002 })).toBe(
      'not_enough_data',
    );
    expect(verdictFor({ control, variant: { assigned: 1000, conversions: 10 }, z: -3.2, adjustedPValue: 0.001 })).toBe(
      'winner',
    );
  });

  it('judges an arm of exactly 100 assigned customers', () => {
    expect(
      verdictFor({
        control: { assigned: 100, conversions: 5 },
        variant: { assigned: 100, conversions: 20 },
        z: -3.1,
        adjustedPValue: 0.002,
      }),
    ).toBe('winner');
  });
});
