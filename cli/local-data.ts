/**
 * Opening the local data folder for a command: one place that refuses a missing folder (a read
 * command never creates one), starts the runtime and says which engine serves the data.
 */
import { hasLocalData, type EngineChoice } from '../shared/local/data-dir.js';
import type { LocalRuntime } from '../shared/local/runtime.js';
import { systemClock } from '../shared/ports.js';
import { UserError } from './errors.js';

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
 * write, such as imports). The engine used is printed on stderr, so stdout stays parseable.
 */
export async function openLocalData(options: LocalDataOptions, { create = false } = {}): Promise<LocalRuntime> {
  if (!create) requireLocalData(options.dataDir);
  const { startLocalRuntime } = await import('../shared/local/runtime.js');
  const runtime = await startLocalRuntime({ dataDir: options.dataDir, engine: options.engine, clock: systemClock });
  process.stderr.write(`sadakat: data ${options.dataDir} (engine ${runtime.engine.engine})\n`);
  return runtime;
}
