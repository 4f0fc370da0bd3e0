/**
 * The shape journey-tick and the segment expiry pass share: read every shard of a sparse "due"
 * index up to now, turn each entry into a message for the customer's FIFO group, and enqueue them
 * in chunks. Neither changes state — process-events does, when the message arrives — so running a
 * pass twice is harmless (the messages carry the due instant, and FIFO deduplication drops the
 * copy). One shard's failure does not hold back the others; the pass fails at the end.
 */
import type { CustomerMessage } from './messages.js';
import type { Clock, EventQueue } from '../ports.js';

export interface ShardedDueIndex<Entry> {
  /** Shards of the index (`0 … shards-1`); every one is read. */
  readonly shards: number;
  due(shard: number, until: string, pageSize: number): AsyncIterable<Entry>;
}

/** When an entry fell due (ISO): what the pass's lag is measured from. */
export type DueAtOf<Entry> = (entry: Entry) => string;

export interface ShardedDuePassOptions {
  /** Shards read at once. */
  concurrency?: number;
  /** Index entries per query page. */
  pageSize?: number;
  /** Messages per enqueue call (the queue adapter splits them into its own batches). */
  chunkSize?: number;
  /** Asked after each chunk and each shard: true stops the pass (a Lambda running out of time); the rest stays due. */
  stopWhen?: () => boolean;
}

export interface ShardedDuePassResult {
  /** Shards read. */
  shards: number;
  /** Due entries found. */
  found: number;
  /** Messages handed to the queue. */
  enqueued: number;
  /** False when `stopWhen` cut the pass short. */
  complete: boolean;
  /** The shard the pass started at: it rotates by the minute, so a pass cut short does not always leave the same shards behind. */
  firstShard: number;
  /** Seconds the oldest entry found had been due (0: none found): the lag metric journey-tick's alarm watches. */
  lagSeconds: number;
}

export const SHARDED_DUE_PASS_DEFAULTS = { concurrency: 4, pageSize: 500, chunkSize: 100 } as const;

/** Some shards could not be read or their messages not queued; the others were done. */
export class ShardedDuePassError extends Error {
  constructor(
    pass: string,
    what: string,
    readonly failedShards: readonly number[],
    readonly result: ShardedDuePassResult,
    readonly firstCause: unknown,
  ) {
    super(
      `${pass}: shard(s) ${failedShards.join(', ')} failed (${firstCause instanceof Error ? firstCause.message : String(firstCause)}); ` +
        `${result.enqueued} ${what} were queued, the rest stays due for the next ${pass.split(' ').pop()}`,
    );
  }
}

export async function shardedDuePass<Entry>(
  deps: { index: ShardedDueIndex<Entry>; queue: EventQueue; clock: Clock },
  toMessage: (entry: Entry) => CustomerMessage,
  options: ShardedDuePassOptions,
  fail: (failedShards: readonly number[], result: ShardedDuePassResult, firstCause: unknown) => Error,
  dueAtOf?: DueAtOf<Entry>,
): Promise<ShardedDuePassResult> {
  const concurrency = options.concurrency ?? SHARDED_DUE_PASS_DEFAULTS.concurrency;
  const pageSize = options.pageSize ?? SHARDED_DUE_PASS_DEFAULTS.pageSize;
  const chunkSize = options.chunkSize ?? SHARDED_DUE_PASS_DEFAULTS.chunkSize;
  const now = deps.clock.now();
  const until = now.toISOString();
  // A different first shard each minute: a pass the clock cuts short leaves other shards next time.
  const firstShard = Math.floor(now.getTime() / 60_000) % Math.max(1, deps.index.shards);
  const result: ShardedDuePassResult = { shards: 0, found: 0, enqueued: 0, complete: true, firstShard, lagSeconds: 0 };
  const failures: { shard: number; error: unknown }[] = [];
  const stopped = (): boolean => {
    if (result.complete && options.stopWhen?.()) result.complete = false;
    return !result.complete;
  };

  const passShard = async (shard: number): Promise<void> => {
    let chunk: CustomerMessage[] = [];
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const sending = chunk;
      chunk = [];
      await deps.queue.enqueue(sending);
      result.enqueued += sending.length;
    };
    for await (const entry of deps.index.due(shard, until, pageSize)) {
      result.found++;
      if (dueAtOf) {
        const late = Math.max(0, Math.floor((now.getTime() - Date.parse(dueAtOf(entry))) / 1000));
        if (late > result.lagSeconds) result.lagSeconds = late;
      }
      chunk.push(toMessage(entry));
      if (chunk.length >= chunkSize) {
        await flush();
        if (stopped()) return;
      }
    }
    await flush();
  };

  // A small pool: each worker takes the next unread shard until none is left (or time is up).
  let taken = 0;
  const worker = async (): Promise<void> => {
    while (taken < deps.index.shards && result.complete) {
      const shard = (firstShard + taken++) % deps.index.shards;
      result.shards++;
      try {
        await passShard(shard);
      } catch (error) {
        failures.push({ shard, error });
      }
      stopped();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, deps.index.shards)) }, worker));
  if (failures.length > 0)
    throw fail(
      failures.map((failure) => failure.shard).sort((a, b) => a - b),
      result,
      failures[0]?.error,
    );
  return result;
}
