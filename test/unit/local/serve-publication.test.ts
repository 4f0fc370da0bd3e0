/**
 * Reading a data folder while another process holds it (issue 18, finding 3): serve's publication
 * (owner-only, stale when its process is gone), attaching to its engine, the access key dynalite's
 * loopback port requires, and a clear refusal where attaching cannot work. On dynalite, in process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openLocalData } from '../../../cli/local-data.js';
import { reportCliError, UserError } from '../../../cli/errors.js';
import { EXIT } from '../../../cli/exit-codes.js';
import { createDocumentClient } from '../../../shared/aws/dynamo-client.js';
import { DataFolderBusyError } from '../../../shared/local/data-dir.js';
import { attachLocalRuntime, startLocalRuntime, type LocalRuntime } from '../../../shared/local/runtime.js';
import {
  publicationPath,
  publishServe,
  readPublication,
  withdrawServe,
  type ServePublication,
} from '../../../shared/local/serve-publication.js';
import { systemClock } from '../../../shared/ports.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';

describe('serve publication and attaching', () => {
  let dataDir: string;
  let holder: LocalRuntime | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-attach-'));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await holder?.stop();
    holder = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  function publicationOf(runtime: LocalRuntime, pid = process.pid): ServePublication {
    return {
      pid,
      engine: runtime.engine.engine,
      endpoint: runtime.engine.endpoint,
      accessKeyId: runtime.engine.accessKeyId ?? 'local',
      tableName: runtime.tableName,
      ingestUrl: 'http://127.0.0.1:8787/v1/batch',
      startedAt: '2026-12-07T00:00:00.000Z',
    };
  }

  it('reads through the engine a running holder published, and the published file is the owner’s only', async () => {
    // Prepare: the holder writes a profile and publishes its engine, as serve does.
    holder = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock });
    await holder.profiles.putProfile(
      { ...emptyProfile('seen-1', '2026-12-07T00:00:00.000Z'), traits: { plan: 'gold' } },
      undefined,
    );
    await publishServe(dataDir, publicationOf(holder));

    // Act
    const reader = await openLocalData({ dataDir, engine: 'dynalite' });
    const profile = await reader.profiles.getProfile('seen-1');
    await reader.stop();

    // Assess
    expect(profile?.traits).toEqual({ plan: 'gold' });
    expect(statSync(publicationPath(dataDir)).mode & 0o777).toBe(0o600);
    // The reader's stop leaves the holder's engine running.
    expect((await holder.profiles.getProfile('seen-1'))?.id).toBe('seen-1');
    await withdrawServe(dataDir);
    expect(existsSync(publicationPath(dataDir))).toBe(false);
  });

  it("refuses requests on dynalite's loopback port that are not signed with the published access key", async () => {
    // Prepare
    holder = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock });
    const stranger = createDocumentClient({ endpoint: holder.engine.endpoint, maxAttempts: 1 });

    // Act
    const refused = await stranger.send(new ListTablesCommand({})).catch((error: Error) => error);
    stranger.destroy();
    const attached = await attachLocalRuntime(dataDir, publicationOf(holder), systemClock);
    const tables = await attached.doc.send(new ListTablesCommand({}));
    await attached.stop();

    // Assess
    expect(holder.engine.accessKeyId).toMatch(/^local-[A-Za-z0-9_-]{24}$/);
    expect(refused).toMatchObject({ name: 'UnrecognizedClientException' });
    expect(tables.TableNames).toEqual([holder.tableName]);
  });

  it('says why, and what to do, when another command holds the folder without publishing it', async () => {
    // Prepare
    holder = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock });

    // Act
    const error = await openLocalData({ dataDir, engine: 'dynalite' }).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toBeInstanceOf(DataFolderBusyError);
    expect(reportCliError(error)).toBe(EXIT.unavailable);
    expect((error as Error).message).toMatch(
      /is in use by another process .*Wait for it to finish, or pass another --data-dir/,
    );
  });

  it('refuses to open (or empty) a folder serve runs on, naming serve and how to stop it', async () => {
    // Prepare
    holder = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock });
    await publishServe(dataDir, publicationOf(holder));

    // Act
    const error = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock, fresh: true }).catch(
      (thrown: unknown) => thrown,
    );

    // Assess
    expect(error).toBeInstanceOf(DataFolderBusyError);
    expect((error as Error).message).toContain(`sadakat serve (pid ${process.pid}`);
    expect(existsSync(publicationPath(dataDir))).toBe(true);
  });

  it('removes the publication of a serve that no longer runs and opens the folder itself', async () => {
    // Prepare: a folder with data, and a publication whose process has exited.
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    holder = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock });
    const stale = publicationOf(holder, gone);
    await holder.stop();
    holder = undefined;
    await writeFile(publicationPath(dataDir), JSON.stringify(stale), { mode: 0o600 });

    // Act
    const state = (await readPublication(dataDir)).state;
    const reader = await openLocalData({ dataDir, engine: 'dynalite' });
    await reader.stop();

    // Assess
    expect(state).toBe('stale');
    expect(existsSync(publicationPath(dataDir))).toBe(false);
  });

  it('never attaches to an engine off the loopback address, whatever the file says', async () => {
    // Prepare
    holder = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock });
    const tampered = { ...publicationOf(holder), endpoint: 'http://203.0.113.9:8000' };
    await writeFile(publicationPath(dataDir), JSON.stringify(tampered), { mode: 0o600 });

    // Act
    const error = await openLocalData({ dataDir, engine: 'dynalite' }).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ exitCode: EXIT.unavailable });
    expect((error as Error).message).toContain('not a serve publication');
  });
});
