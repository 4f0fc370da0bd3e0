/**
 * journey-tick (DESIGN "One writer per customer"): finds the waiting runs whose `wakeAt` has
 * come, shard by shard, and enqueues a `wake` into each customer's FIFO group. It changes no run:
 * process-events advances the run, and a wake that is stale by then (the run moved on, ended, or
 * was woken already) changes nothing. A wake carries `dueAt = wakeAt`, so finding the same run
 * twice within FIFO deduplication's window enqueues it once. The pass settles at the end: the
 * table's wakes are then not read again up to where each shard was read (decision 290).
 */
import type { CustomerMessage } from '../events/messages.js';
import type { Clock, EventQueue } from '../ports.js';
import {
  ShardedDuePassError,
  shardedDuePass,
  type ShardedDuePassOptions,
  type ShardedDuePassResult,
} from '../events/sharded-due-pass.js';
import type { DueRun, DueRunIndex } from './journey-store.js';

export interface JourneyTickDeps {
  index: DueRunIndex;
  queue: EventQueue;
  clock: Clock;
}

export type JourneyTickOptions = ShardedDuePassOptions;
export type JourneyTickResult = ShardedDuePassResult;

export class JourneyTickError extends ShardedDuePassError {
  override readonly name = 'JourneyTickError';
  constructor(failedShards: readonly number[], result: JourneyTickResult, firstCause: unknown) {
    super('journey tick', 'wakes', failedShards, result, firstCause);
  }
}

export function wakeMessage(due: DueRun): CustomerMessage {
  return { kind: 'wake', customerId: due.customerId, journeyId: due.journeyId, runId: due.runId, dueAt: due.wakeAt };
}

export async function journeyTick(deps: JourneyTickDeps, options: JourneyTickOptions = {}): Promise<JourneyTickResult> {
  const pass = await deps.index.openPass();
  let result: JourneyTickResult;
  try {
    result = await shardedDuePass(
      { ...deps, index: pass },
      wakeMessage,
      options,
      (failed, partial, cause) => new JourneyTickError(failed, partial, cause),
      (due) => due.wakeAt,
    );
  } catch (error) {
    if (error instanceof JourneyTickError) await pass.settle(error.failedShards);
    throw error;
  }
  await pass.settle([]);
  return result;
}
