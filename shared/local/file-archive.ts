/**
 * The local archive (issue 23): `sadakat serve` and `sadakat demo` append the three streams as
 * JSON lines to `<dataDir>/archive/<stream>/dt=YYYY-MM-DD/part-<writer>.jsonl` — the layout of
 * the data bucket, so `sadakat export` converts them to Parquet and `sadakat query` reads them.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { partitionDay, type ArchiveRow, type ArchiveStream } from '../archive/columns.js';
import { BufferedArchive, type ArchiveFailureHandler, type ArchiveFlush } from '../archive/ports.js';

export const ARCHIVE_FOLDER = 'archive';

export function archiveRoot(dataDir: string): string {
  return join(dataDir, ARCHIVE_FOLDER);
}

/** One file per writer and day: two commands on the folder (serve, then demo) never interleave lines. */
export function localArchive(dataDir: string, writerId: string, onFailure?: ArchiveFailureHandler): BufferedArchive {
  const root = archiveRoot(dataDir);
  const made = new Set<string>();
  return new BufferedArchive(async (rows: ReadonlyMap<ArchiveStream, readonly ArchiveRow[]>): Promise<ArchiveFlush> => {
    let written = 0;
    for (const [stream, streamRows] of rows) {
      const byDay = new Map<string, string[]>();
      for (const row of streamRows) {
        const day = partitionDay(stream, row);
        const lines = byDay.get(day);
        const line = JSON.stringify(row);
        if (lines) lines.push(line);
        else byDay.set(day, [line]);
      }
      for (const [day, lines] of byDay) {
        const folder = join(root, stream, `dt=${day}`);
        if (!made.has(folder)) {
          await mkdir(folder, { recursive: true });
          made.add(folder);
        }
        await appendFile(join(folder, `part-${writerId}.jsonl`), `${lines.join('\n')}\n`);
        written += lines.length;
      }
    }
    return { written, failed: 0 };
  }, onFailure);
}
