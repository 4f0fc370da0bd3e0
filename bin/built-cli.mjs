// The CLI compiled ahead of time for `npm start` (issue 19): tsx compiles each TypeScript module
// as it is imported and routes every import, node_modules included, through its loader hooks on
// another thread — ≈ 4 s of CPU before the demo's first phase, about half of it saved by running
// one esbuild output on plain Node. The output (`.cli-build/`, one file per command and shared
// chunks, packages left to node_modules) is rebuilt when any source file it was built from
// changed, so an edit shows up at the next start as it does through tsx.
//
// Plain JavaScript: it runs before any TypeScript loader.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * One level below the root: main.ts reads `../package.json` from its own location, and the
 * engine's worker and the console's stylesheet are found beside the chunk that names them.
 */
const OUT = join(ROOT, '.cli-build');
const STAMP = join(OUT, 'inputs.json');
/** Files read beside the modules at run time, by URL relative to the module: copied next to the chunks. */
const ASSETS = ['shared/local/dynalite-worker.mjs', 'shared/local/dynalite-engine.mjs', 'console/console.css'];
/** Outputs of earlier builds no longer produced are removed once this old (a running command may still load them). */
const STALE_AFTER_MS = 3_600_000;

/** The file URL of the built CLI's entry, built first if missing or stale; undefined when it cannot be built. */
export async function builtCli() {
  try {
    if (!(await isFresh())) await build();
    return pathToFileURL(join(OUT, 'main.js')).href;
  } catch {
    // No esbuild (installed without dev dependencies) or a source that does not compile: tsx
    // runs the sources as `sadakat` does and reports the error, if any, with its own message.
    return undefined;
  }
}

/** Each input's size and modification time, as the stamp keeps them. */
async function fingerprint(path) {
  const { size, mtimeMs } = await stat(join(ROOT, path));
  return { path, size, mtimeMs };
}

async function isFresh() {
  let stamp;
  try {
    stamp = JSON.parse(await readFile(STAMP, 'utf8'));
  } catch {
    return false;
  }
  const now = await Promise.all(stamp.inputs.map((input) => fingerprint(input.path).catch(() => undefined)));
  return now.every(
    (input, index) => input && input.size === stamp.inputs[index].size && input.mtimeMs === stamp.inputs[index].mtimeMs,
  );
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: { main: 'cli/main.ts' },
    bundle: true,
    // node_modules load as they are: the same packages, resolved the same way.
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Each command stays its own chunk, loaded on use (cli/commands/index.ts).
    splitting: true,
    keepNames: true,
    outdir: OUT,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  await mkdir(OUT, { recursive: true });
  // Each file replaced whole (written aside, then renamed): a command starting meanwhile reads the old or the new one.
  const written = new Set();
  const place = async (target, contents) => {
    const aside = `${target}.${process.pid}.tmp`;
    await writeFile(aside, contents);
    await rename(aside, target);
    written.add(basename(target));
  };
  for (const file of result.outputFiles) {
    await mkdir(dirname(file.path), { recursive: true });
    await place(file.path, file.contents);
  }
  for (const asset of ASSETS) await place(join(OUT, basename(asset)), await readFile(join(ROOT, asset)));
  await removeStale(written);
  const inputs = await Promise.all(
    [...Object.keys(result.metafile.inputs), ...ASSETS, relative(ROOT, fileURLToPath(import.meta.url))].map(
      fingerprint,
    ),
  );
  await place(STAMP, JSON.stringify({ inputs }));
}

async function removeStale(written) {
  for (const name of await readdir(OUT)) {
    if (written.has(name) || name === basename(STAMP)) continue;
    const path = join(OUT, name);
    const { mtimeMs } = await stat(path);
    if (Date.now() - mtimeMs > STALE_AFTER_MS) await rm(path, { force: true });
  }
}
