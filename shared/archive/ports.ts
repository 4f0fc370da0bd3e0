/**
 * Where archive rows go: Amazon Data Firehose in AWS (shared/aws/firehose-archive.ts), JSON lines
 * in the data folder locally (shared/local/file-archive.ts). Rows are added while a handler works
 * and written once per invocation, aggregated per stream (Firehose bills each record rounded up to
 * 5 KB, so one record per row would multiply the cost).
 *
 * Archiving never fails a customer's message: a write that fails is counted and reported
 * (`onFailure`; an alarm in AWS), the message is still acknowledged.
 */
import type { ArchiveRow, ArchiveStream } from './columns.js';

/** The log line of a failed archive write: the stack's metric filter counts it and alarms (infra). */
export const ARCHIVE_FAILED = 'archive write failed';

export interface ArchiveFlush {
  written: number;
  /** Rows lost to a failed write (counted, alarmed; the customer's message was not failed for them). */
  failed: number;
}

export interface ArchiveSink {
  /** Adds a row to the pending batch; nothing is written until `flush`. */
  add(stream: ArchiveStream, row: ArchiveRow): void;
  /** Writes the pending rows. Never throws. */
  flush(): Promise<ArchiveFlush>;
}

/** The writing half of an adapter: one call per flush with the rows grouped by stream; may throw. */
export type ArchiveWrite = (rows: ReadonlyMap<ArchiveStream, readonly ArchiveRow[]>) => Promise<ArchiveFlush>;

export type ArchiveFailureHandler = (error: unknown, rows: number) => void;

/** Buffers rows and hands them to `write` per flush; a throw from `write` is counted as failed rows. */
export class BufferedArchive implements ArchiveSink {
  private pending = new Map<ArchiveStream, ArchiveRow[]>();
  private pendingCount = 0;
  /** Rows lost since start (tests, the local summary). */
  failedRows = 0;

  constructor(
    private readonly write: ArchiveWrite,
    private readonly onFailure: ArchiveFailureHandler = () => {},
  ) {}

  add(stream: ArchiveStream, row: ArchiveRow): void {
    const rows = this.pending.get(stream);
    if (rows) rows.push(row);
    else this.pending.set(stream, [row]);
    this.pendingCount++;
  }

  async flush(): Promise<ArchiveFlush> {
    if (this.pendingCount === 0) return { written: 0, failed: 0 };
    // Taken before the await: rows added meanwhile (another local invocation) wait for the next flush.
    const rows = this.pending;
    const count = this.pendingCount;
    this.pending = new Map();
    this.pendingCount = 0;
    try {
      const result = await this.write(rows);
      if (result.failed > 0) this.report(new Error(`${result.failed} archive rows were refused`), result.failed);
      return result;
    } catch (error) {
      this.report(error, count);
      return { written: 0, failed: count };
    }
  }

  private report(error: unknown, rows: number): void {
    this.failedRows += rows;
    try {
      this.onFailure(error, rows);
    } catch {
      // A failing report must not fail the message either.
    }
  }
}
