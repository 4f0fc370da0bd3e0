/** The nightly refresh's phases on in-memory ports, as the state machine chains them. */
import type { FitGate } from '../../../shared/analytics/bgnbd.js';
import { fitRefresh, type FitResult } from '../../../shared/analytics/refresh/fit.js';
import { planRefresh, type RefreshPlan } from '../../../shared/analytics/refresh/plan.js';
import {
  scoreSlice,
  type ClvRules,
  type ScoreOptions,
  type ScoreResult,
} from '../../../shared/analytics/refresh/score.js';
import { summarizeSlice, type SummarizeResult } from '../../../shared/analytics/refresh/summarize.js';
import { processCustomerMessage, type ProcessDeps } from '../../../shared/profiles/process-customer-message.js';
import { importOrders, type HistoricalOrder } from '../../../shared/profiles/import-orders.js';
import {
  InMemoryIdentityMap,
  InMemoryOrderLedger,
  InMemoryProfileStore,
  InMemoryRefunds,
  NO_ERASED_ORDERS,
} from '../../fakes/in-memory-ports.js';
import { InMemoryArtifacts, InMemoryCustomerScan, RecordingEventQueue } from '../../fakes/in-memory-refresh.js';

export interface World {
  profiles: InMemoryProfileStore;
  orders: InMemoryOrderLedger;
  scan: InMemoryCustomerScan;
  artifacts: InMemoryArtifacts;
  queue: RecordingEventQueue;
  process: ProcessDeps;
}

export function newWorld(now = new Date('2026-11-02T03:00:00Z')): World {
  const profiles = new InMemoryProfileStore();
  const orders = new InMemoryOrderLedger();
  return {
    profiles,
    orders,
    scan: new InMemoryCustomerScan(profiles, orders),
    artifacts: new InMemoryArtifacts(),
    queue: new RecordingEventQueue(),
    process: {
      profiles,
      orders,
      identity: new InMemoryIdentityMap(),
      settings: { trackedProperties: {}, timezone: 'UTC' },
      clock: { now: () => now },
      tombstones: NO_ERASED_ORDERS,
      refunds: new InMemoryRefunds(),
      journeys: null,
    },
  };
}

export async function importInto(world: World, orders: Iterable<HistoricalOrder>): Promise<void> {
  await importOrders(world.process, orders, { concurrency: 1 });
}

export interface RefreshRunResult {
  plan: RefreshPlan;
  summaries: SummarizeResult[];
  fit: FitResult;
  scores: ScoreResult[];
}

export async function runRefresh(
  world: World,
  options: {
    asOf: string;
    now?: Date;
    segments?: number;
    gate?: FitGate;
    writes?: ScoreOptions['writes'];
    clvRules?: ClvRules;
  },
): Promise<RefreshRunResult> {
  const plan = planRefresh({
    now: options.now ?? new Date('2026-11-02T03:00:00Z'),
    asOf: options.asOf,
    timezone: 'UTC',
    itemCount: 0,
    segments: options.segments ?? 3,
  });
  const summaries: SummarizeResult[] = [];
  for (const slice of plan.slices) summaries.push(await summarizeSlice(world, slice));
  const fit = await fitRefresh(world.artifacts, { ...plan, summaries }, options.gate ? { gate: options.gate } : {});
  const scores: ScoreResult[] = [];
  const deps = { ...world, ...(options.clvRules ? { clvRules: options.clvRules } : {}) };
  const scoring = options.writes ? { writes: options.writes } : {};
  for (const slice of plan.slices) scores.push(await scoreSlice(deps, { ...slice, modelKey: fit.modelKey }, scoring));
  return { plan, summaries, fit, scores };
}

/** Applies the queued messages as process-events would; returns how many there were. */
export async function applyQueued(world: World): Promise<number> {
  const messages = world.queue.take();
  for (const message of messages) await processCustomerMessage(world.process, message);
  return messages.length;
}

export function changedCount(result: RefreshRunResult): number {
  return result.scores.reduce((sum, score) => sum + score.changed, 0);
}
