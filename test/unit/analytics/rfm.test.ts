import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compareCustomerIds,
  computeRfm,
  quantileEdges,
  quintileScores,
  RFM_SEGMENTS,
  rfmSegment,
  type RfmOrderRow,
  type Score,
} from '../../../shared/analytics/rfm.js';
import { readTransactionsCsv } from '../../../shared/analytics/transactions-csv.js';

const AS_OF = 20_000;

/** One order per row, `daysAgo` before the as-of day. */
function order(customerId: string, daysAgo: number, amount: number, orderId?: string): RfmOrderRow {
  return { customerId, day: AS_OF - daysAgo, amount, ...(orderId === undefined ? {} : { orderId }) };
}

describe('quintile cuts (pandas.qcut semantics)', () => {
  it('interpolates the edges linearly between order statistics', () => {
    // Hand computation for 0 1 2 3 5 8 13 21 34 55 (n = 10, position = q·9):
    // 20% → 1.8 (1 + .8·1), 40% → 4.2 (3 + .6·2), 60% → 10 (8 + .4·5), 80% → 23.6 (21 + .2·13).
    const edges = quantileEdges(Float64Array.from([0, 1, 2, 3, 5, 8, 13, 21, 34, 55]));

    expect(edges.map((edge) => Number(edge.toFixed(9)))).toEqual([0, 1.8, 4.2, 10, 23.6, 55]);
  });

  it('closes bins on the right and includes the lowest edge', () => {
    // Edges of 1..6 are 1, 2, 3, 4, 5, 6: 2 falls in (1, 2], i.e. bin 1, with 1 (the lowest edge).
    const { scores, cut } = quintileScores(Float64Array.from([1, 2, 3, 4, 5, 6]), 'value');

    expect(cut).toBe('value');
    expect(Array.from(scores)).toEqual([1, 1, 2, 3, 4, 5]);
  });

  it('cuts on rank, ties in input order, when value edges repeat', () => {
    // 20% and 40% quantiles of 7 7 7 7 7 9 are both 7: pandas would raise, we rank instead.
    const { scores, cut } = quintileScores(Float64Array.from([7, 7, 7, 7, 7, 9]), 'value');

    expect(cut).toBe('rank');
    expect(Array.from(scores)).toEqual([1, 1, 2, 3, 4, 5]);
  });

  it('gives every score to about a fifth of the customers on a rank cut (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 5, maxLength: 300 }), (values) => {
        const { scores } = quintileScores(Float64Array.from(values), 'rank');

        for (const score of [1, 2, 3, 4, 5]) {
          const count = scores.filter((s) => s === score).length;
          expect(Math.abs(count - values.length / 5)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});

describe('rfmSegment', () => {
  it('maps every R×F cell to DESIGN’s table', () => {
    const grid = [1, 2, 3, 4, 5].map((r) => [1, 2, 3, 4, 5].map((f) => rfmSegment(r as Score, f as Score)));

    expect(grid).toEqual([
      ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
      ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
      ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal_customers', 'loyal_customers'],
      ['promising', 'potential_loyalists', 'potential_loyalists', 'loyal_customers', 'loyal_customers'],
      ['new_customers', 'potential_loyalists', 'potential_loyalists', 'champions', 'champions'],
    ]);
  });
});

describe('computeRfm', () => {
  it('counts whole days since the last order, distinct orders and the revenue sum', () => {
    const rows = [order('a', 10, 5, 'o1'), order('a', 3, 7, 'o2'), order('a', 3, 1, 'o2'), order('a', 1, 2)];

    const [customer] = computeRfm(rows, AS_OF).customers;

    expect(customer).toMatchObject({ customerId: 'a', recency: 1, frequency: 3, monetary: 15 });
  });

  it('does not count rows with amount ≤ 0 or after the as-of date as orders', () => {
    const rows = [order('a', 10, 5), order('a', 2, 0), order('a', -3, 9), order('b', 4, 0)];

    const { customers } = computeRfm(rows, AS_OF);

    expect(customers).toEqual([expect.objectContaining({ customerId: 'a', recency: 10, frequency: 1, monetary: 5 })]);
  });

  it('breaks frequency ties by customer id in numeric order', () => {
    // Everyone bought once: ranks follow ids 1, 2, 3, 10, 20 (not "1", "10", "2", …).
    const rows = ['3', '20', '1', '10', '2'].map((id) => order(id, 5, 10));

    const { customers } = computeRfm(rows, AS_OF);

    expect(customers.map((c) => [c.customerId, c.f])).toEqual([
      ['1', 1],
      ['2', 2],
      ['3', 3],
      ['10', 4],
      ['20', 5],
    ]);
  });

  it('reverses recency: the most recent buyers score 5', () => {
    const rows = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55].map((daysAgo, i) => order(String(i), daysAgo, 10 + i));

    const { customers, cuts } = computeRfm(rows, AS_OF);

    expect(cuts.recency).toBe('value');
    expect(customers.map((c) => c.r)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  });

  it('counts every segment, all ten keys present', () => {
    const rows = [order('1', 1, 10), order('1', 2, 10), order('2', 300, 5)];

    const { segments } = computeRfm(rows, AS_OF);

    expect(Object.keys(segments)).toEqual([...RFM_SEGMENTS]);
    expect(Object.values(segments).reduce((sum, n) => sum + n, 0)).toBe(2);
  });

  it('puts about a fifth of the Online Retail 2010-2011 customers in each monetary quintile', async () => {
    const { transactions } = await readTransactionsCsv('../shared/data/online_retail_2010_2011.transactions.csv');

    const { customers, cuts } = computeRfm(transactions, AS_OF_RETAIL);

    // README: 4,338 distinct customers after the filter.
    expect(customers).toHaveLength(4_338);
    expect(cuts.monetary).toBe('value');
    for (const score of [1, 2, 3, 4, 5]) {
      expect(Math.abs(customers.filter((c) => c.m === score).length - 4_338 / 5)).toBeLessThan(10);
    }
  });
});

// 2011-12-10, the day after the last invoice.
const AS_OF_RETAIL = Date.UTC(2011, 11, 10) / 86_400_000;

describe('compareCustomerIds', () => {
  it('orders numeric ids numerically, before the others', () => {
    expect(['b', '10', '9', 'a', '100'].sort(compareCustomerIds)).toEqual(['9', '10', '100', 'a', 'b']);
  });
});
