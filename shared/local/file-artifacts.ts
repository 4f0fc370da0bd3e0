/**
 * The refresh's artifacts in the local data folder: `<dataDir>/refresh/<key>` (keys are
 * `<runId>/…json`), so a run can be inspected after `sadakat refresh` or the demo.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { ArtifactNotFoundError, InvalidArtifactError, type RefreshArtifacts } from '../analytics/refresh/ports.js';

export class FileRefreshArtifacts implements RefreshArtifacts {
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'refresh');
  }

  async put(key: string, value: unknown): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Written aside and renamed, so a reader never sees half a file.
    const partial = `${path}.partial`;
    await writeFile(partial, JSON.stringify(value));
    await rename(partial, path);
  }

  async get(key: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.pathOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ArtifactNotFoundError(key);
      throw error;
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new InvalidArtifactError(key, `not JSON (${(error as Error).message})`);
    }
  }

  /** Keys are ours, but a key escaping the folder would be a bug worth stopping at. */
  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    if (!path.startsWith(`${this.root}${sep}`))
      throw new Error(`artifact key ${JSON.stringify(key)} leaves ${this.root}`);
    return path;
  }
}
