import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseTransactionsCsv,
  readTransactionsCsv,
  TransactionsFileError,
} from '../../../shared/analytics/transactions-csv.js';
import { dayOfDate, dayOfTimestamp, formatDay } from '../../../shared/analytics/calendar-day.js';

describe('parseTransactionsCsv', () => {
  it('reads rows with and without order ids, keeping line numbers and calendar days', async () => {
    // Prepare
    const text = 'customer_id,timestamp,amount,order_id\n7,2024-03-01,12.50,A-1\n8,2024-03-02T23:30:00+03:00,0,\n';

    // Act
    const { transactions, errors } = await parseTransactionsCsv(text);

    // Assess
    expect(errors).toEqual([]);
    expect(transactions).toEqual([
      { customerId: '7', timestamp: '2024-03-01', day: dayOfIso('2024-03-01'), amount: 12.5, orderId: 'A-1', line: 2 },
      { customerId: '8', timestamp: '2024-03-02T23:30:00+03:00', day: dayOfIso('2024-03-02'), amount: 0, line: 3 },
    ]);
  });

  it('numbers lines right when a file mixes CRLF and LF endings', async () => {
    // Act
    const { transactions, errors } = await parseTransactionsCsv(
      'customer_id,timestamp,amount\n1,2024-01-01,5\r\n2,2024-01-02,x\n3,2024-01-03,7\r\n',
    );

    // Assess
    expect(transactions.map((row) => [row.customerId, row.line])).toEqual([
      ['1', 2],
      ['3', 4],
    ]);
    expect(errors.map((error) => error.line)).toEqual([3]);
  });

  it('finds the columns by header name in any order and ignores extra columns', async () => {
    const { transactions } = await parseTransactionsCsv(
      'amount,note,customer_id,timestamp\n3.5,x,c1,2024-01-31 10:00:00\n',
    );

    expect(transactions).toEqual([
      { customerId: 'c1', timestamp: '2024-01-31 10:00:00', day: dayOfIso('2024-01-31'), amount: 3.5, line: 2 },
    ]);
  });

  it('skips bad rows with their line and reason and keeps the good ones', async () => {
    // Prepare
    const text = [
      'customer_id,timestamp,amount',
      '1,2024-02-30,5',
      ',2024-01-01,5',
      '3,2024-01-01,-2',
      '4,2024-01-01,12abc',
      '5,yesterday,1',
      '6,2024-01-01,1',
    ].join('\n');

    // Act
    const { transactions, errors } = await parseTransactionsCsv(text);

    // Assess
    expect(transactions.map((t) => t.customerId)).toEqual(['6']);
    expect(errors).toEqual([
      { line: 2, reason: expect.stringContaining('not a calendar date') },
      { line: 3, reason: 'customer_id is empty' },
      { line: 4, reason: expect.stringContaining('negative') },
      { line: 5, reason: expect.stringContaining('not a number') },
      { line: 6, reason: expect.stringContaining('not an ISO date') },
    ]);
  });

  it('rejects an empty file with a clear error', async () => {
    await expect(parseTransactionsCsv('')).rejects.toThrow(
      new TransactionsFileError('the file is empty: expected a header customer_id,timestamp,amount[,order_id]'),
    );
  });

  it('rejects a file without a header line, quoting what it found', async () => {
    await expect(parseTransactionsCsv('1,2024-01-01,5\n')).rejects.toThrow(
      /line 1 must be the header customer_id,timestamp,amount\[,order_id\], found "1,2024-01-01,5"/,
    );
  });

  it('names a required column the header lacks', async () => {
    await expect(parseTransactionsCsv('customer_id,timestamp,price\n1,2024-01-01,5\n')).rejects.toThrow(
      /lacks column amount/,
    );
  });

  it('reads back any valid rows it is given (property)', async () => {
    const row = fc.record({
      customerId: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
      day: fc.integer({ min: 0, max: 40_000 }),
      cents: fc.integer({ min: 0, max: 10_000_000 }),
      orderId: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 30 }), async (rows) => {
        const text = [
          'customer_id,timestamp,amount,order_id',
          ...rows.map((r) => `${r.customerId},${formatDay(r.day)},${(r.cents / 100).toFixed(2)},${r.orderId ?? ''}`),
        ].join('\n');

        const { transactions, errors } = await parseTransactionsCsv(text);

        expect(errors).toEqual([]);
        expect(transactions.map((t) => [t.customerId, t.day, Math.round(t.amount * 100), t.orderId])).toEqual(
          rows.map((r) => [r.customerId, r.day, r.cents, r.orderId]),
        );
      }),
      { numRuns: 50 },
    );
  });

  it('parses the Online Retail transactions file (its speed is a bench figure, not a test)', async () => {
    const { transactions, errors } = await readTransactionsCsv(
      '../shared/data/online_retail_2009_2010.transactions.csv',
    );

    expect(errors).toEqual([]);
    expect(transactions).toHaveLength(19_213);
  });
});

describe('calendar days', () => {
  it("counts an instant on its date in the shop's time zone", () => {
    // 23:30 at -11:00 is 10:30 UTC on the 3rd: the 3rd in UTC and in Istanbul alike.
    expect(dayOfTimestamp('2024-03-02T23:30:00-11:00', 'UTC')).toEqual({ ok: true, day: dayOfIso('2024-03-03') });
    // 22:30 UTC is 01:30 the next day in Istanbul (+03:00).
    expect(dayOfTimestamp('2024-03-02T22:30:00Z', 'Europe/Istanbul')).toEqual({
      ok: true,
      day: dayOfIso('2024-03-03'),
    });
    expect(dayOfTimestamp('2024-03-02T22:30:00Z', 'UTC')).toEqual({ ok: true, day: dayOfIso('2024-03-02') });
  });

  it("takes a date or a local time without an offset as the shop's own", () => {
    expect(dayOfTimestamp('2024-03-02 23:30', 'Europe/Istanbul')).toEqual({ ok: true, day: dayOfIso('2024-03-02') });
    expect(dayOfTimestamp('2024-03-02', 'America/Los_Angeles')).toEqual({ ok: true, day: dayOfIso('2024-03-02') });
  });

  it('reads a file with the shop time zone it is given', async () => {
    const csv = 'customer_id,timestamp,amount\nc1,2024-03-02T22:30:00Z,5\nc1,2024-03-02 23:30,5\n';
    const { transactions } = await parseTransactionsCsv(csv, { timezone: 'Europe/Istanbul' });
    expect(transactions.map((t) => t.day)).toEqual([dayOfIso('2024-03-03'), dayOfIso('2024-03-02')]);
  });

  it('rejects a time of day out of range', () => {
    expect(dayOfTimestamp('2024-03-02 24:10', 'UTC')).toEqual({
      ok: false,
      reason: '"2024-03-02 24:10" has a time of day out of range',
    });
  });

  it('round-trips a date through its day number', () => {
    expect(formatDay(dayOfIso('1997-09-30'))).toBe('1997-09-30');
  });
});

function dayOfIso(text: string): number {
  const parsed = dayOfDate(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.day;
}
