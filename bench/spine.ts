/**
 * Spine throughput: events/s from ingest through the FIFO queue and process-events into
 * profiles on the embedded engine, beside a peer measured in the same run on the same engine:
 * the bare DynamoDB work one event needs at minimum (a GetItem and a conditional UpdateItem of
 * a profile-sized item), with no parsing, queueing or reducing. The ratio is what our layers
 * cost. Write capacity per event type is printed beside its floor (1 WCU for a ≤ 1 KB profile;
 * orders add the O# claim and its applied mark).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCampaign } from '../shared/config/campaign.js';
import { apiGatewayEvent } from '../shared/local/api-gateway-event.js';
import { CapacityStats } from '../shared/local/demo/capacity-stats.js';
import { SyntheticShop } from '../shared/local/demo/synthetic-shop.js';
import { localLambdaContext } from '../shared/local/lambda-context.js';
import { buildLocalHandlers } from '../shared/local/local-handlers.js';
import { drainQueue } from '../shared/local/queue-driver.js';
import { startLocalRuntime } from '../shared/local/runtime.js';
import { VirtualClock } from '../shared/local/virtual-clock.js';
import { bareProfilePair } from './bare-profile-pair.js';
import type { BenchRow } from './bench-row.js';

const WRITE_KEY = 'bench-key';
const FLOOR_WCU: Record<string, number> = { 'Order Completed': 3 };

export async function run(options: {
  engine: 'dynamodb-local' | 'dynalite';
  customers?: number;
  days?: number;
}): Promise<BenchRow[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-bench-'));
  const start = new Date('2026-11-02T00:00:00Z');
  const clock = new VirtualClock(start);
  const runtime = await startLocalRuntime({ dataDir, engine: options.engine, clock, fresh: true });
  try {
    const capacity = new CapacityStats();
    const { ingest, processEvents } = buildLocalHandlers(runtime, {
      campaign: await loadCampaign('campaign'),
      writeKeys: [WRITE_KEY],
      journeys: null,
      onOutcome: (outcome) => capacity.record(outcome.eventName ?? outcome.kind, outcome.capacityUnits),
    });
    const shop = new SyntheticShop({
      customers: options.customers ?? 2000,
      days: options.days ?? 2,
      seed: 11,
      liveStart: start,
    });
    const posts = [...shop.traffic()];
    const authorization = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

    const began = performance.now();
    let events = 0;
    for (const post of posts) {
      clock.set(post.at);
      await ingest(
        apiGatewayEvent({
          method: 'POST',
          path: post.path,
          headers: { authorization },
          body: JSON.stringify(post.body),
          at: post.at,
        }),
        localLambdaContext('ingest'),
      );
      events += Array.isArray(post.body.batch) ? post.body.batch.length : 1;
      if (runtime.eventsQueue.depth >= 500)
        await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 16, clock });
    }
    await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 16, clock });
    const ours = events / ((performance.now() - began) / 1000);

    // Peer: the same number of profile-sized read + conditional write pairs, same concurrency.
    const profile = JSON.parse(JSON.stringify((await runtime.profiles.getProfile('cust-000001')) ?? {})) as Record<
      string,
      unknown
    >;
    const pairs = Math.min(events, 5000);
    const peerBegan = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let index = next++; index < pairs; index = next++) {
          const key = { PK: `C#peer-${index % 500}`, SK: 'PROFILE' };
          await bareProfilePair(runtime.doc, runtime.tableName, key, profile);
        }
      }),
    );
    const peer = pairs / ((performance.now() - peerBegan) / 1000);

    const rows: BenchRow[] = [
      {
        name: `ingest→profile events/s (${options.engine})`,
        value: ours,
        unit: 'events/s',
        peerName: 'bare Get+conditional Update pairs/s',
        peer,
        ratio: ours / peer,
      },
    ];
    for (const [name, figure] of Object.entries(capacity.summary())) {
      const floor = FLOOR_WCU[name] ?? 1;
      rows.push({
        name: `WCU per ${name} (mean, p99 ${figure.p99})`,
        value: figure.mean,
        unit: 'WCU',
        peerName: 'floor',
        peer: floor,
        ratio: figure.mean / floor,
      });
    }
    return rows;
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
