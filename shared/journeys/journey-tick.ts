/**
 * journey-tick (DESIGN "One writer per customer"): finds the waiting runs whose `wakeAt` has
 * come, shard by shard of the `due` index, and enqueues a `wake` into each customer's FIFO group.
 * It changes no state: process-events advances the run, and a wake that is stale by then (the run
 * moved on, or was woken already) changes nothing. A wake carries `dueAt = wakeAt`, so finding
 * the same run twice within FIFO deduplication's window enqueues it once.
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
  return shardedDuePass(
    deps,
    wakeMessage,
    options,
    (failed, result, cause) => new JourneyTickError(failed, result, cause),
    (due) => due.wakeAt,
  );
}
