/**
 * How every function is bundled, in one place: SadakatFunction hands these values to
 * NodejsFunction (which runs the esbuild CLI), and bench/bundles.ts and the synth test build
 * with the esbuild API from the same values, so the measured bundle is the deployed one.
 * No aws-cdk-lib import here: the bench loads this file without CDK.
 *
 * `@aws-sdk/*` is bundled, not taken from the runtime (docs/decisions.md, 27): the version the
 * tests ran against ships, and a bundled, minified SDK loads faster than the runtime's copy.
 */
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const FUNCTION_BUNDLE = {
  format: 'esm',
  target: 'node22',
  minify: true,
  /** A linked `index.mjs.map` beside the bundle: Lambda runs with `--enable-source-maps`. */
  sourceMap: true,
  /** Mappings only: stack traces need no embedded sources, and the map stays small. */
  sourcesContent: false,
  /** ESM packages first (they tree-shake); CommonJS-only packages fall back to `main`. */
  mainFields: ['module', 'main'],
  /** CommonJS dependencies still `require` Node built-ins, which an ES module can only do through createRequire. */
  banner:
    "import { createRequire as sadakatCreateRequire } from 'node:module'; const require = sadakatCreateRequire(import.meta.url);",
  /** None: the SDK is bundled too (see above). */
  externalModules: [],
  /**
   * luxon ships an ES build for `import` and a CommonJS one for `require`; a bundle reaching both
   * would carry two copies (70 KB each). No function bundles luxon since cron-parser left
   * journey-schedule (decision 295); kept so one that does again gets one copy. Relative
   * to the repository root, where NodejsFunction runs esbuild.
   */
  alias: { luxon: './node_modules/luxon/build/node/luxon.js' },
  tsconfig: join(REPO_ROOT, 'tsconfig.json'),
} as const satisfies {
  format: 'esm';
  target: string;
  minify: boolean;
  sourceMap: boolean;
  sourcesContent: boolean;
  mainFields: readonly string[];
  banner: string;
  externalModules: readonly string[];
  alias: Readonly<Record<string, string>>;
  tsconfig: string;
};

/** Lambda's NODE_OPTIONS for every function; the bench loads bundles with the same. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/** FUNCTION_BUNDLE's options that NodejsFunction has no property for, as its `esbuildArgs`. */
export function esbuildCliArgs(): Record<string, string[]> {
  return { '--alias': Object.entries(FUNCTION_BUNDLE.alias).map(([name, path]) => `${name}=${path}`) };
}

/** The esbuild API options equal to what NodejsFunction passes the CLI for FUNCTION_BUNDLE. */
export function esbuildOptions(): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: FUNCTION_BUNDLE.format,
    target: FUNCTION_BUNDLE.target,
    minify: FUNCTION_BUNDLE.minify,
    sourcemap: FUNCTION_BUNDLE.sourceMap,
    sourcesContent: FUNCTION_BUNDLE.sourcesContent,
    mainFields: [...FUNCTION_BUNDLE.mainFields],
    banner: { js: FUNCTION_BUNDLE.banner },
    external: [...FUNCTION_BUNDLE.externalModules],
    alias: { ...FUNCTION_BUNDLE.alias },
    tsconfig: FUNCTION_BUNDLE.tsconfig,
    absWorkingDir: REPO_ROOT,
    logLevel: 'silent',
  };
}

/**
 * Bundles `entry` (functions/<name>.ts, or source text resolved from the repository root) to
 * `outDir/index.mjs` the way the stack does, and returns esbuild's metafile.
 */
export async function buildFunctionBundle(entry: string | { contents: string }, outDir: string): Promise<Metafile> {
  const result = await build({
    ...esbuildOptions(),
    ...(typeof entry === 'string'
      ? { entryPoints: [join(REPO_ROOT, entry)] }
      : { stdin: { contents: entry.contents, resolveDir: REPO_ROOT, loader: 'ts' } }),
    outfile: join(outDir, 'index.mjs'),
    metafile: true,
  });
  return result.metafile;
}
