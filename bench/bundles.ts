/**
 * Function bundles as the CDK stack builds them (esbuild, ESM, minified, node22, the same banner),
 * each beside a bare bundle that only creates the AWS SDK clients the function uses: bytes, and
 * cold module-init time in a fresh Node process (median of 5). The ratio is what our code and
 * its libraries add on top of the SDK a function cannot do without.
 */
import { build, type Metafile } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './bench-row.js';

const BANNER = "import { createRequire as sadakatCreateRequire } from 'node:module'; const require = sadakatCreateRequire(import.meta.url);";
const CLIENTS: Record<string, string> = {
  'client-dynamodb': "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; new DynamoDBClient({ region: 'eu-central-1' });",
  'client-sqs': "import { SQSClient } from '@aws-sdk/client-sqs'; new SQSClient({ region: 'eu-central-1' });",
  'client-ses': "import { SESClient } from '@aws-sdk/client-ses'; new SESClient({ region: 'eu-central-1' });",
  'client-sns': "import { SNSClient } from '@aws-sdk/client-sns'; new SNSClient({ region: 'eu-central-1' });",
  'client-s3': "import { S3Client } from '@aws-sdk/client-s3'; new S3Client({ region: 'eu-central-1' });",
  'client-secrets-manager': "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'; new SecretsManagerClient({ region: 'eu-central-1' });",
};

/** A file to bundle, or source text resolved from the repository root. */
async function bundle(entry: string | { contents: string }, outfile: string): Promise<Metafile> {
  const result = await build({
    ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { contents: entry.contents, resolveDir: process.cwd(), loader: 'ts' } }),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

function initMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const samples = Array.from({ length: 5 }, () =>
    Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, AWS_REGION: 'eu-central-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, encoding: 'utf8' })),
  );
  return samples.sort((a, b) => a - b)[2] ?? 0;
}

export async function run(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sadakat-bundles-'));
  try {
    const rows: BenchRow[] = [];
    const functions = (await readdir('functions')).filter((name) => name.endsWith('.ts')).sort();
    for (const name of functions) {
      const fn = name.replace(/\.ts$/, '');
      const out = join(dir, `${fn}.mjs`);
      const meta = await bundle(join('functions', name), out);
      const clients = Object.keys(CLIENTS).filter((client) => Object.keys(meta.inputs).some((input) => input.includes(`@aws-sdk/${client}/`)));
      const bareOut = join(dir, `${fn}.bare.mjs`);
      await bundle({ contents: clients.map((client) => CLIENTS[client]).join('\n') || 'export {};' }, bareOut);
      const kb = (await stat(out)).size / 1024;
      const bareKb = (await stat(bareOut)).size / 1024;
      const ms = initMs(out);
      const bareMs = initMs(bareOut);
      rows.push({ name: `${fn} bundle KB (SDK: ${clients.join(', ') || 'none'})`, value: kb, unit: 'KB', peerName: 'bare SDK clients bundle', peer: bareKb, ratio: kb / bareKb });
      rows.push({ name: `${fn} cold init ms`, value: ms, unit: 'ms', peerName: 'bare SDK clients init', peer: bareMs, ratio: ms / bareMs });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
