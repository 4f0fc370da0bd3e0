/**
 * The nightly snapshot `sadakat console --table … --bucket B` reads: one GetObject of
 * `refresh/console-snapshot.json` in the data stack's artifacts bucket (decision 207), checked
 * against its schema; undefined before the first refresh wrote it (or after the bucket's
 * lifecycle rule removed a snapshot no refresh replaced). Beside it, the A/B report a person wrote
 * with `sadakat report --table T --bucket B` (decision 224).
 */
import { S3Client } from '@aws-sdk/client-s3';
import {
  CONSOLE_SNAPSHOT_KEY,
  type ConsoleCounts,
  consoleCountsSchema,
  REPORT_SNAPSHOT_KEY,
} from '../analytics/refresh/console-counts.js';
import { ArtifactNotFoundError } from '../analytics/refresh/ports.js';
import { S3RefreshArtifacts } from './refresh-artifacts.js';
import type { Report } from '../measurement/report.js';

export function s3ConsoleSnapshot(
  bucket: string,
  region: string | undefined,
  client: S3Client = new S3Client(region ? { region } : {}),
): { name: string; read(): Promise<ConsoleCounts | undefined> } {
  const artifacts = new S3RefreshArtifacts(client, bucket);
  return {
    name: `s3://${bucket}/refresh/${CONSOLE_SNAPSHOT_KEY}`,
    async read() {
      try {
        // A snapshot of the shape before decision 220 (a scan's counts) is as good as none: the next refresh replaces it.
        const parsed = consoleCountsSchema.safeParse(await artifacts.get(CONSOLE_SNAPSHOT_KEY));
        return parsed.success ? parsed.data : undefined;
      } catch (error) {
        if (error instanceof ArtifactNotFoundError) return undefined;
        throw error;
      }
    },
  };
}

/** What the object holds: the report as `sadakat report --format json` prints it (aggregates only, no customer id). */
export interface StoredReport {
  /** When it was written; the report's own `asOf` is the instant its goal windows are judged at. */
  writtenAt: string;
  report: Report;
}

export interface StoredReportObject {
  bucket: string;
  /** What the pages and the CLI call it: `s3://bucket/refresh/console-report.json`. */
  name: string;
  read(): Promise<StoredReport | undefined>;
  write(stored: StoredReport): Promise<void>;
}

/**
 * The report `sadakat report --table` stored for the console: `write` (a person's run, PutObject on
 * the key) and `read` (the console, one GetObject; undefined when no one has run it yet or the object
 * is not a report).
 */
export function s3ReportSnapshot(
  bucket: string,
  region: string | undefined,
  client: S3Client = new S3Client(region ? { region } : {}),
): StoredReportObject {
  const artifacts = new S3RefreshArtifacts(client, bucket);
  return {
    bucket,
    name: `s3://${bucket}/refresh/${REPORT_SNAPSHOT_KEY}`,
    async read() {
      try {
        const stored = await artifacts.get(REPORT_SNAPSHOT_KEY);
        return isStoredReport(stored) ? stored : undefined;
      } catch (error) {
        if (error instanceof ArtifactNotFoundError) return undefined;
        throw error;
      }
    },
    write: (stored) => artifacts.put(REPORT_SNAPSHOT_KEY, stored),
  };
}

function isStoredReport(value: unknown): value is StoredReport {
  if (typeof value !== 'object' || value === null) return false;
  const { writtenAt, report } = value as Partial<Record<keyof StoredReport, unknown>>;
  if (typeof writtenAt !== 'string' || typeof report !== 'object' || report === null) return false;
  const { asOf, journeys } = report as Partial<Record<keyof Report, unknown>>;
  return typeof asOf === 'string' && Array.isArray(journeys);
}
