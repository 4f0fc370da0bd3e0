/**
 * Every function bundle, built once for all the tests that read them: cdk-synth.test.ts compares
 * each with what `cdk synth` deploys, the bundled e2e runs them, function-bundle.test.ts reads
 * their inputs. Built by buildFunctionBundle (the deployed esbuild options) into
 * `node_modules/.cache/sadakat-function-bundles/`, and reused while every file esbuild read for
 * them (their metafiles' inputs), the lockfile, the patches, tsconfig.json, the options and
 * esbuild's version are unchanged, so CI's two test phases and a developer's reruns build once.
 * Test workers that need them at the same time wait for one builder (test/file-lock.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { version as esbuildVersion, type Metafile } from 'esbuild';
import { buildFunctionBundle, esbuildOptions, REPO_ROOT } from '../infra/constructs/function-bundle.js';
import { withFileLock } from './file-lock.js';

export interface BuiltFunctionBundles {
  /** `<dir>/<name>/index.mjs` (and `.map`) for every `functions/<name>.ts`. */
  dir: string;
  /** esbuild's metafile of each bundle, by function name. */
  metafiles: Readonly<Record<string, Metafile>>;
}

const CACHE_ROOT = join(REPO_ROOT, 'node_modules/.cache/sadakat-function-bundles');
const BUILT = join(CACHE_ROOT, 'built');
const MANIFEST = 'manifest.json';
const LOCK = join(CACHE_ROOT, 'lock');
/** What decides the output besides the inputs esbuild lists: hashed into every manifest. */
const SETTINGS_FILES = ['package-lock.json', 'tsconfig.json', 'infra/constructs/function-bundle.ts'];

interface Manifest {
  settings: string;
  /** Every input of every bundle (relative to the repository) → sha256 of its content. */
  inputs: Record<string, string>;
  metafiles: Record<string, Metafile>;
}

let built: Promise<BuiltFunctionBundles> | undefined;

/** The bundles of every function, from the cache when it is current, built (once per process) otherwise. */
export function builtFunctionBundles(): Promise<BuiltFunctionBundles> {
  built ??= current();
  return built;
}

async function current(): Promise<BuiltFunctionBundles> {
  await mkdir(CACHE_ROOT, { recursive: true });
  const settings = await settingsHash();
  const cached = await valid(settings);
  if (cached) return cached;
  // Another worker may have built them while this one waited.
  return withFileLock(LOCK, async () => (await valid(settings)) ?? (await build(settings)));
}

async function valid(settings: string): Promise<BuiltFunctionBundles | undefined> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(BUILT, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.settings !== settings) return undefined;
  for (const [input, hash] of Object.entries(manifest.inputs)) {
    const path = join(REPO_ROOT, input);
    if (!existsSync(path) || sha256(await readFile(path)) !== hash) return undefined;
  }
  return { dir: BUILT, metafiles: manifest.metafiles };
}

async function build(settings: string): Promise<BuiltFunctionBundles> {
  // Holding the lock, nobody else builds: what other stagings remain, a dead builder left.
  for (const name of await readdir(CACHE_ROOT))
    if (name.startsWith('staging-')) await rm(join(CACHE_ROOT, name), { recursive: true, force: true });
  const staging = join(CACHE_ROOT, `staging-${process.pid}`);
  const metafiles: Record<string, Metafile> = {};
  await Promise.all(
    (await functionNames()).map(async (name) => {
      metafiles[name] = await buildFunctionBundle(join('functions', `${name}.ts`), join(staging, name));
    }),
  );
  const inputs: Record<string, string> = {};
  for (const input of new Set(Object.values(metafiles).flatMap((metafile) => Object.keys(metafile.inputs))))
    inputs[input] = sha256(await readFile(join(REPO_ROOT, input)));
  await writeFile(join(staging, MANIFEST), JSON.stringify({ settings, inputs, metafiles } satisfies Manifest));
  await rm(BUILT, { recursive: true, force: true });
  await rename(staging, BUILT);
  return { dir: BUILT, metafiles };
}

async function functionNames(): Promise<string[]> {
  return (await readdir(join(REPO_ROOT, 'functions')))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

async function settingsHash(): Promise<string> {
  const hash = createHash('sha256').update(esbuildVersion).update(JSON.stringify(esbuildOptions()));
  hash.update(JSON.stringify(await functionNames()));
  for (const file of SETTINGS_FILES) hash.update(await readFile(join(REPO_ROOT, file)));
  const patches = join(REPO_ROOT, 'patches');
  if (existsSync(patches))
    for (const file of (await readdir(patches)).sort()) hash.update(await readFile(join(patches, file)));
  return hash.digest('hex');
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
