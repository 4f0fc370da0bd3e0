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
  /** The timestamp's date in the shop's calendar as a day number (see calendar-day.ts). */
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
/**
 * As ingest: longer ids are not ids (and would bloat keys). Huge fields are read and refused
 * rather than capped in the parser: csv-parse's max_record_size loses the rows after the big one.
 */
const MAX_ID_CHARACTERS = 256;
/** A row dated after this many days past `now` is a typo or a broken export, not an order. */
const FUTURE_DAYS_ALLOWED = 1;
const MS_PER_DAY = 86_400_000;
/** What the UTF-8 decoder puts where the file's bytes were not UTF-8. */
const REPLACEMENT_CHARACTER = '\uFFFD';
/** Control characters have no place in an id (a NUL or a line break is a broken export). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters in a row is this pattern's job
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export interface ParseOptions {
  /** Rows dated more than a day after this are reported as bad rows (omitted: no check). */
  now?: Date;
  /**
   * The shop's time zone (settings `defaultTimezone`, default UTC): a timestamp with an offset
   * counts on its date there, one without is the shop's local time (docs/decisions.md 84).
   */
  timezone?: string;
}
const EXPECTED_HEADER = 'customer_id,timestamp,amount[,order_id]';
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

interface ColumnIndexes {
  customerId: number;
  timestamp: number;
  amount: number;
  orderId: number | undefined;
  /** Fields in the header: a row with more is misread (an unquoted comma inside a value). */
  width: number;
}

/** Reads a transactions CSV file from disk. */
export function readTransactionsCsv(path: string, options: ParseOptions = {}): Promise<ParsedTransactions> {
  return parseTransactionsCsv(createReadStream(path), options);
}

/** Parses transactions CSV text or a byte stream. */
export async function parseTransactionsCsv(
  input: Readable | string | Uint8Array,
  options: ParseOptions = {},
): Promise<ParsedTransactions> {
  const source = typeof input === 'string' || input instanceof Uint8Array ? Readable.from([input]) : input;
  const errors: RowError[] = [];
  const parser = source.pipe(
    parse({
      bom: true,
      // Explicit, not detected from the first line: a file that mixes CRLF and LF (files
      // concatenated from two exports) would otherwise count each CRLF as two lines.
      record_delimiter: ['\r\n', '\n', '\r'],
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
  const latestDay =
    options.now === undefined ? undefined : Math.floor(options.now.getTime() / MS_PER_DAY) + FUTURE_DAYS_ALLOWED;
  let columns: ColumnIndexes | undefined;
  for await (const { info, record } of parser as AsyncIterable<{ info: { lines: number }; record: string[] }>) {
    if (columns === undefined) {
      columns = readHeader(record);
      continue;
    }
    const row = readRow(record, columns, info.lines, latestDay, options.timezone ?? 'UTC');
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
    width: record.length,
  };
}

function readRow(
  record: string[],
  columns: ColumnIndexes,
  line: number,
  latestDay: number | undefined,
  timezone: string,
): Transaction | RowError {
  if (record.some((field) => field.includes(REPLACEMENT_CHARACTER)))
    return { line, reason: 'the row is not valid UTF-8; save the file as UTF-8' };
  // "1,000.50" unquoted would otherwise import an amount of 1.
  if (record.length > columns.width)
    return {
      line,
      reason: `the row has ${record.length} fields, the header ${columns.width}; quote values that contain commas`,
    };
  const customerId = record[columns.customerId] ?? '';
  const idProblem = problemWithId('customer_id', customerId);
  if (idProblem) return { line, reason: idProblem };
  const timestamp = record[columns.timestamp] ?? '';
  if (timestamp === '') return { line, reason: 'timestamp is empty' };
  const day = dayOfTimestamp(shown(timestamp), timezone);
  if (!day.ok) return { line, reason: `timestamp ${day.reason}` };
  // The pattern allows an hour-only offset (+03), which Date cannot read: the importer needs an instant.
  if (Number.isNaN(Date.parse(timestamp)))
    return { line, reason: `timestamp "${timestamp}" is not an instant; write offsets as ±HH:MM` };
  if (latestDay !== undefined && day.day > latestDay)
    return { line, reason: `timestamp "${timestamp}" is in the future` };
  const amountText = record[columns.amount] ?? '';
  if (!DECIMAL.test(amountText)) return { line, reason: `amount "${shown(amountText)}" is not a number` };
  const amount = Number(amountText);
  if (!Number.isFinite(amount)) return { line, reason: `amount "${amountText}" is out of range` };
  if (amount < 0) return { line, reason: `amount ${amountText} is negative; it must be ≥ 0` };
  const orderId = columns.orderId === undefined ? undefined : record[columns.orderId];
  const orderIdProblem = orderId ? problemWithId('order_id', orderId) : undefined;
  if (orderIdProblem) return { line, reason: orderIdProblem };
  const transaction: Transaction = { customerId, timestamp, day: day.day, amount, line };
  if (orderId) transaction.orderId = orderId;
  return transaction;
}

function problemWithId(column: string, id: string): string | undefined {
  if (id === '') return `${column} is empty`;
  if (id.length > MAX_ID_CHARACTERS) return `${column} has ${id.length} characters; at most ${MAX_ID_CHARACTERS}`;
  if (CONTROL_CHARACTER.test(id)) return `${column} contains control characters`;
  return undefined;
}

/** A field as quoted in a reason: cut short, so a huge field does not become a huge message. */
function shown(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
