/**
 * The embedded runtime (DESIGN "Local embedded default"): the same handlers and AWS adapters as
 * in the cloud, against an embedded DynamoDB engine and in-process queues with SQS semantics.
 * Local commands share one data folder: the engine's files live in `<dataDir>/dynamodb`, and
 * `<dataDir>/runtime.json` remembers which engine wrote them (their formats differ).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, type DocumentClientOptions } from '../aws/dynamo-client.js';
import { cacheResolvedHandlers } from '../aws/resolved-handlers.js';
import { sendDocumentCommandsInProcess } from '../aws/in-process-dynamo.js';
import { dynamoTableAdapters } from '../aws/dynamo-table-adapters.js';
import type { Clock, IdentityMap, OrderLedger, ProfileStore } from '../ports.js';
import type { CoreAdapters } from '../wiring/adapters.js';
import type { Pepper } from '../privacy/pepper.js';
import { EngineFolderLockedError, startDynamoEngine, ensureTable, type DynamoEngine } from './dynamo-engine.js';
import { LocalFifoQueue } from './fifo-queue.js';
import { localArchive } from './file-archive.js';
import { localPepper } from './pepper-file.js';
import { DataFolderBusyError, RUNTIME_MANIFEST, type EngineChoice } from './data-dir.js';
import { publicationPath, readPublication, type ServePublication } from './serve-publication.js';
import { meterWrites } from '../aws/write-meter.js';

export const LOCAL_TABLE_NAME = 'sadakat';

export interface LocalRuntimeOptions {
  dataDir: string;
  engine: EngineChoice;
  clock: Clock;
  /** Start from an empty data folder (the demo does). */
  fresh?: boolean;
  /**
   * Keep the engine's data in memory and write it to the data folder on stop (dynalite only; the
   * demo, whose ~200k writes are then not each a LevelDB write). Nothing is on disk until stop.
   */
  writeBehind?: boolean;
}

export interface LocalRuntime {
  engine: DynamoEngine;
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** The table's ports, the events queue and the clock: what shared/wiring/compose.ts builds every function's deps from. */
  adapters: CoreAdapters;
  /** Shorthands for `adapters.table.*`. */
  profiles: ProfileStore;
  orders: OrderLedger;
  identity: IdentityMap;
  eventsQueue: LocalFifoQueue;
  eventsDlq: LocalFifoQueue;
  dataDir: string;
  /** The key of kept hashes (tombstones, suppressions, limits): `<dataDir>/pepper`. */
  pepper: Pepper;
  stop(): Promise<void>;
}

/**
 * The local client does per request only what talking to the engine needs; serialization,
 * signing and parsing stay exactly as in Lambda. Removed: the logger middleware (with no logger
 * configured it still builds a log-filtered copy of every input and output, ≈ 4% of the demo's
 * CPU), and the user agent and trace headers no local engine reads. Added: the write meter
 * (shared/aws/write-meter.ts), which counts only inside a meter's scope.
 */
function tuneLocalClient(doc: DynamoDBDocumentClient): void {
  for (const name of ['loggerMiddleware', 'getUserAgentMiddleware', 'recursionDetectionMiddleware'])
    doc.middlewareStack.remove(name);
  meterWrites(doc);
}

interface RuntimeManifest {
  engine: Exclude<EngineChoice, 'auto'>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const manifestPath = join(options.dataDir, RUNTIME_MANIFEST);
  // Before anything touches the folder (the demo empties it first).
  const serving = await readPublication(options.dataDir);
  if (serving.state === 'live') throw serveRunningError(options.dataDir, serving.publication);
  if (options.fresh) await rm(options.dataDir, { recursive: true, force: true });
  await mkdir(join(options.dataDir, 'dynamodb'), { recursive: true });
  const pepper = await localPepper(options.dataDir);

  // An existing data folder must be reopened by the engine that wrote it.
  const manifest = existsSync(manifestPath)
    ? (JSON.parse(await readFile(manifestPath, 'utf8')) as RuntimeManifest)
    : undefined;
  const engineChoice = options.engine === 'auto' && manifest ? manifest.engine : options.engine;
  const engine = await startDynamoEngine({
    engine: engineChoice,
    dataDir: join(options.dataDir, 'dynamodb'),
    writeBehind: options.writeBehind ?? false,
    // Over loopback only `sadakat serve`'s publication (mode 600) tells another process this key.
    accessKeyId: `local-${randomBytes(18).toString('base64url')}`,
  }).catch((error: unknown) => {
    if (error instanceof EngineFolderLockedError)
      throw new DataFolderBusyError(
        `${options.dataDir} is in use by another process (${error.message}): another sadakat command such as demo or import is still running on it. Wait for it to finish, or pass another --data-dir`,
      );
    throw error;
  });
  await writeFile(manifestPath, JSON.stringify({ engine: engine.engine } satisfies RuntimeManifest, null, 2));

  // With dynalite the client uses the engine's in-process transport; EngineRequestHandler is the
  // part of the SDK's HttpHandler that clients call.
  const requestHandler = engine.requestHandler as DocumentClientOptions['requestHandler'];
  // Baselines for a run by hand: SADAKAT_LOCAL_SDK=per-request resolves and signs every request
  // (before decision 245); =sdk keeps the SDK's whole request path for document commands too (before 300).
  const sdkPath = process.env.SADAKAT_LOCAL_SDK;
  const perRequest = sdkPath === 'per-request';
  const doc = createDocumentClient({
    endpoint: engine.endpoint,
    ...(requestHandler ? { requestHandler, unsigned: !perRequest } : {}),
  });
  tuneLocalClient(doc);
  if (!perRequest) cacheResolvedHandlers(doc);
  if (engine.exchange && sdkPath === undefined) sendDocumentCommandsInProcess(doc, engine.exchange);
  try {
    await ensureTable(doc, LOCAL_TABLE_NAME);
  } catch (error) {
    // The engine's thread or process would keep this one alive after the error is reported.
    doc.destroy();
    await engine.stop();
    throw error;
  }
  return runtimeOn(engine, doc, options.dataDir, pepper, options.clock, async () => {
    doc.destroy();
    await engine.stop();
  });
}

/**
 * The runtime on the engine of the `sadakat serve` that runs on the folder (its publication):
 * the same adapters over loopback HTTP, and queues of this process's own. Stopping it leaves
 * serve's engine running.
 */
export async function attachLocalRuntime(
  dataDir: string,
  publication: ServePublication,
  clock: Clock,
): Promise<LocalRuntime> {
  const doc = createDocumentClient({
    endpoint: publication.endpoint,
    credentials: { accessKeyId: publication.accessKeyId, secretAccessKey: 'local' },
    maxAttempts: 2,
    // A port nobody answers on (a serve that hangs) fails in seconds instead of hanging the command.
    requestHandler: { connectionTimeout: 2_000 },
  });
  tuneLocalClient(doc);
  try {
    await ensureTable(doc, publication.tableName);
  } catch (error) {
    doc.destroy();
    throw new DataFolderBusyError(
      `sadakat serve (pid ${publication.pid}) runs on ${dataDir} but its engine at ${publication.endpoint} did not answer (${error instanceof Error ? error.message : String(error)}). If serve is still starting, try again; if it hangs, stop it (kill ${publication.pid}); if no serve runs, delete ${publicationPath(dataDir)}`,
    );
  }
  const engine: DynamoEngine = { engine: publication.engine, endpoint: publication.endpoint, stop: async () => {} };
  return runtimeOn(engine, doc, dataDir, await localPepper(dataDir), clock, async () => doc.destroy());
}

/** Refuses to open a folder `sadakat serve` runs on (a second engine on its files), saying what to do. */
function serveRunningError(dataDir: string, publication: ServePublication): DataFolderBusyError {
  return new DataFolderBusyError(
    `sadakat serve (pid ${publication.pid}, ${publication.ingestUrl}) runs on ${dataDir}: this command needs the folder to itself. Stop serve first (Ctrl-C, or kill ${publication.pid}: it drains what it accepted), or pass another --data-dir`,
  );
}

function runtimeOn(
  engine: DynamoEngine,
  doc: DynamoDBDocumentClient,
  dataDir: string,
  pepper: Pepper,
  clock: Clock,
  stop: () => Promise<void>,
): LocalRuntime {
  const eventsDlq = new LocalFifoQueue({ name: 'events-dlq.fifo', clock });
  const eventsQueue = new LocalFifoQueue({ name: 'events.fifo', clock, dlq: eventsDlq });
  const table = dynamoTableAdapters(doc, LOCAL_TABLE_NAME, pepper, clock);
  // This process's own archive files: a serve and a later command on the folder never share one.
  const archive = localArchive(dataDir, randomBytes(4).toString('hex'));
  return {
    engine,
    doc,
    tableName: LOCAL_TABLE_NAME,
    adapters: { table, events: eventsQueue, deadLetters: eventsQueue, clock, archive },
    profiles: table.profiles,
    orders: table.orders,
    identity: table.identity,
    eventsQueue,
    eventsDlq,
    dataDir,
    pepper,
    stop: async () => {
      await archive.flush();
      await stop();
    },
  };
}
