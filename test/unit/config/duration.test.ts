import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { durationMsSchema, durationSchema, parseDuration, tryParseDuration } from '../../../shared/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['1w', 604_800_000],
  ])('reads %s as %d ms', (text, ms) => {
    // Act
    const parsed = parseDuration(text);
    // Assess
    expect(parsed).toBe(ms);
  });

  it.each(['', '7', 'd', '0d', '-1d', '1.5h', '7 days', '7D', '1y'])('refuses %j', (text) => {
    // Act
    const parsed = tryParseDuration(text);
    // Assess
    expect(parsed).toBeUndefined();
    expect(() => parseDuration(text)).toThrow(/is not a duration: expected a duration such as "30m"/);
  });

  it('reads every amount and unit it accepts as amount × unit', () => {
    const units = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999 }),
        fc.constantFrom(...(Object.keys(units) as (keyof typeof units)[])),
        (amount, unit) => {
          expect(parseDuration(`${amount}${unit}`)).toBe(amount * units[unit]);
        },
      ),
    );
  });
});

describe('duration schemas', () => {
  it('keeps the text in durationSchema and gives milliseconds in durationMsSchema', () => {
    // Act
    const text = durationSchema.parse('2h');
    const ms = durationMsSchema.parse('2h');
    // Assess
    expect(text).toBe('2h');
    expect(ms).toBe(7_200_000);
  });

  it('explains the expected form when given a number', () => {
    // Act
    const result = durationSchema.safeParse(7);
    // Assess
    expect(result.error?.issues[0]?.message).toBe('expected a duration such as "30m", "2h", "7d" or "1w"');
  });
});
