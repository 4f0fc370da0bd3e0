/** Commands that read the local data folder refuse an empty one with what to run first. */
import { hasLocalData } from '../shared/local/data-dir.js';
import { UserError } from './errors.js';

export function requireLocalData(dataDir: string): void {
  if (!hasLocalData(dataDir))
    throw new UserError(
      `no local data in ${dataDir}: run \`sadakat demo\` or \`sadakat serve\` first, or pass --data-dir`,
    );
}
