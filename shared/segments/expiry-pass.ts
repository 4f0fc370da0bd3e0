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
import {
  SHARDED_DUE_PASS_DEFAULTS,
  ShardedDuePassError,
  shardedDuePass,
  type ShardedDuePassOptions,
  type ShardedDuePassResult,
} from '../events/sharded-due-pass.js';

export interface ExpiryPassDeps {
  index: ExpiryIndex;
  queue: EventQueue;
  clock: Clock;
}

export interface ExpiryPassOptions extends ShardedDuePassOptions {
  /** Shards of the index (`0 … shards-1`); every one is read. */
  shards: number;
}

export type ExpiryPassResult = ShardedDuePassResult;

/** Some shards could not be read or their rechecks not queued; the others were done. */
export class ExpiryPassError extends ShardedDuePassError {
  override readonly name = 'ExpiryPassError';
  constructor(failedShards: readonly number[], result: ExpiryPassResult, firstCause: unknown) {
    super('expiry pass', 'rechecks', failedShards, result, firstCause);
  }
}

export const EXPIRY_PASS_DEFAULTS = SHARDED_DUE_PASS_DEFAULTS;

export function expiryRecheck(due: DueExpiry): CustomerMessage {
  return { kind: 'recheck', customerId: due.customerId, reason: 'expiry', at: due.nextExpiryAt };
}

export async function expiryPass(deps: ExpiryPassDeps, options: ExpiryPassOptions): Promise<ExpiryPassResult> {
  const shards = positiveInteger('shards', options.shards);
  const checked: ShardedDuePassOptions = {
    concurrency: positiveInteger('concurrency', options.concurrency ?? EXPIRY_PASS_DEFAULTS.concurrency),
    pageSize: positiveInteger('pageSize', options.pageSize ?? EXPIRY_PASS_DEFAULTS.pageSize),
    chunkSize: positiveInteger('chunkSize', options.chunkSize ?? EXPIRY_PASS_DEFAULTS.chunkSize),
    ...(options.stopWhen ? { stopWhen: options.stopWhen } : {}),
  };
  const index = {
    shards,
    due: (shard: number, until: string, pageSize: number) => deps.index.due(shard, until, pageSize),
  };
  return shardedDuePass(
    { ...deps, index },
    expiryRecheck,
    checked,
    (failed, result, cause) => new ExpiryPassError(failed, result, cause),
    (due) => due.nextExpiryAt,
  );
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`expiry pass: ${name} must be a whole number ≥ 1, got ${value}`);
  return value;
}
