/**
 * `npm start` runs the CLI compiled ahead of time (bin/start.mjs, decision 270): the same commands
 * answer as through tsx, and the files read beside the modules at run time (the dynalite worker,
 * the console's stylesheet) are next to the compiled chunks.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

describe('npm start, compiled', () => {
  it('answers validate as the tsx CLI does and keeps the run-time files beside its chunks', async () => {
    // Prepare / Act
    const compiled = await run(process.execPath, ['bin/start.mjs', 'validate'], { cwd: ROOT });
    const throughTsx = await run(process.execPath, ['bin/sadakat.js', 'validate'], { cwd: ROOT });
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const versionLine = await run(process.execPath, ['bin/start.mjs', '--version'], { cwd: ROOT });

    // Assess
    expect(compiled.stdout).toBe(throughTsx.stdout);
    expect(versionLine.stdout.trim()).toBe(version);
    for (const file of ['main.js', 'dynalite-worker.mjs', 'dynalite-engine.mjs', 'console.css'])
      expect(existsSync(join(ROOT, '.cli-build', file)), file).toBe(true);
    const { inputs } = JSON.parse(await readFile(join(ROOT, '.cli-build', 'inputs.json'), 'utf8')) as {
      inputs: { path: string }[];
    };
    expect(inputs.map((input) => input.path)).toEqual(
      expect.arrayContaining(['cli/main.ts', 'shared/local/demo/run-demo.ts', 'bin/built-cli.mjs']),
    );
  });
});
