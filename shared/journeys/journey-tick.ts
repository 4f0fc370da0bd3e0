/**
 * journey-tick (DESIGN "One writer per customer"): finds the waiting runs whose `wakeAt` has
 * come, shard by shard of the `due` index, and enqueues a `wake` into each customer's FIFO group.
 * It changes no state: process-events advances the run, and a wake that is stale by then (the run
 * moved on, or was woken already) changes nothing. A wake carries `dueAt = wakeAt`, so finding
 * the same run twice within FIFO deduplication's window enqueues it once.
 */
import type { CustomerMessage } from '../events/messages.js';
import type { Clock, EventQueue } from '../ports.js';
import type { DueRun, DueRunIndex } from './journey-store.js';

export interface JourneyTickDeps {
  index: DueRunIndex;
  queue: EventQueue;
  clock: Clock;
}

export interface JourneyTickOptions {
  concurrency?: number;
  pageSize?: number;
  chunkSize?: number;
  /** Asked after each chunk: true stops the tick (Lambda time running out); the rest stays due. */
  stopWhen?: () => boolean;
}

export interface JourneyTickResult {
  shards: number;
  found: number;
  enqueued: number;
  complete: boolean;
}

export class JourneyTickError extends Error {
  override readonly name = 'JourneyTickError';
  constructor(readonly failedShards: readonly number[], readonly result: JourneyTickResult, readonly firstCause: unknown) {
    super(
      `journey tick: shard(s) ${failedShards.join(', ')} failed (${firstCause instanceof Error ? firstCause.message : String(firstCause)}); ` +
        `${result.enqueued} wakes were queued, the rest stays due for the next tick`,
    );
  }
}

export function wakeMessage(due: DueRun): CustomerMessage {
  return { kind: 'wake', customerId: due.customerId, journeyId: due.journeyId, runId: due.runId, dueAt: due.wakeAt };
}

export async function journeyTick(deps: JourneyTickDeps, options: JourneyTickOptions = {}): Promise<JourneyTickResult> {
  const { concurrency = 4, pageSize = 500, chunkSize = 100 } = options;
  const until = deps.clock.now().toISOString();
  const result: JourneyTickResult = { shards: 0, found: 0, enqueued: 0, complete: true };
  const failures: { shard: number; error: unknown }[] = [];
  const stopped = (): boolean => {
    if (result.complete && options.stopWhen?.()) result.complete = false;
    return !result.complete;
  };

  const tickShard = async (shard: number): Promise<void> => {
    let chunk: CustomerMessage[] = [];
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const sending = chunk;
      chunk = [];
      await deps.queue.enqueue(sending);
      result.enqueued += sending.length;
    };
    for await (const due of deps.index.due(shard, until, pageSize)) {
      result.found++;
      chunk.push(wakeMessage(due));
      if (chunk.length >= chunkSize) {
        await flush();
        if (stopped()) return;
      }
    }
    await flush();
  };

  let nextShard = 0;
  const worker = async (): Promise<void> => {
    while (nextShard < deps.index.shards && !stopped()) {
      const shard = nextShard++;
      result.shards++;
      try {
        await tickShard(shard);
      } catch (error) {
        failures.push({ shard, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, deps.index.shards)) }, worker));
  if (failures.length > 0) throw new JourneyTickError(failures.map((f) => f.shard).sort((a, b) => a - b), result, failures[0]?.error);
  return result;
}
