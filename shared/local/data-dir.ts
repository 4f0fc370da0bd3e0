/** The local data folder every local command shares (DESIGN "Local embedded default"). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_DATA_DIR = '.sadakat';

export type EngineChoice = 'dynamodb-local' | 'dynalite' | 'auto';

/** Written by the runtime on first start: which engine owns the folder's data. */
export const RUNTIME_MANIFEST = 'runtime.json';

/** Whether a local runtime has ever written to this folder. */
export function hasLocalData(dataDir: string): boolean {
  return existsSync(join(dataDir, RUNTIME_MANIFEST));
}
