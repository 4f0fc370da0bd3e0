/** The local data folder every local command shares (DESIGN "Local embedded default"). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_DATA_DIR = '.sadakat';

export type EngineChoice = 'dynamodb-local' | 'dynalite' | 'auto';

/** Written by the runtime on first start: which engine owns the folder's data. */
export const RUNTIME_MANIFEST = 'runtime.json';

/** Whether a local runtime has ever written to this folder. */
export function hasLocalData(dataDir: string): boolean {
  return existsSync(join(dataDir, RUNTIME_MANIFEST));
}

/** The engine that wrote the folder's data (its formats differ), or undefined for a new folder. */
export function recordedEngine(dataDir: string): Exclude<EngineChoice, 'auto'> | undefined {
  if (!hasLocalData(dataDir)) return undefined;
  try {
    const engine = (JSON.parse(readFileSync(join(dataDir, RUNTIME_MANIFEST), 'utf8')) as { engine?: unknown }).engine;
    return engine === 'dynalite' || engine === 'dynamodb-local' ? engine : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The data folder is in use and cannot be opened here: another command holds the engine's files,
 * or `sadakat serve` runs on it where this command cannot attach. The message says what to do.
 */
export class DataFolderBusyError extends Error {
  override readonly name = 'DataFolderBusyError';
}
