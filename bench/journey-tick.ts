/**
 * Journey wake throughput on the embedded engine: N customers wait in viewed-not-bought's 2-hour
 * wait; the clock moves past it; journey-tick reads the runs' wakes and enqueues them, and
 * process-events advances every run (split, send request). Figure: due runs advanced per second.
 * Peer, same engine, same run: the bare minimum per due run — the wakes' Query pages plus one
 * GetItem and one conditional PutItem of a run-sized item — with no parsing or journey logic.
 * Both also per CPU-second of this process (dynalite runs on its worker thread): on a shared
 * machine wall time is mostly waiting for a core. Baseline, same run: the wakes as before decisions
 * 255 and 256 (`runReads: 'list'`: each reads the customer's runs with a Query, not the run it
 * names, and nothing is read ahead).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHandler as buildJourneyTickHandler } from '../functions/journey-tick.js';
import { DynamoJourneyStore } from '../shared/aws/dynamo-journey-store.js';
import { SHARD_COUNT, wakeShardKey } from '../shared/aws/table.js';
import { loadCampaign } from '../shared/config/campaign.js';
import { requireJourneys } from '../shared/journeys/campaign-journeys.js';
import { apiGatewayEvent } from '../shared/local/api-gateway-event.js';
import { localLambdaContext } from '../shared/local/lambda-context.js';
import { buildLocalHandlers } from '../shared/local/local-handlers.js';
import { LocalSendOutbox } from '../test/fakes/local-send-outbox.js';
import { drainQueue } from '../shared/local/queue-driver.js';
import { startLocalRuntime } from '../shared/local/runtime.js';
import { VirtualClock } from '../shared/local/virtual-clock.js';
import type { BenchRow } from './bench-row.js';

const KEY = 'bench-key';

/** Seconds of CPU (user + system) of this process: the handlers' thread and the engine's worker thread. */
function cpuOf(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

interface Timed {
  advanced: number;
  sends: number;
  seconds: number;
  cpuSeconds: number;
  /** DynamoDB requests in the timed part, per due run advanced. */
  requestsPerRun: number;
}

/** Every due run woken and advanced by journey-tick and process-events, timed; then `after` on the same engine. */
async function timedWakes(
  engine: 'dynamodb-local' | 'dynalite',
  customers: number,
  runReads: 'list' | undefined,
  after?: (runtime: Awaited<ReturnType<typeof startLocalRuntime>>, advanced: number) => Promise<void>,
): Promise<Timed> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-bench-tick-'));
  const clock = new VirtualClock(new Date('2026-11-02T10:00:00Z'));
  const runtime = await startLocalRuntime({ dataDir, engine, clock, fresh: true });
  try {
    const campaign = await loadCampaign('campaign');
    const journeys = await requireJourneys('campaign', campaign.settings, campaign.segments);
    const store = new DynamoJourneyStore(runtime.doc, runtime.tableName);
    const outbox = new LocalSendOutbox();
    const { ingest, processEvents } = buildLocalHandlers(runtime, {
      campaign,
      writeKeys: [KEY],
      journeys: { definitions: journeys, sends: outbox, ...(runReads ? { runReads } : {}) },
    });
    const tick = buildJourneyTickHandler({
      index: store,
      queue: runtime.eventsQueue,
      clock,
      logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
    });
    const authorization = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`;

    // Setup (not timed): every customer can be emailed and views a product, starting a run that waits 2 h.
    for (let start = 0; start < customers; start += 100) {
      const batch = Array.from(
        { length: Math.min(100, customers - start) },
        (_, offset) => `tick-${start + offset}`,
      ).flatMap((id) => [
        {
          type: 'identify',
          userId: id,
          traits: { email: `${id}@example.test`, consent: { email: true } },
          timestamp: clock.now().toISOString(),
        },
        {
          type: 'track',
          userId: id,
          event: 'Product Viewed',
          properties: { product_id: 'p1', category: 'shoes' },
          timestamp: clock.now().toISOString(),
        },
      ]);
      await ingest(
        apiGatewayEvent({
          method: 'POST',
          path: '/v1/batch',
          headers: { authorization },
          body: JSON.stringify({ batch }),
          at: clock.now(),
        }),
        localLambdaContext('ingest'),
      );
    }
    await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 16, clock });
    clock.advance(3 * 3_600_000);

    let requests = 0;
    runtime.doc.middlewareStack.add(
      (next) => (args) => {
        requests++;
        return next(args);
      },
      { step: 'initialize', name: 'benchRequestCount' },
    );
    const began = performance.now();
    const cpuBegan = process.cpuUsage();
    const result = await tick({}, localLambdaContext('journey-tick'));
    await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 16, clock });
    const seconds = (performance.now() - began) / 1000;
    const cpuSeconds = cpuOf(process.cpuUsage(cpuBegan));
    runtime.doc.middlewareStack.remove('benchRequestCount');
    const advanced = result.found;
    await after?.(runtime, advanced);
    return {
      advanced,
      sends: outbox.requests.length,
      seconds,
      cpuSeconds,
      requestsPerRun: requests / advanced,
    };
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The peer: query the same wake pages again, then one read + one conditional write per run. */
async function bareWakes(
  runtime: Awaited<ReturnType<typeof startLocalRuntime>>,
  advanced: number,
): Promise<{ seconds: number; cpuSeconds: number }> {
  const began = performance.now();
  const cpuBegan = process.cpuUsage();
  const keys: Record<string, unknown>[] = [];
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await runtime.doc.send(
        new QueryCommand({
          TableName: runtime.tableName,
          KeyConditionExpression: 'PK = :p AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':p': wakeShardKey(shard), ':from': '0', ':to': '9' },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      keys.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  const work = Array.from({ length: advanced }, (_, index) => ({ PK: `C#peer-${index}`, SK: 'J#peer#run' }));
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let index = next++; index < work.length; index = next++) {
        const key = work[index]!;
        await runtime.doc.send(new GetCommand({ TableName: runtime.tableName, Key: key, ConsistentRead: true }));
        await runtime.doc.send(
          new PutCommand({
            TableName: runtime.tableName,
            Item: { ...key, step: 'split', status: 'waiting', version: 1, body: 'x'.repeat(300) },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      }
    }),
  );
  return { seconds: (performance.now() - began) / 1000, cpuSeconds: cpuOf(process.cpuUsage(cpuBegan)) };
}

export async function run(
  options: { engine?: 'dynamodb-local' | 'dynalite'; customers?: number } = {},
): Promise<BenchRow[]> {
  const engine = options.engine ?? 'dynalite';
  const customers = options.customers ?? 1000;
  const baseline = await timedWakes(engine, customers, 'list');
  let peer = { seconds: Number.NaN, cpuSeconds: Number.NaN };
  const ours = await timedWakes(engine, customers, undefined, async (runtime, advanced) => {
    peer = await bareWakes(runtime, advanced);
  });
  const { advanced } = ours;
  const perSecond = (timed: { seconds: number }) => advanced / timed.seconds;
  const perCpuSecond = (timed: { cpuSeconds: number }) => advanced / timed.cpuSeconds;
  const beforeName = "before decisions 255-256 (runReads: 'list': a Query per wake, no reads ahead), same run";
  return [
    {
      name: `due runs advanced/s (${engine}, ${advanced} runs, ${ours.sends} sends)`,
      value: perSecond(ours),
      unit: 'runs/s',
      peerName: 'bare due Query + Get + conditional Put per run',
      peer: perSecond(peer),
      ratio: perSecond(ours) / perSecond(peer),
    },
    {
      name: 'due runs advanced per CPU-second (both threads: handlers and engine)',
      value: perCpuSecond(ours),
      unit: 'runs/CPU-s',
      peerName: 'the same bare peer per CPU-second',
      peer: perCpuSecond(peer),
      ratio: perCpuSecond(ours) / perCpuSecond(peer),
    },
    {
      name: `  before decisions 255-256: due runs advanced/s (${baseline.advanced} runs, ${baseline.sends} sends)`,
      value: advanced / baseline.seconds,
      unit: 'runs/s',
      peerName: 'the same bare peer',
      peer: perSecond(peer),
      ratio: advanced / baseline.seconds / perSecond(peer),
    },
    {
      name: '  before decisions 255-256: due runs advanced per CPU-second',
      value: advanced / baseline.cpuSeconds,
      unit: 'runs/CPU-s',
      peerName: 'the same bare peer per CPU-second',
      peer: perCpuSecond(peer),
      ratio: advanced / baseline.cpuSeconds / perCpuSecond(peer),
    },
    {
      name: 'DynamoDB requests per due run (tick, wake, run and profile writes)',
      value: ours.requestsPerRun,
      unit: 'requests',
      peerName: beforeName,
      peer: baseline.requestsPerRun,
      ratio: ours.requestsPerRun / baseline.requestsPerRun,
    },
  ];
}
