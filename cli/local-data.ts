/**
 * Opening the local data folder for a command: one place that refuses a missing folder (a read
 * command never creates one), starts the runtime and says which engine serves the data.
 */
import { rm } from 'node:fs/promises';
import { hasLocalData, type EngineChoice } from '../shared/local/data-dir.js';
import type { LocalRuntime } from '../shared/local/runtime.js';
import { systemClock } from '../shared/ports.js';
import { UserError } from './errors.js';
import { EXIT } from './exit-codes.js';

export function requireLocalData(dataDir: string): void {
  if (!hasLocalData(dataDir))
    throw new UserError(
      `no local data in ${dataDir}: run \`sadakat demo\` or \`sadakat serve\` first, or pass --data-dir`,
    );
}

export interface LocalDataOptions {
  dataDir: string;
  engine: EngineChoice;
}

/**
 * The runtime on the folder, after checking it holds data (`create: true` for commands that
 * write, such as imports). While `sadakat serve` runs on the folder, the command attaches to
 * serve's engine (its publication, serve.json) instead of opening the files serve holds. The
 * engine used is printed on stderr, so stdout stays parseable.
 */
export async function openLocalData(options: LocalDataOptions, { create = false } = {}): Promise<LocalRuntime> {
  if (!create) requireLocalData(options.dataDir);
  const [{ startLocalRuntime, attachLocalRuntime }, { readPublication, publicationPath }] = await Promise.all([
    import('../shared/local/runtime.js'),
    import('../shared/local/serve-publication.js'),
  ]);
  const serving = await readPublication(options.dataDir);
  if (serving.state === 'live') {
    const { publication } = serving;
    if (options.engine !== 'auto' && options.engine !== publication.engine)
      throw new UserError(
        `--engine ${options.engine}: sadakat serve (pid ${publication.pid}) runs on ${options.dataDir} with ${publication.engine}; drop --engine to read through it, or stop serve first`,
        EXIT.unavailable,
      );
    const runtime = await attachLocalRuntime(options.dataDir, publication, systemClock);
    process.stderr.write(
      `sadakat: data ${options.dataDir} (engine ${publication.engine} of sadakat serve, pid ${publication.pid})\n`,
    );
    return runtime;
  }
  if (serving.state === 'unreadable')
    throw new UserError(
      `${publicationPath(options.dataDir)}: ${serving.reason}. sadakat serve writes this file while it runs; if no serve runs on ${options.dataDir}, delete it`,
      EXIT.unavailable,
    );
  if (serving.state === 'stale') {
    // Its serve died without withdrawing it (a kill -9, a crash): nothing answers there any more.
    await rm(publicationPath(options.dataDir), { force: true });
    process.stderr.write(
      `sadakat: removed ${publicationPath(options.dataDir)}: its serve (pid ${serving.publication.pid}) no longer runs\n`,
    );
  }
  const runtime = await startLocalRuntime({ dataDir: options.dataDir, engine: options.engine, clock: systemClock });
  process.stderr.write(`sadakat: data ${options.dataDir} (engine ${runtime.engine.engine})\n`);
  return runtime;
}
