/**
 * Nothing accepted is lost when `sadakat serve` stops (issue 18, finding 1), on both engines: the
 * real CLI in a child process, events posted and SIGTERM sent the moment the first is accepted,
 * several rounds on one data folder; then every event that was answered 200 is in its profile.
 * Requests that arrive while serve drains get 503 with Retry-After (not accepted, not lost). While
 * serve runs, `sadakat profile` reads through its engine (finding 3). A drain that cannot finish
 * exits 2 and says how many events it lost.
 *
 * DynamoDB Local needs Java 17, which CI machines have (STACK.md): without it this test fails.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openLocalData } from '../../cli/local-data.js';
import { createDocumentClient } from '../../shared/aws/dynamo-client.js';
import type { EngineName } from '../../shared/local/dynamo-engine.js';
import { startLocalRuntime } from '../../shared/local/runtime.js';
import { publicationPath, type ServePublication } from '../../shared/local/serve-publication.js';
import { systemClock } from '../../shared/ports.js';

const WRITE_KEY = 'serve-stop-key';
const AUTHORIZATION = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
/** Posts per round: the first is awaited, SIGTERM goes out, the rest race the drain. */
const POSTS_PER_ROUND = 8;

/** Every serve started, so a failed or timed-out test leaves none running. */
const started = new Set<ChildProcess>();
afterAll(async () => {
  for (const child of started) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
  }
});

/** Child processes on 2 busy cores: a round is a few seconds of CPU, much longer in wall time under load. */
const TIMEOUT_MS = 300_000;

interface ServeChild {
  child: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startServeChild(dataDir: string, engine: EngineName): Promise<ServeChild> {
  const child = spawn(
    process.execPath,
    ['bin/sadakat.js', 'serve', '--data-dir', dataDir, '--engine', engine, '--port', '0', '--write-key', WRITE_KEY],
    { env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  started.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    child.once('exit', (code) => done({ code, stdout, stderr })),
  );
  return new Promise((resolve, reject) => {
    const listening = (): void => {
      const port = /http:\/\/127\.0\.0\.1:(\d+)\/v1\/batch/.exec(stdout)?.[1];
      if (port === undefined) return;
      child.stdout?.off('data', listening);
      resolve({ child, port: Number(port), exited });
    };
    child.stdout?.on('data', listening);
    void exited.then((result) =>
      reject(new Error(`serve exited before listening (${result.code}): ${result.stderr || result.stdout}`)),
    );
  });
}

/** Posts one identify; the customer id is returned when it was accepted, undefined when refused. */
async function post(port: number, customerId: string): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}/v1/identify`, {
      method: 'POST',
      headers: { authorization: AUTHORIZATION, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'identify', userId: customerId, traits: { marker: customerId } }),
    });
  } catch {
    // Serve closed its socket before this request reached it: not accepted, and the client knows.
    return undefined;
  }
  const body = await response.text();
  if (response.status === 503) {
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    return undefined;
  }
  expect({ status: response.status, body }).toEqual({ status: 200, body: '{"accepted":1,"rejected":[]}' });
  return customerId;
}

const sadakat = promisify(execFile);

/**
 * `sadakat profile <id>` while serve runs (what it prints, stderr included), retried while the
 * event is still being processed. On dynalite through the real CLI; on DynamoDB Local the same
 * attach (openLocalData) in this process, which spares a second CLI start-up.
 */
async function readWhileServe(engine: EngineName, dataDir: string, customerId: string): Promise<string> {
  let printed = '';
  // serve processes the event on its own schedule (slower on DynamoDB Local, and when other
  // suites share the cores): read again until it is there or 60 s have passed.
  const deadline = Date.now() + 60_000;
  for (let attempt = 0; !printed.includes('"marker"') && Date.now() < deadline; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    if (engine === 'dynalite') {
      const read = await sadakat(process.execPath, ['bin/sadakat.js', 'profile', customerId, '--data-dir', dataDir], {
        env: { ...process.env, FORCE_COLOR: '0' },
      }).catch((error: { stdout: string; stderr: string }) => error);
      printed = `${read.stdout}${read.stderr}`;
      continue;
    }
    let notes = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      notes += String(chunk);
      return true;
    });
    const runtime = await openLocalData({ dataDir, engine }).finally(() => spy.mockRestore());
    const profile = await runtime.profiles.getProfile(customerId);
    await runtime.stop();
    printed = `${JSON.stringify(profile, null, 2)}${notes}`;
  }
  return printed;
}

describe.each([
  ['dynalite', 3],
  ['dynamodb-local', 2],
] as const)('sadakat serve on %s, stopped right after posting', (engine, rounds) => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `sadakat-serve-stop-${engine}-`));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    `keeps every accepted event over ${rounds} immediate stops, and is readable while it runs`,
    async () => {
      // Prepare
      const dataDir = join(dir, 'data');
      const accepted: string[] = [];
      let readWhileServing = '';
      let publicationMode = 0;
      const exits: { code: number | null; stdout: string }[] = [];

      // Act
      for (let round = 0; round < rounds; round++) {
        const serve = await startServeChild(dataDir, engine);
        if (round === 0) {
          // Read while serving: the posted event, through serve's engine.
          accepted.push((await post(serve.port, 'reader-0')) as string);
          publicationMode = statSync(publicationPath(dataDir)).mode & 0o777;
          readWhileServing = await readWhileServe(engine, dataDir, 'reader-0');
        }
        const first = await post(serve.port, `r${round}-0`);
        serve.child.kill('SIGTERM');
        const rest = await Promise.all(
          Array.from({ length: POSTS_PER_ROUND - 1 }, (_, index) => post(serve.port, `r${round}-${index + 1}`)),
        );
        accepted.push(...[first, ...rest].filter((id): id is string => id !== undefined));
        exits.push(await serve.exited);
      }
      const runtime = await startLocalRuntime({ dataDir, engine, clock: systemClock });
      const markers = await Promise.all(
        accepted.map(async (id) => (await runtime.profiles.getProfile(id))?.traits.marker),
      );
      await runtime.stop();

      // Assess
      expect(publicationMode).toBe(0o600);
      expect(readWhileServing).toContain(`engine ${engine} of sadakat serve`);
      expect(readWhileServing).toContain('"marker": "reader-0"');
      for (const exit of exits) {
        expect(exit).toMatchObject({ code: 0 });
        expect(exit.stdout).toContain('stopped cleanly');
      }
      expect(existsSync(publicationPath(dataDir))).toBe(false);
      // At least the first post of every round was accepted before the stop.
      expect(accepted.length).toBeGreaterThan(rounds);
      expect(markers).toEqual(accepted);
    },
    TIMEOUT_MS,
  );
});

describe('sadakat serve, when accepted events cannot be processed', () => {
  it(
    'exits 2 after the drain, saying how many accepted events it lost',
    async () => {
      // Prepare: serve runs, then its table disappears (read through its publication), so processing fails.
      const dir = await mkdtemp(join(tmpdir(), 'sadakat-serve-lost-'));
      try {
        const dataDir = join(dir, 'data');
        const serve = await startServeChild(dataDir, 'dynalite');
        const publication = JSON.parse(await readFile(publicationPath(dataDir), 'utf8')) as ServePublication;
        const client = createDocumentClient({
          endpoint: publication.endpoint,
          credentials: { accessKeyId: publication.accessKeyId, secretAccessKey: 'local' },
        });
        await client.send(new DeleteTableCommand({ TableName: publication.tableName }));
        client.destroy();

        // Act
        const accepted = await post(serve.port, 'lost-1');
        serve.child.kill('SIGTERM');
        const exit = await serve.exited;

        // Assess
        expect(accepted).toBe('lost-1');
        expect(exit.code).toBe(2);
        expect(exit.stderr).toContain('1 accepted event could not be finished');
        expect(exit.stdout).not.toContain('stopped cleanly');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );
});
