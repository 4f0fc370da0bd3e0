/**
 * The real thing, once: `cdk synth` through cdk.json, offline, bundling every function with the
 * local esbuild. Every bundle it deploys must equal the one the other tests run and measure
 * (test/built-function-bundles.ts). Then the bundled process-events is started the way Lambda
 * would (its own folder, the compiled campaign) to prove the bundle and the compiled campaign
 * work together.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/sadakat-function.js';
import { type BuiltFunctionBundles, builtFunctionBundles } from '../built-function-bundles.js';

const run = promisify(execFile);
const SYNTH_TIMEOUT_MS = 240_000;
/** Building every bundle (or waiting for the test worker that builds them) on a busy machine. */
const BUNDLES_TIMEOUT_MS = 240_000;

let outDir: string;
let pipeline: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
let built: BuiltFunctionBundles;

beforeAll(async () => {
  // The bundles the deployed ones must equal, before the synth: esbuild building them all at once
  // beside it would slow the synth past its timeout on a busy machine.
  built = await builtFunctionBundles();
  outDir = await mkdtemp(join(tmpdir(), 'sadakat-cdk-out-'));
  await run(join(REPO_ROOT, 'node_modules/.bin/cdk'), ['synth', '--no-notices', '-q', '-o', outDir, '-c', 'stage=ci'], {
    cwd: REPO_ROOT,
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    timeout: SYNTH_TIMEOUT_MS,
  });
  pipeline = JSON.parse(await readFile(join(outDir, 'Sadakat-ci-Pipeline.template.json'), 'utf8'));
}, BUNDLES_TIMEOUT_MS + SYNTH_TIMEOUT_MS);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** The asset folder of the function whose Powertools service name is `service`. */
function assetDir(service: string): string {
  const fn = Object.values(pipeline.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      JSON.stringify(resource.Properties.Environment).includes(`"POWERTOOLS_SERVICE_NAME":"${service}"`),
  );
  const key = (fn?.Properties.Code as { S3Key?: string } | undefined)?.S3Key;
  expect(key, service).toMatch(/^[0-9a-f]{64}\.zip$/);
  return join(outDir, `asset.${key!.replace(/\.zip$/, '')}`);
}

describe('cdk synth', () => {
  it('writes both stacks', async () => {
    // Act
    const files = await readdir(outDir);

    // Assess
    expect(files).toEqual(
      expect.arrayContaining(['Sadakat-ci-Data.template.json', 'Sadakat-ci-Pipeline.template.json']),
    );
  });

  it('bundles process-events as an ES module with its source map and the compiled campaign', async () => {
    // Act
    const files = await readdir(assetDir('process-events'), { recursive: true });

    // Assess
    expect(files.sort()).toEqual(['campaign.json', 'index.mjs', 'index.mjs.map']);
  });

  it('leaves the campaign out of functions that do not read it', () => {
    // Assess
    // (ingest reads the campaign's `trust` settings since issue 17; admin-forget reads no campaign.)
    expect(existsSync(join(assetDir('admin-forget'), 'index.mjs'))).toBe(true);
    expect(existsSync(join(assetDir('admin-forget'), 'campaign.json'))).toBe(false);
  });

  it('bundles every function exactly as the tests and bench/bundles.ts build it (one set of esbuild options)', async () => {
    // Prepare
    const services = Object.values(pipeline.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => JSON.stringify(resource.Properties.Environment))
      .flatMap((environment) => /"POWERTOOLS_SERVICE_NAME":"([^"]+)"/.exec(environment)?.[1] ?? []);

    // Act
    const differing: string[] = [];
    for (const service of services)
      if (
        (await readFile(join(built.dir, service, 'index.mjs'), 'utf8')) !==
        (await readFile(join(assetDir(service), 'index.mjs'), 'utf8'))
      )
        differing.push(service);

    // Assess
    expect(services).toContain('process-events');
    expect(differing).toEqual([]);
  });

  it('produces a process-events bundle that loads the bundled campaign and answers an empty batch', async () => {
    // Prepare
    const dir = assetDir('process-events');
    const script = [
      `const { handler } = await import(${JSON.stringify(join(dir, 'index.mjs'))});`,
      `const context = { functionName: 'process-events', awsRequestId: 'r1', getRemainingTimeInMillis: () => 30000 };`,
      `process.stdout.write(JSON.stringify(await handler({ Records: [] }, context)));`,
    ].join('\n');

    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        CAMPAIGN_JSON: join(dir, 'campaign.json'),
        TABLE_NAME: 'sadakat-ci',
        SENDS_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/000000000000/sends.fifo',
        EVENTS_DLQ_URL: 'https://sqs.eu-central-1.amazonaws.com/000000000000/events-dlq.fifo',
        EVENTS_MAX_RECEIVE_COUNT: '5',
        AWS_REGION: 'eu-central-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_SERVICE_NAME: 'process-events',
        LOG_LEVEL: 'ERROR',
      },
    });

    // Assess
    expect(JSON.parse(stdout)).toEqual({ batchItemFailures: [] });
  });
});
