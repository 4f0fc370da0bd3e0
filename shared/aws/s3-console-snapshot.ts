/**
 * The nightly snapshot `sadakat console --table … --bucket B` reads: one GetObject of
 * `refresh/console-snapshot.json` in the data stack's artifacts bucket (decision 207), checked
 * against its schema; undefined before the first refresh wrote it (or after the bucket's
 * lifecycle rule removed a snapshot no refresh replaced).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { CONSOLE_SNAPSHOT_KEY, type ConsoleCounts, consoleCountsSchema } from '../analytics/refresh/console-counts.js';
import { ArtifactNotFoundError } from '../analytics/refresh/ports.js';
import { S3RefreshArtifacts } from './refresh-artifacts.js';

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
