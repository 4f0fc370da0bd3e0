/**
 * The `--transactions <file>` input shared by `sadakat rfm` and `sadakat clv`: reads the CSV,
 * turns file-level problems into UserErrors and reports skipped rows on stderr.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { dayOfDate } from '../shared/analytics/calendar-day.js';
import {
  readTransactionsCsv,
  TransactionsFileError,
  type ParseOptions,
  type Transaction,
} from '../shared/analytics/transactions-csv.js';
import { normalizeTimezone } from '../shared/profiles/locale.js';
import { UserError } from './errors.js';
import { EXIT } from './exit-codes.js';

const ROW_ERRORS_SHOWN = 10;

export async function loadTransactions(file: string, options: ParseOptions = {}): Promise<Transaction[]> {
  return (await readTransactionsInput(file, options)).transactions;
}

/**
 * The good rows, and how many were rejected (each reported on stderr by line). A command that
 * goes on with the good rows exits 2, partially applied (cli/exit-codes.ts), when any was rejected.
 */
export async function readTransactionsInput(
  file: string,
  options: ParseOptions = {},
): Promise<{ transactions: Transaction[]; rejectedRows: number }> {
  let parsed: Awaited<ReturnType<typeof readTransactionsCsv>>;
  try {
    parsed = await readTransactionsCsv(file, options);
  } catch (error) {
    if (error instanceof TransactionsFileError) throw new UserError(`--transactions ${file}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`--transactions ${file}: file not found`);
    if (code === 'EISDIR' || code === 'EACCES') throw new UserError(`--transactions ${file}: cannot read (${code})`);
    throw error;
  }
  const { transactions, errors } = parsed;
  if (errors.length > 0) {
    const shown = errors.slice(0, ROW_ERRORS_SHOWN).map((error) => `  ${file}:${error.line}: ${error.reason}`);
    const more = errors.length > ROW_ERRORS_SHOWN ? [`  … and ${errors.length - ROW_ERRORS_SHOWN} more`] : [];
    process.stderr.write(`sadakat: skipped ${errors.length} bad row(s):\n${[...shown, ...more].join('\n')}\n`);
  }
  if (transactions.length === 0) throw new UserError(`--transactions ${file}: no valid rows`);
  if (errors.length > 0) process.exitCode = EXIT.partial;
  return { transactions, rejectedRows: errors.length };
}

/**
 * `--timezone <zone>`: the shop's calendar for `rfm` and `clv`, the same rule the refresh uses
 * (docs/decisions.md 84). Pass the campaign's `defaultTimezone`; UTC by default.
 */
export function shopTimezoneOption(command: Command): Command {
  return command.option(
    '--timezone <zone>',
    "the shop's IANA time zone (settings defaultTimezone): a timestamp with an offset counts on its date there",
    shopTimezone,
    'UTC',
  );
}

function shopTimezone(value: string): string {
  const zone = normalizeTimezone(value);
  if (zone === undefined) throw new InvalidArgumentError('expected an IANA time zone such as Europe/Istanbul');
  return zone;
}

/** A commander parser for YYYY-MM-DD options, returning the day number. */
export function calendarDate(value: string): number {
  const parsed = dayOfDate(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.reason);
  return parsed.day;
}
