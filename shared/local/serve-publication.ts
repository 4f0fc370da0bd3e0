/**
 * How `sadakat serve` tells other local commands where its engine is: `<dataDir>/serve.json`,
 * written when serve is listening and removed when it stops cleanly. A second process cannot
 * open a dynalite folder another holds (LevelDB's lock), so `profile`, `segment size`, `report`…
 * attach to serve's engine instead (cli/local-data.ts).
 *
 * The file is the owner's only (mode 600): it carries the access key id that dynalite's loopback
 * port requires (dynalite-worker.mjs), so another local user who finds the port still cannot read
 * the data. A file left by a serve that died (its pid is gone) is stale and removed by whoever
 * finds it.
 */
import { constants } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineName } from './dynamo-engine.js';

export const SERVE_PUBLICATION = 'serve.json';

export interface ServePublication {
  /** The serve process. */
  pid: number;
  engine: EngineName;
  /** The engine's loopback URL. */
  endpoint: string;
  /** What requests to the endpoint must be signed with (any secret). */
  accessKeyId: string;
  tableName: string;
  /** serve's own ingest URL. */
  ingestUrl: string;
  startedAt: string;
}

export type PublicationState =
  | { state: 'none' }
  | { state: 'live'; publication: ServePublication }
  | { state: 'stale'; publication: ServePublication }
  | { state: 'unreadable'; reason: string };

export function publicationPath(dataDir: string): string {
  return join(dataDir, SERVE_PUBLICATION);
}

/**
 * Writes the publication, readable and writable by the owner only. Fails if a live serve already
 * published one for this folder; a stale one is replaced.
 */
export async function publishServe(dataDir: string, publication: ServePublication): Promise<void> {
  const found = await readPublication(dataDir);
  if (found.state === 'live' && found.publication.pid !== publication.pid)
    throw new Error(`sadakat serve (pid ${found.publication.pid}) already publishes ${publicationPath(dataDir)}`);
  if (found.state !== 'none') await rm(publicationPath(dataDir), { force: true });
  // O_EXCL with mode 600: the file never exists with wider permissions, not even for an instant.
  const file = await open(
    publicationPath(dataDir),
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    0o600,
  );
  try {
    await file.writeFile(`${JSON.stringify(publication, null, 2)}\n`);
  } finally {
    await file.close();
  }
}

/** Removes the publication if it is this process's (a clean stop). */
export async function withdrawServe(dataDir: string, pid = process.pid): Promise<void> {
  const found = await readPublication(dataDir);
  if ((found.state === 'live' || found.state === 'stale') && found.publication.pid === pid)
    await rm(publicationPath(dataDir), { force: true });
}

/** What the folder's publication says, and whether its process still runs. */
export async function readPublication(dataDir: string): Promise<PublicationState> {
  let text: string;
  try {
    text = await readFile(publicationPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'none' };
    return { state: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
  const publication = parsePublication(text);
  if (!publication) return { state: 'unreadable', reason: 'not a serve publication (bad JSON or missing fields)' };
  return processRuns(publication.pid) ? { state: 'live', publication } : { state: 'stale', publication };
}

function parsePublication(text: string): ServePublication | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const strings = ['endpoint', 'accessKeyId', 'tableName', 'ingestUrl', 'startedAt'] as const;
  if (!Number.isInteger(record.pid) || strings.some((key) => typeof record[key] !== 'string')) return undefined;
  if (record.engine !== 'dynalite' && record.engine !== 'dynamodb-local') return undefined;
  // Only a loopback engine is ever attached to: a tampered file cannot send the data elsewhere.
  if (!/^http:\/\/127\.0\.0\.1:\d{1,5}$/.test(record.endpoint as string)) return undefined;
  return record as unknown as ServePublication;
}

/** Signal 0 checks that the process exists; EPERM means it does, under another user. */
function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
