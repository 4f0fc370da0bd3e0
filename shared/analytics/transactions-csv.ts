/**
 * Transactions from CSV (`customer_id,timestamp,amount[,order_id]`, header required), the input
 * of `sadakat rfm`, `sadakat clv` and `sadakat import orders`. Streams through csv-parse; a bad
 * row is reported with its line and reason and skipped, the good rows are kept.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { dayOfTimestamp } from './calendar-day.js';

export interface Transaction {
  customerId: string;
  /** As written in the file: an ISO date or datetime. */
  timestamp: string;
  /** The timestamp's calendar date as a day number (see calendar-day.ts). */
  day: number;
  amount: number;
  orderId?: string;
  /** 1-based line in the file. */
  line: number;
}

export interface RowError {
  line: number;
  reason: string;
}

export interface ParsedTransactions {
  transactions: Transaction[];
  errors: RowError[];
}

/** The file as a whole cannot be read as transactions (empty, no header, a required column missing). */
export class TransactionsFileError extends Error {
  override readonly name = 'TransactionsFileError';
}

const REQUIRED_COLUMNS = ['customer_id', 'timestamp', 'amount'] as const;
const EXPECTED_HEADER = 'customer_id,timestamp,amount[,order_id]';
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

interface ColumnIndexes {
  customerId: number;
  timestamp: number;
  amount: number;
  orderId: number | undefined;
}

/** Reads a transactions CSV file from disk. */
export function readTransactionsCsv(path: string): Promise<ParsedTransactions> {
  return parseTransactionsCsv(createReadStream(path));
}

/** Parses transactions CSV text or a byte stream. */
export async function parseTransactionsCsv(input: Readable | string | Uint8Array): Promise<ParsedTransactions> {
  const source = typeof input === 'string' || input instanceof Uint8Array ? Readable.from([input]) : input;
  const errors: RowError[] = [];
  const parser = source.pipe(
    parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
      info: true,
      on_skip: (error: CsvError | undefined) => {
        if (error) errors.push({ line: lineOf(error), reason: error.message });
        return undefined;
      },
    }),
  );
  source.on('error', (error) => parser.destroy(error));

  const transactions: Transaction[] = [];
  let columns: ColumnIndexes | undefined;
  for await (const { info, record } of parser as AsyncIterable<{ info: { lines: number }; record: string[] }>) {
    if (columns === undefined) {
      columns = readHeader(record);
      continue;
    }
    const row = readRow(record, columns, info.lines);
    if ('reason' in row) errors.push(row);
    else transactions.push(row);
  }
  if (columns === undefined) throw new TransactionsFileError(`the file is empty: expected a header ${EXPECTED_HEADER}`);
  errors.sort((left, right) => left.line - right.line);
  return { transactions, errors };
}

function lineOf(error: CsvError): number {
  const lines = (error as CsvError & { lines?: unknown }).lines;
  return typeof lines === 'number' ? lines : 0;
}

function readHeader(record: string[]): ColumnIndexes {
  const names = record.map((name) => name.toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((name) => !names.includes(name));
  if (missing.length === REQUIRED_COLUMNS.length) {
    throw new TransactionsFileError(
      `line 1 must be the header ${EXPECTED_HEADER}, found "${record.join(',').slice(0, 80)}"`,
    );
  }
  if (missing.length > 0) {
    throw new TransactionsFileError(`the header lacks column ${missing.join(', ')} (expected ${EXPECTED_HEADER})`);
  }
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new TransactionsFileError(`the header names column ${duplicate} twice`);
  const orderId = names.indexOf('order_id');
  return {
    customerId: names.indexOf('customer_id'),
    timestamp: names.indexOf('timestamp'),
    amount: names.indexOf('amount'),
    orderId: orderId < 0 ? undefined : orderId,
  };
}

function readRow(record: string[], columns: ColumnIndexes, line: number): Transaction | RowError {
  const customerId = record[columns.customerId] ?? '';
  if (customerId === '') return { line, reason: 'customer_id is empty' };
  const timestamp = record[columns.timestamp] ?? '';
  if (timestamp === '') return { line, reason: 'timestamp is empty' };
  const day = dayOfTimestamp(timestamp);
  if (!day.ok) return { line, reason: `timestamp ${day.reason}` };
  const amountText = record[columns.amount] ?? '';
  if (!DECIMAL.test(amountText)) return { line, reason: `amount "${amountText}" is not a number` };
  const amount = Number(amountText);
  if (!Number.isFinite(amount)) return { line, reason: `amount "${amountText}" is out of range` };
  if (amount < 0) return { line, reason: `amount ${amountText} is negative; it must be ≥ 0` };
  const orderId = columns.orderId === undefined ? undefined : record[columns.orderId];
  const transaction: Transaction = { customerId, timestamp, day: day.day, amount, line };
  if (orderId) transaction.orderId = orderId;
  return transaction;
}
