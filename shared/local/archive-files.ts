/**
 * Reading the local archive (shared/local/file-archive.ts writes it): the rows of one stream and
 * a range of partition days, in the order they were written. `sadakat export`, `query` and
 * `replay` read through this.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARCHIVE_COLUMNS, type ArchiveRow, type ArchiveStream } from '../archive/columns.js';
import { archiveRoot } from './file-archive.js';

/** Inclusive range of partition days (YYYY-MM-DD); an absent end is open. */
export interface DayRange {
  since?: string;
  until?: string;
}

export function inRange(day: string, range: DayRange): boolean {
  return (range.since === undefined || day >= range.since) && (range.until === undefined || day <= range.until);
}

/** The partition days of a stream within the range, ascending. */
export async function archiveDays(dataDir: string, stream: ArchiveStream, range: DayRange = {}): Promise<string[]> {
  const folder = join(archiveRoot(dataDir), stream);
  if (!existsSync(folder)) return [];
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && /^dt=\d{4}-\d{2}-\d{2}$/.test(entry.name))
    .map((entry) => entry.name.slice(3))
    .filter((day) => inRange(day, range))
    .sort();
}

/** The JSON lines files of one partition day, by name (each writer's own file). */
export async function dayFiles(dataDir: string, stream: ArchiveStream, day: string): Promise<string[]> {
  const folder = join(archiveRoot(dataDir), stream, `dt=${day}`);
  const names = (await readdir(folder)).filter((name) => name.endsWith('.jsonl')).sort();
  return names.map((name) => join(folder, name));
}

/**
 * The rows of one partition day: every line of its files, kept to the stream's columns (a field
 * the allow-list does not name is dropped again here), values of the wrong type as null.
 */
export async function readDay(dataDir: string, stream: ArchiveStream, day: string): Promise<ArchiveRow[]> {
  const rows: ArchiveRow[] = [];
  for (const file of await dayFiles(dataDir, stream, day)) {
    const text = await readFile(file, 'utf8');
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new ArchiveFileError(`${file}:${index + 1}: not a JSON line (a write cut short?)`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new ArchiveFileError(`${file}:${index + 1}: not a JSON object`);
      rows.push(typedRow(stream, parsed as Record<string, unknown>));
    }
  }
  return rows;
}

export class ArchiveFileError extends Error {
  override readonly name = 'ArchiveFileError';
}

function typedRow(stream: ArchiveStream, value: Record<string, unknown>): ArchiveRow {
  const row: ArchiveRow = {};
  for (const column of ARCHIVE_COLUMNS[stream]) {
    const field = value[column.name];
    switch (column.type) {
      case 'double':
        row[column.name] = typeof field === 'number' && Number.isFinite(field) ? field : null;
        break;
      case 'boolean':
        row[column.name] = typeof field === 'boolean' ? field : null;
        break;
      case 'string':
        row[column.name] = typeof field === 'string' ? field : null;
        break;
      case 'timestamp':
        row[column.name] = typeof field === 'string' && !Number.isNaN(Date.parse(field)) ? field : null;
        break;
      default: {
        const unreachable: never = column.type;
        throw new Error(`unknown column type ${String(unreachable)}`);
      }
    }
  }
  return row;
}
