/**
 * Function bundles exactly as the CDK stack builds them (FUNCTION_BUNDLE: esbuild, ESM, minified,
 * node22, SDK bundled, linked source map), each beside a bare bundle built the same way that only
 * creates the AWS SDK clients the function uses (every `@aws-sdk/client-*` package and lib-dynamodb
 * in its bundle). Figures: the bundle's bytes (index.mjs; the map is not code; its cost shows in
 * the init figure), what it adds on top of the bare bundle
 * (target ≤ 250 KB), and cold module init in a fresh Node process with Lambda's NODE_OPTIONS
 * (target ≤ 1.5× the bare bundle), median of interleaved samples. Why these targets:
 * docs/decisions.md, 27.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFunctionBundle, FUNCTION_NODE_OPTIONS } from '../infra/constructs/function-bundle.js';
import type { BenchRow } from './bench-row.js';

const SAMPLES = 9;
const REGION = "{ region: 'eu-central-1' }";
/** The SDK packages a function may use, and how a bare bundle creates each. */
const CLIENTS: Record<string, string> = {
  'client-dynamodb': `import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; new DynamoDBClient(${REGION});`,
  'lib-dynamodb': `import { DynamoDBClient as D } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; DynamoDBDocumentClient.from(new D(${REGION}));`,
  'client-sqs': `import { SQSClient } from '@aws-sdk/client-sqs'; new SQSClient(${REGION});`,
  'client-sns': `import { SNSClient } from '@aws-sdk/client-sns'; new SNSClient(${REGION});`,
  'client-s3': `import { S3Client } from '@aws-sdk/client-s3'; new S3Client(${REGION});`,
  'client-secrets-manager': `import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'; new SecretsManagerClient(${REGION});`,
  'client-firehose': `import { FirehoseClient } from '@aws-sdk/client-firehose'; new FirehoseClient(${REGION});`,
  'client-connect': `import { ConnectClient } from '@aws-sdk/client-connect'; new ConnectClient(${REGION});`,
  'client-socialmessaging': `import { SocialMessagingClient } from '@aws-sdk/client-socialmessaging'; new SocialMessagingClient(${REGION});`,
  'client-sesv2': `import { SESv2Client } from '@aws-sdk/client-sesv2'; new SESv2Client(${REGION});`,
  'client-pinpoint-sms-voice-v2': `import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2'; new PinpointSMSVoiceV2Client(${REGION});`,
  'client-cloudwatch': `import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'; new CloudWatchClient(${REGION});`,
  'client-lambda': `import { LambdaClient } from '@aws-sdk/client-lambda'; new LambdaClient(${REGION});`,
};

/** The `@aws-sdk/client-*` (and lib-dynamodb) packages a bundle carries; one the bare bundle cannot build stops the bench. */
function sdkClients(inputs: readonly string[]): string[] {
  const found = new Set(
    inputs.flatMap((input) => input.match(/@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)\//)?.[1] ?? []),
  );
  const unknown = [...found].filter((client) => !(client in CLIENTS));
  if (unknown.length > 0)
    throw new Error(`bench/bundles.ts: no bare bundle for ${unknown.join(', ')}; add it to CLIENTS`);
  return Object.keys(CLIENTS).filter((client) => found.has(client));
}
export const ADDED_KB_TARGET = 250;
export const INIT_RATIO_TARGET = 1.5;

/**
 * CPU milliseconds (user + system) a fresh process spends importing each file, sampled in turns.
 * CPU time, not wall time: on this shared 2-core machine wall time is mostly waiting for a core,
 * while a Lambda init runs on its own; medians of CPU time are stable to a few ms.
 */
function initMs(files: readonly string[]): number[] {
  const samples = files.map((): number[] => []);
  for (let round = 0; round < SAMPLES; round++) {
    files.forEach((file, index) => {
      const script = `const c = process.cpuUsage(); await import(${JSON.stringify(file)}); const u = process.cpuUsage(c); process.stdout.write(String((u.user + u.system) / 1000));`;
      const env = {
        PATH: process.env.PATH,
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        AWS_REGION: 'eu-central-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      };
      samples[index]!.push(
        Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' })),
      );
    });
  }
  return samples.map((values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0);
}

async function kilobytes(file: string): Promise<number> {
  return (await stat(file)).size / 1024;
}

/** `only`: function names to measure (all of functions/ when empty). */
export async function run(only: readonly string[] = []): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sadakat-bundles-'));
  try {
    const rows: BenchRow[] = [];
    const functions = (await readdir('functions'))
      .filter((name) => name.endsWith('.ts') && (only.length === 0 || only.includes(name.replace(/\.ts$/, ''))))
      .sort();
    for (const name of functions) {
      const fn = name.replace(/\.ts$/, '');
      const meta = await buildFunctionBundle(join('functions', name), join(dir, fn));
      const clients = sdkClients(Object.keys(meta.inputs));
      await buildFunctionBundle(
        { contents: clients.map((client) => CLIENTS[client]).join('\n') || 'export {};' },
        join(dir, `${fn}.bare`),
      );
      const kb = await kilobytes(join(dir, fn, 'index.mjs'));
      const bareKb = await kilobytes(join(dir, `${fn}.bare`, 'index.mjs'));
      const [ms = 0, bareMs = 0] = initMs([join(dir, fn, 'index.mjs'), join(dir, `${fn}.bare`, 'index.mjs')]);
      const bare = `bare ${clients.map((client) => client.replace(/^client-/, '')).join(' + ') || 'empty'}`;
      rows.push({ name: `${fn} bundle KB`, value: kb, unit: 'KB', peerName: bare, peer: bareKb, ratio: kb / bareKb });
      rows.push({ name: `${fn} KB added to the SDK (target ≤ ${ADDED_KB_TARGET})`, value: kb - bareKb, unit: 'KB' });
      rows.push({
        name: `${fn} cold init CPU ms (target ≤ ${INIT_RATIO_TARGET}×)`,
        value: ms,
        unit: 'ms',
        peerName: bare,
        peer: bareMs,
        ratio: ms / bareMs,
      });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
