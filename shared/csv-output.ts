/**
 * CSV for people who open it in a spreadsheet: written by csv-stringify (quoting, embedded
 * newlines) with formula injection neutralised (OWASP "CSV Injection"): a free-text cell starting
 * with = + - @ tab or carriage return gets a leading apostrophe, so it is shown as text, never
 * run. E.164 phone numbers (`+905551234567`) are left as they are: a spreadsheet reads them as a
 * number, not a formula. Numbers are numbers and never touched.
 */
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;
const E164 = /^\+[1-9]\d{1,14}$/;

export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) && !E164.test(value) ? `'${value}` : value;
}

export type CsvCell = string | number;

/** A header row and data rows; cells of the `freeText` columns are neutralised. */
export function toCsv(
  columns: readonly string[],
  rows: readonly (readonly CsvCell[])[],
  freeText: readonly string[],
): string {
  const escaped = new Set(columns.flatMap((column, index) => (freeText.includes(column) ? [index] : [])));
  const safe = rows.map((row) =>
    row.map((cell, index) => (typeof cell === 'string' && escaped.has(index) ? neutralizeFormula(cell) : cell)),
  );
  return stringify([[...columns], ...safe], { record_delimiter: 'unix' });
}
