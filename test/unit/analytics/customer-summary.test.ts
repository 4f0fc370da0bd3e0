import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dayOfDate } from '../../../shared/analytics/calendar-day.js';
import {
  distinctTriplets,
  repeatSpendOf,
  summarizeCustomers,
  tripletsOf,
  type CustomerSummaries,
} from '../../../shared/analytics/customer-summary.js';
import { readTransactionsCsv } from '../../../shared/analytics/transactions-csv.js';

const day = (text: string): number => {
  const parsed = dayOfDate(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.day;
};

describe('summarizeCustomers on CDNOW (calibration to 1997-09-30, weeks)', () => {
  let summaries: CustomerSummaries;
  beforeAll(async () => {
    const { transactions } = await readTransactionsCsv('../shared/data/cdnow_sample.transactions.csv');
    summaries = summarizeCustomers(transactions, { calibrationEnd: day('1997-09-30'), period: 'week' });
  });

  it("equals lifetimes' cdnow_customers_summary.csv for all 2,357 customers", () => {
    // Prepare: lifetimes prints recency and T with two decimals.
    const reference = readFileSync('../shared/data/cdnow_customers_summary.csv', 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));

    // Act
    const ours = new Map(summaries.customers.map((c) => [c.customerId, [c.x, c.tx.toFixed(2), c.T.toFixed(2)]]));

    // Assess
    expect(reference).toHaveLength(2_357);
    expect(summaries.customers).toHaveLength(2_357);
    for (const [id, frequency, recency, T] of reference) {
      expect([id, ...(ours.get(id ?? '') ?? [])]).toEqual([
        id,
        Number(frequency),
        Number(recency).toFixed(2),
        Number(T).toFixed(2),
      ]);
    }
  });

  it('counts 2,457 repeat transactions over 946 repeat customers', () => {
    const triplets = tripletsOf(summaries);

    expect([triplets.repeatTransactions, triplets.repeatCustomers, triplets.customers]).toEqual([2_457, 946, 2_357]);
    expect(Array.from(triplets.weight).reduce((sum, w) => sum + w, 0)).toBe(2_357);
    expect(triplets.length).toBeLessThan(2_357);
  });
});

describe('summarizeCustomers conventions', () => {
  const rows = [
    { customerId: 'c', day: day('2024-01-01'), amount: 10 },
    { customerId: 'c', day: day('2024-01-01'), amount: 5 },
    { customerId: 'c', day: day('2024-01-08'), amount: 20 },
    { customerId: 'c', day: day('2024-01-08'), amount: 4 },
    { customerId: 'c', day: day('2024-01-15'), amount: 30 },
    { customerId: 'c', day: day('2024-01-20'), amount: 99 },
    { customerId: 'late', day: day('2024-01-20'), amount: 1 },
  ];

  it('merges same-day purchases, measures t_x and T in weeks to the end date without +1', () => {
    const { customers } = summarizeCustomers(rows, { calibrationEnd: day('2024-01-15'), period: 'week' });

    expect(customers).toEqual([expect.objectContaining({ customerId: 'c', x: 2, txDays: 14, TDays: 14, tx: 2, T: 2 })]);
  });

  it('takes m_x as the mean of the repeat days’ sums, without the first purchase', () => {
    const [customer] = summarizeCustomers(rows, { calibrationEnd: day('2024-01-15'), period: 'week' }).customers;

    expect(customer?.monetary).toBe((24 + 30) / 2);
  });

  it('counts distinct purchase days in the holdout period', () => {
    const { customers } = summarizeCustomers(rows, {
      calibrationEnd: day('2024-01-08'),
      holdoutEnd: day('2024-01-31'),
      period: 'day',
    });

    expect(customers).toEqual([expect.objectContaining({ customerId: 'c', x: 1, tx: 7, T: 7, holdoutPurchases: 2 })]);
  });

  it('leaves x = 0 customers out of the spend data', () => {
    const summaries = summarizeCustomers([...rows, { customerId: 'once', day: day('2024-01-02'), amount: 3 }], {
      calibrationEnd: day('2024-01-15'),
      period: 'week',
    });

    const spend = repeatSpendOf(summaries);

    expect([spend.customers, Array.from(spend.x), Array.from(spend.monetary)]).toEqual([1, [2], [27]]);
  });
});

describe('distinctTriplets', () => {
  it('weights each distinct (x, t_x, T) by the customers sharing it, sorted by x', () => {
    const triplets = distinctTriplets([1, 0, 1, 0], [7, 0, 7, 0], [14, 21, 14, 21], 'week');

    expect({
      x: Array.from(triplets.x),
      tx: Array.from(triplets.tx),
      T: Array.from(triplets.T),
      weight: Array.from(triplets.weight),
    }).toEqual({ x: [0, 1], tx: [0, 1], T: [3, 2], weight: [2, 2] });
    expect(triplets.spanDays).toBe(21);
  });

  it('rejects t_x beyond T', () => {
    expect(() => distinctTriplets([1], [9], [8], 'day')).toThrow(RangeError);
  });
});
