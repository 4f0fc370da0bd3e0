import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochMs } from '../../../shared/segments/timestamp.js';

describe('epochMs', () => {
  it('agrees with Date.parse on every toISOString output', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
        // Prepare
        const text = new Date(ms).toISOString();
        // Act / Assess
        expect(epochMs(text)).toBe(Date.parse(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with Date.parse on near-ISO text, valid or not', () => {
    const field = (max: number, width: number) =>
      fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, '0'));
    fc.assert(
      fc.property(
        fc.tuple(
          field(2999, 4),
          field(14, 2),
          field(33, 2),
          field(25, 2),
          field(61, 2),
          field(61, 2),
          fc.option(field(999, 3), { nil: undefined }),
        ),
        ([year, month, day, hour, minute, second, millis]) => {
          // Prepare
          const text = `${year}-${month}-${day}T${hour}:${minute}:${second}${millis === undefined ? '' : `.${millis}`}Z`;
          // Act / Assess
          expect(Object.is(epochMs(text), Date.parse(text))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each([
    '2026-05-10T12:00:00+03:00',
    '2026-05-10',
    'yesterday',
    '',
    '2026-05-10T12:00:00.5Z',
    '2026-0a-10T12:00:00Z',
  ])('leaves %j to Date.parse', (text) => {
    // Act / Assess
    expect(Object.is(epochMs(text), Date.parse(text))).toBe(true);
  });
});
