/**
 * `sadakat demo`: the whole spine on the embedded runtime — a synthetic shop's history imported,
 * then a live week of storefront traffic through the real ingest handler, the in-process FIFO
 * queue and the real process-events handler, on a virtual clock.
 */
import { loadCampaign, type Campaign } from '../../config/campaign.js';
import { importOrders } from '../../profiles/import-orders.js';
import { apiGatewayEvent, structuredResult } from '../api-gateway-event.js';
import { drainQueue } from '../queue-driver.js';
import type { EngineChoice } from '../data-dir.js';
import { startLocalRuntime, type LocalRuntime } from '../runtime.js';
import { VirtualClock } from '../virtual-clock.js';
import { CapacityStats, type CapacityFigure } from './capacity-stats.js';
import { countProfiles, type ProfileCounts } from '../../aws/dynamo-profile-census.js';
import { SyntheticShop } from './synthetic-shop.js';
import { localLambdaContext } from '../lambda-context.js';
import { buildLocalHandlers } from '../local-handlers.js';
import { runLocalRefresh, type LocalRefreshSummary } from '../local-refresh.js';
import { runExpiryPass } from '../expiry-scheduler.js';

/** The live traffic starts on a fixed Monday, so the same seed gives the same summary any day. */
export const DEMO_LIVE_START = new Date('2026-11-02T00:00:00Z');
const DEMO_WRITE_KEY = 'demo-write-key';
const HOUR_MS = 3_600_000;
/** Every four simulated hours (AWS runs it every few minutes; a coarser local cadence saves requests). */
const EXPIRY_PASS_EVERY_MS = 4 * HOUR_MS;

export interface DemoOptions {
  customers: number;
  days: number;
  seed: number;
  dataDir: string;
  engine: EngineChoice;
  campaignDir: string;
  onProgress?: (phase: 'history' | 'refresh' | 'traffic', done: number, total: number) => void;
}

export interface DemoSummary {
  seed: number;
  engine: string;
  customers: Omit<ProfileCounts, 'segments'>;
  /** Members per segment at the end, and how many entered / exited during the live traffic. */
  segments: Record<string, { members: number; entered: number; exited: number }>;
  history: { orders: number; customers: number; capacityUnits: number };
  /** The nightly refresh run on the night before the live week. */
  refresh: Pick<LocalRefreshSummary, 'asOf' | 'customers' | 'scored' | 'rfmSegments' | 'clv' | 'recommendations'>;
  events: {
    posted: number;
    accepted: number;
    rejected: number;
    rejectedByReason: Record<string, number>;
    /** Redelivered or re-posted events that changed nothing. */
    duplicates: number;
  };
  profilesWritten: number;
  identityMerges: number;
  /** Write capacity units per processed message, by event name. */
  writeCapacity: Record<string, CapacityFigure>;
  queue: { deliveries: number; retried: number; deadLettered: number };
  /** Expiry passes run on the virtual clock and the rechecks they enqueued. */
  expiry: { passes: number; rechecks: number };
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const clock = new VirtualClock(DEMO_LIVE_START);
  const campaign = await loadCampaign(options.campaignDir);
  const runtime = await startLocalRuntime({ dataDir: options.dataDir, engine: options.engine, clock, fresh: true });
  try {
    return await playDemo(runtime, clock, options, campaign);
  } finally {
    await runtime.stop();
  }
}

async function playDemo(
  runtime: LocalRuntime,
  clock: VirtualClock,
  options: DemoOptions,
  campaign: Campaign,
): Promise<DemoSummary> {
  const shop = new SyntheticShop({ customers: options.customers, days: options.days, seed: options.seed, liveStart: DEMO_LIVE_START });

  const capacity = new CapacityStats();
  let profilesWritten = 0;
  let duplicates = 0;
  let identityMerges = 0;
  const segmentFlows: Record<string, { entered: number; exited: number }> = {};
  const flow = (id: string) => (segmentFlows[id] ??= { entered: 0, exited: 0 });
  const { core, ingest, processEvents } = buildLocalHandlers(runtime, {
    campaign,
    clock,
    writeKeys: [DEMO_WRITE_KEY],
    onOutcome: (outcome) => {
      capacity.record(outcome.eventName ?? outcome.kind, outcome.capacityUnits);
      if (outcome.status === 'applied') profilesWritten++;
      if (outcome.status === 'duplicate') duplicates++;
      if (outcome.merge === 'merged') identityMerges++;
    },
    segmentChanges: {
      publish: (changes) => {
        for (const id of changes.entered) flow(id).entered++;
        for (const id of changes.exited) flow(id).exited++;
      },
    },
  });

  const imported = await importOrders(core, shop.history(), {
    concurrency: 16,
    onProgress: (done, total) => options.onProgress?.('history', done, total),
  });

  // The night before the live week: RFM, CLV and recommendations for everyone with history, so
  // segments such as `best` and `churn_risk` have members when traffic starts.
  const refreshed = await runLocalRefresh(runtime, {
    clock,
    campaign,
    asOf: new Date(DEMO_LIVE_START.getTime() - 86_400_000).toISOString().slice(0, 10),
    onProgress: (phase, done, total) => {
      if (phase !== 'summarize') options.onProgress?.('refresh', done, total);
    },
  });
  const { asOf, customers: refreshCustomers, scored, rfmSegments, clv, recommendations } = refreshed;

  const events = { posted: 0, accepted: 0, rejected: 0, rejectedByReason: {} as Record<string, number>, duplicates: 0 };
  const queueStats = { deliveries: 0, retried: 0, deadLettered: 0 };
  const drain = async (): Promise<void> => {
    const stats = await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 16, clock });
    queueStats.deliveries += stats.delivered;
    queueStats.retried += stats.failed;
    queueStats.deadLettered += stats.movedToDlq;
  };

  // What EventBridge Scheduler does every few minutes in AWS: find lapsed time windows.
  const expiry = { passes: 0, rechecks: 0 };
  const expiryPass = async (): Promise<void> => {
    const result = await runExpiryPass(runtime, clock);
    expiry.passes++;
    expiry.rechecks += result.enqueued;
    await drain();
  };

  const posts = [...shop.traffic()];
  let lastDrain = DEMO_LIVE_START.getTime();
  let lastExpiryPass = lastDrain;
  for (const [index, post] of posts.entries()) {
    if (post.at.getTime() - lastDrain >= HOUR_MS) {
      await drain();
      lastDrain = post.at.getTime();
    }
    if (post.at.getTime() - lastExpiryPass >= EXPIRY_PASS_EVERY_MS) {
      clock.set(post.at);
      await expiryPass();
      lastExpiryPass = post.at.getTime();
    }
    clock.set(post.at);
    const body = JSON.stringify(post.body);
    const response = structuredResult(
      await ingest(
        apiGatewayEvent({
          method: 'POST',
          path: post.path,
          headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${DEMO_WRITE_KEY}:`).toString('base64')}` },
          body,
          at: post.at,
        }),
        localLambdaContext('ingest'),
      ),
    );
    events.posted += Array.isArray(post.body.batch) ? post.body.batch.length : 1;
    const result = JSON.parse(String(response.body ?? '{}')) as { accepted?: number; rejected?: { field: string; reason: string }[] };
    events.accepted += result.accepted ?? 0;
    for (const rejection of result.rejected ?? []) {
      events.rejected++;
      const key = `${rejection.field}: ${rejection.reason}`;
      events.rejectedByReason[key] = (events.rejectedByReason[key] ?? 0) + 1;
    }
    options.onProgress?.('traffic', index + 1, posts.length);
  }
  clock.advance(HOUR_MS);
  await drain();
  await expiryPass();
  events.duplicates = duplicates;

  const { segments: members, ...customers } = await countProfiles(runtime.doc, runtime.tableName);
  const segments = Object.fromEntries(
    campaign.segments.segments.map((segment) => [segment.id, { members: members[segment.id] ?? 0, ...(segmentFlows[segment.id] ?? { entered: 0, exited: 0 }) }]),
  );
  return {
    seed: options.seed,
    engine: runtime.engine.engine,
    customers,
    segments,
    history: { orders: imported.ordersImported, customers: imported.customers, capacityUnits: round3(imported.capacityUnits) },
    refresh: { asOf, customers: refreshCustomers, scored, rfmSegments, clv, recommendations },
    events,
    profilesWritten,
    identityMerges,
    writeCapacity: capacity.summary(),
    queue: queueStats,
    expiry,
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
