/**
 * The local pepper (DESIGN "Trust"): `<dataDir>/pepper`, generated on first use (32 random bytes
 * as hex, readable by the owner only) and kept with the data it keys — a demo that clears the
 * data folder starts a new one, as its tombstones and suppressions go too.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Pepper } from '../privacy/pepper.js';

export const PEPPER_FILE = 'pepper';

export async function localPepper(dataDir: string): Promise<Pepper> {
  const path = join(dataDir, PEPPER_FILE);
  try {
    // `wx`: two commands starting at once never write two different peppers.
    await writeFile(path, `${Pepper.generateText()}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Pepper.parse(await readFile(path, 'utf8'), path);
}
