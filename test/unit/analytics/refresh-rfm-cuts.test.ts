/** RFM cut points: scoring one customer at a time gives exactly the scores rfm.ts gives the whole population. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeRfm, type RfmOrderRow } from '../../../shared/analytics/rfm.js';
import { fitRfmCuts, scoreRfm } from '../../../shared/analytics/refresh/rfm-cuts.js';

const AS_OF = 100;

// Few distinct values, so ties and repeated value edges (the rank fallback) are common.
const rows = fc.array(
  fc.record({
    customerId: fc.oneof(fc.integer({ min: 1, max: 40 }).map(String), fc.constantFrom('a', 'b', 'zed', 'x-1', '007')),
    day: fc.integer({ min: 80, max: AS_OF }),
    amount: fc.constantFrom(5, 10, 10, 20, 35.5),
  }),
  { minLength: 1, maxLength: 120 },
);

describe('RFM cut points', () => {
  it('score every customer as computeRfm does, segment included', () => {
    fc.assert(
      fc.property(rows, (orders: RfmOrderRow[]) => {
        // Prepare
        const expected = computeRfm(orders, AS_OF);
        const inputs = expected.customers.map(({ customerId, recency, frequency, monetary }) => ({
          id: customerId,
          recency,
          frequency,
          monetary,
        }));

        // Act
        const cuts = fitRfmCuts([...inputs].reverse());
        const scored = inputs.map((input) => scoreRfm(cuts, input));

        // Assess
        expect(scored).toEqual(expected.customers.map(({ r, f, m, segment }) => ({ r, f, m, segment })));
        expect(cuts.segments).toEqual(expected.segments);
      }),
      { numRuns: 300 },
    );
  });

  it('record which dimensions fell back to a rank cut', () => {
    // Prepare: every monetary value equal, so its value edges repeat.
    const inputs = Array.from({ length: 10 }, (_, i) => ({
      id: String(i + 1),
      recency: i,
      frequency: 1 + (i % 3),
      monetary: 50,
    }));

    // Act
    const cuts = fitRfmCuts(inputs);

    // Assess
    expect([cuts.recency.basis, cuts.frequency.basis, cuts.monetary.basis]).toEqual(['value', 'rank', 'rank']);
  });

  it('put a value above every threshold in the top score', () => {
    // Prepare
    const inputs = Array.from({ length: 10 }, (_, i) => ({
      id: String(i + 1),
      recency: i * 3,
      frequency: i + 1,
      monetary: 10 * (i + 1),
    }));
    const cuts = fitRfmCuts(inputs);

    // Act
    const scored = scoreRfm(cuts, { id: '99', recency: 0, frequency: 500, monetary: 1e6 });

    // Assess
    expect(scored).toEqual({ r: 5, f: 5, m: 5, segment: 'champions' });
  });
});
