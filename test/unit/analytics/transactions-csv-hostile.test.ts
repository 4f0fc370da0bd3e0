/** Rows that used to be imported wrongly (or crash the importer) are now reported by line and skipped. */
import { describe, expect, it } from 'vitest';
import { parseTransactionsCsv } from '../../../shared/analytics/transactions-csv.js';

const HEADER = 'customer_id,timestamp,amount,order_id\n';
const NOW = new Date('2026-11-23T12:00:00Z');

async function reasons(
  rows: string | Buffer,
  options = {},
): Promise<{ lines: number[]; reasons: string[]; good: number[] }> {
  const input = typeof rows === 'string' ? HEADER + rows : Buffer.concat([Buffer.from(HEADER), rows]);
  const { transactions, errors } = await parseTransactionsCsv(input, options);
  return {
    lines: errors.map((error) => error.line),
    reasons: errors.map((error) => error.reason),
    good: transactions.map((row) => row.line),
  };
}

describe('hostile transactions rows', () => {
  it('refuses a row with more fields than the header instead of reading "1,000.50" as 1', async () => {
    const result = await reasons('c1,2024-01-01,1,000.50,o1\nc2,2024-01-02,5,o2\n');
    expect(result).toEqual({
      lines: [2],
      reasons: ['the row has 5 fields, the header 4; quote values that contain commas'],
      good: [3],
    });
  });

  it('refuses a row whose bytes are not UTF-8', async () => {
    const result = await reasons(
      Buffer.concat([
        Buffer.from('c'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(',2024-01-01,3,o1\nc2,2024-01-01,4,o2\n'),
      ]),
    );
    expect(result).toEqual({ lines: [2], reasons: ['the row is not valid UTF-8; save the file as UTF-8'], good: [3] });
  });

  it('refuses an id over 256 characters and keeps the rows after it', async () => {
    const result = await reasons(`${'x'.repeat(100_000)},2024-01-01,1,o1\nc2,2024-01-01,4,o2\n`);
    expect(result).toEqual({ lines: [2], reasons: ['customer_id has 100000 characters; at most 256'], good: [3] });
  });

  it('refuses control characters in ids', async () => {
    const result = await reasons('c\u00001,2024-01-01,1,o1\nc2,2024-01-01,4,o\u00072\n');
    expect(result.reasons).toEqual(['customer_id contains control characters', 'order_id contains control characters']);
  });

  it('refuses an hour-only offset, which the importer could not turn into an instant', async () => {
    const result = await reasons('c1,2024-01-01T10:00+03,1,o1\n');
    expect(result.reasons).toEqual(['timestamp "2024-01-01T10:00+03" is not an instant; write offsets as ±HH:MM']);
  });

  it('refuses rows dated more than a day after now when given now', async () => {
    const result = await reasons('c1,9999-12-31,1,o1\nc2,2026-11-24T20:00:00Z,1,o2\n', { now: NOW });
    expect(result).toEqual({ lines: [2], reasons: ['timestamp "9999-12-31" is in the future'], good: [3] });
  });

  it('quotes a huge bad amount cut short', async () => {
    const result = await reasons(`c1,2024-01-01,${'9x'.repeat(1000)},o1\n`);
    expect(result.reasons[0]?.length).toBeLessThan(120);
  });
});
