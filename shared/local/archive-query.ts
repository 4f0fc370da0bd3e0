/**
 * `sadakat query "<SQL>"` (issue 23): an analyst's first five minutes without AWS. DuckDB
 * (`@duckdb/node-api`, decision 157) in memory, with the local archive as three tables —
 * `events`, `decisions`, `engagement`, the columns of shared/archive/columns.ts plus the
 * partition day `dt` — the names and types Athena sees, so the README's queries run in both.
 *
 * The tables are loaded from the JSON lines through readDay (which keeps only the allow-listed
 * columns), not read by DuckDB from the files, so a hand-edited file cannot add a column.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  ARCHIVE_COLUMNS,
  ARCHIVE_STREAMS,
  PARTITION_COLUMN,
  type ArchiveStream,
  type ColumnType,
} from '../archive/columns.js';
import { archiveDays, readDay } from './archive-files.js';

const DUCK_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'VARCHAR',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

export interface QueryResult {
  columns: string[];
  /** Values as JSON would print them (big integers as numbers when safe, else strings). */
  rows: Record<string, unknown>[];
}

export class ArchiveQueryError extends Error {
  override readonly name = 'ArchiveQueryError';
}

/** A DuckDB connection with the local archive loaded; close it with `closeSync()`. */
export async function openArchive(dataDir: string): Promise<DuckDBConnection> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  for (const stream of ARCHIVE_STREAMS) await loadStream(duck, dataDir, stream);
  return duck;
}

async function loadStream(duck: DuckDBConnection, dataDir: string, stream: ArchiveStream): Promise<void> {
  const columns = [...ARCHIVE_COLUMNS[stream], PARTITION_COLUMN];
  const declared = columns.map((column) => `"${column.name}" ${DUCK_TYPES[column.type]}`).join(', ');
  await duck.run(`CREATE TABLE ${stream} (${declared})`);
  const appender = await duck.createAppender(stream);
  for (const day of await archiveDays(dataDir, stream)) {
    for (const row of await readDay(dataDir, stream, day)) {
      for (const column of columns) {
        const value = column === PARTITION_COLUMN ? day : row[column.name];
        if (value === null || value === undefined) appender.appendNull();
        else if (column.type === 'double') appender.appendDouble(Number(value));
        else if (column.type === 'boolean') appender.appendBoolean(Boolean(value));
        else appender.appendVarchar(column.type === 'timestamp' ? timestampText(String(value)) : String(value));
      }
      appender.endRow();
    }
  }
  appender.closeSync();
}

/** `2026-12-07T10:00:00.000Z` as DuckDB's TIMESTAMP literal (UTC, no zone). */
function timestampText(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace('Z', '');
}

/** Runs one SQL statement over the archive; a SQL error is an ArchiveQueryError with DuckDB's message. */
export async function queryArchive(dataDir: string, sql: string): Promise<QueryResult> {
  const duck = await openArchive(dataDir);
  try {
    return await runQuery(duck, sql);
  } finally {
    duck.closeSync();
  }
}

export async function runQuery(duck: DuckDBConnection, sql: string): Promise<QueryResult> {
  let reader: Awaited<ReturnType<DuckDBConnection['runAndReadAll']>>;
  try {
    reader = await duck.runAndReadAll(sql);
  } catch (error) {
    throw new ArchiveQueryError(error instanceof Error ? error.message : String(error));
  }
  const columns = reader.columnNames();
  // DuckDB's JSON form prints 64-bit integers (every count) as strings: as numbers when safe.
  const wide = new Set(
    reader
      .columnTypes()
      .map((type, index) => (WIDE_INTEGERS.has(type.toString()) ? columns[index] : undefined))
      .filter((name) => name !== undefined),
  );
  const rows = (reader.getRowObjectsJson() as Record<string, unknown>[]).map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        wide.has(key) && typeof value === 'string' && Number.isSafeInteger(Number(value)) ? Number(value) : value,
      ]),
    ),
  );
  return { columns, rows };
}

const WIDE_INTEGERS = new Set(['BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT']);
