/**
 * The expiry pass (DESIGN "One writer per customer"): time alone ends time-window memberships
 * ("Product Added within 1d"), and no event arrives to say so. Every profile stores the earliest
 * instant one of its memberships may change (`nextExpiryAt`, kept in the sparse `expiry` index);
 * this pass finds the profiles whose instant has come and enqueues a `recheck` into each one's
 * FIFO group, so process-events — the only writer — re-evaluates its segments.
 *
 * Re-running it is harmless: a recheck carries the profile's `nextExpiryAt` as `at`, so the same
 * lapse found twice within FIFO deduplication's window is dropped by the queue, and a recheck
 * that changes nothing writes nothing.
 */
import type { CustomerMessage } from '../events/messages.js';
import type { Clock, DueExpiry, EventQueue, ExpiryIndex } from '../ports.js';

export interface ExpiryPassDeps {
  index: ExpiryIndex;
  queue: EventQueue;
  clock: Clock;
}

export interface ExpiryPassOptions {
  /** Shards of the index (`0 … shards-1`); every one is read. */
  shards: number;
  /** Shards read at once. */
  concurrency?: number;
  /** Index entries per query page. */
  pageSize?: number;
  /** Messages per enqueue call (the queue adapter splits them into its own batches). */
  chunkSize?: number;
  /**
   * Asked after each chunk and each shard: true stops the pass (a Lambda running out of time). What is left is
   * still due, and the next pass finds it, earliest first.
   */
  stopWhen?: () => boolean;
}

export interface ExpiryPassResult {
  /** Shards read. */
  shards: number;
  /** Due profiles found. */
  found: number;
  /** Rechecks handed to the queue. */
  enqueued: number;
  /** False when `stopWhen` cut the pass short. */
  complete: boolean;
}

/** Some shards could not be read or their rechecks not queued; the others were done. */
export class ExpiryPassError extends Error {
  override readonly name = 'ExpiryPassError';
  constructor(readonly failedShards: readonly number[], readonly result: ExpiryPassResult, readonly firstCause: unknown) {
    super(
      `expiry pass: shard(s) ${failedShards.join(', ')} failed (${firstCause instanceof Error ? firstCause.message : String(firstCause)}); ` +
        `${result.enqueued} rechecks were queued, the rest stays due for the next pass`,
    );
  }
}

export const EXPIRY_PASS_DEFAULTS = { concurrency: 4, pageSize: 500, chunkSize: 100 } as const;

export function expiryRecheck(due: DueExpiry): CustomerMessage {
  return { kind: 'recheck', customerId: due.customerId, reason: 'expiry', at: due.nextExpiryAt };
}

export async function expiryPass(deps: ExpiryPassDeps, options: ExpiryPassOptions): Promise<ExpiryPassResult> {
  const shards = positiveInteger('shards', options.shards);
  const concurrency = positiveInteger('concurrency', options.concurrency ?? EXPIRY_PASS_DEFAULTS.concurrency);
  const pageSize = positiveInteger('pageSize', options.pageSize ?? EXPIRY_PASS_DEFAULTS.pageSize);
  const chunkSize = positiveInteger('chunkSize', options.chunkSize ?? EXPIRY_PASS_DEFAULTS.chunkSize);
  const until = deps.clock.now().toISOString();
  const result: ExpiryPassResult = { shards: 0, found: 0, enqueued: 0, complete: true };
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
    for await (const due of deps.index.due(shard, until, pageSize)) {
      result.found++;
      chunk.push(expiryRecheck(due));
      if (chunk.length >= chunkSize) {
        await flush();
        if (stopped()) return;
      }
    }
    await flush();
  };

  // A small pool: each worker takes the next unread shard until none is left (or time is up).
  let nextShard = 0;
  const worker = async (): Promise<void> => {
    while (nextShard < shards && result.complete) {
      const shard = nextShard++;
      result.shards++;
      try {
        await passShard(shard);
      } catch (error) {
        // One shard's failure does not hold back the others; the pass fails at the end.
        failures.push({ shard, error });
      }
      stopped();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, shards) }, worker));

  if (failures.length > 0) {
    throw new ExpiryPassError(
      failures.map((failure) => failure.shard).sort((a, b) => a - b),
      result,
      failures[0]?.error,
    );
  }
  return result;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`expiry pass: ${name} must be a whole number ≥ 1, got ${value}`);
  return value;
}
