/**
 * `sadakat export` (issue 23): one stream of the local archive, a range of days, written as
 * Parquet (hyparquet-writer) or JSON lines in the data bucket's layout,
 * `<out>/<stream>/dt=YYYY-MM-DD/part-00000.<ext>` — DuckDB, pandas or Athena read it as it is.
 *
 * The Parquet schema comes from the same column list as the writers (shared/archive/columns.ts):
 * strings as UTF8, amounts as DOUBLE, flags as BOOLEAN, times as TIMESTAMP (milliseconds, UTC).
 * The partition day is the folder name, as in the bucket, not a column of the files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { BasicType, ColumnSource } from 'hyparquet-writer';
import { ARCHIVE_COLUMNS, type ArchiveRow, type ArchiveStream, type ColumnType } from '../archive/columns.js';
import { archiveDays, readDay, type DayRange } from './archive-files.js';

export type ExportFormat = 'parquet' | 'jsonl';

export interface ExportOptions extends DayRange {
  dataDir: string;
  stream: ArchiveStream;
  out: string;
  format: ExportFormat;
}

export interface ExportSummary {
  stream: ArchiveStream;
  format: ExportFormat;
  rows: number;
  files: string[];
}

export async function exportArchive(options: ExportOptions): Promise<ExportSummary> {
  const summary: ExportSummary = { stream: options.stream, format: options.format, rows: 0, files: [] };
  for (const day of await archiveDays(options.dataDir, options.stream, options)) {
    const rows = await readDay(options.dataDir, options.stream, day);
    if (rows.length === 0) continue;
    const folder = join(options.out, options.stream, `dt=${day}`);
    await mkdir(folder, { recursive: true });
    const file = join(folder, `part-00000.${options.format === 'parquet' ? 'parquet' : 'jsonl'}`);
    await writeFile(
      file,
      options.format === 'parquet'
        ? new Uint8Array(parquetOf(options.stream, rows))
        : `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`,
    );
    summary.rows += rows.length;
    summary.files.push(file);
  }
  return summary;
}

const PARQUET_TYPE: Record<ColumnType, BasicType> = {
  string: 'STRING',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

/** One Parquet file of the rows, every column of the stream (nullable) in the list's order. */
export function parquetOf(stream: ArchiveStream, rows: readonly ArchiveRow[]): ArrayBuffer {
  const columnData: ColumnSource[] = ARCHIVE_COLUMNS[stream].map((column) => ({
    name: column.name,
    type: PARQUET_TYPE[column.type],
    nullable: true,
    data: rows.map((row) => {
      const value = row[column.name] ?? null;
      return column.type === 'timestamp' && typeof value === 'string' ? new Date(value) : value;
    }),
  }));
  return parquetWriteBuffer({ columnData, createdBy: 'sadakat export' });
}
