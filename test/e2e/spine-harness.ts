/** The spine on a real embedded engine, for e2e tests: post Segment calls, drain, read profiles. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCampaign, type Campaign } from '../../shared/config/campaign.js';
import { apiGatewayEvent, structuredResult } from '../../shared/local/api-gateway-event.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { buildLocalHandlers } from '../../shared/local/local-handlers.js';
import { drainQueue } from '../../shared/local/queue-driver.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';

export const WRITE_KEY = 'test-write-key';

type IngestAnswer = {
  statusCode: number;
  body: { accepted?: number; rejected?: { index: number; field: string; reason: string; messageId: string }[] };
};

export interface Spine {
  runtime: LocalRuntime;
  clock: VirtualClock;
  post(path: string, body: unknown): Promise<IngestAnswer>;
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** One storefront call through the real ingest handler, with the test write key, at the clock's time. */
export async function postToIngest(
  ingest: ReturnType<typeof buildLocalHandlers>['ingest'],
  clock: { now(): Date },
  path: string,
  body: unknown,
): Promise<IngestAnswer> {
  const result = structuredResult(
    await ingest(
      apiGatewayEvent({
        method: 'POST',
        path,
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
        },
        body: JSON.stringify(body),
        at: clock.now(),
      }),
      localLambdaContext('ingest'),
    ),
  );
  return { statusCode: result.statusCode ?? 200, body: JSON.parse(String(result.body ?? '{}')) };
}

/** The spine with the example campaign (campaign/): its settings and segment rules. */
export async function startSpine(engine: 'dynamodb-local' | 'dynalite', campaign?: Campaign): Promise<Spine> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-e2e-'));
  const clock = new VirtualClock(new Date('2026-11-02T10:00:00Z'));
  const runtime = await startLocalRuntime({ dataDir, engine, clock, fresh: true });
  const { ingest, processEvents } = buildLocalHandlers(runtime, {
    campaign: campaign ?? (await loadCampaign('campaign')),
    writeKeys: [WRITE_KEY],
    journeys: null,
  });
  return {
    runtime,
    clock,
    post: (path, body) => postToIngest(ingest, clock, path, body),
    async drain() {
      await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 4, clock });
    },
    async stop() {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Which engines this machine can run: DynamoDB Local needs Java ≥ 17. */
export function availableEngines(): ('dynamodb-local' | 'dynalite')[] {
  return javaAvailable() ? ['dynamodb-local', 'dynalite'] : ['dynalite'];
}

function javaAvailable(): boolean {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return /version "(1[7-9]|[2-9]\d)/.test(`${result.stderr ?? ''}${result.stdout ?? ''}`);
}
