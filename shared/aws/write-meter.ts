/**
 * Every DynamoDB write (and read) a piece of work makes, counted where the SDK sends it (issue 19): the demo
 * and the benches run a handler invocation inside `meter.run(…)`, and a middleware on the local
 * client adds each write request of that invocation — items written, by item kind, and the
 * capacity the engine reports — to the meter in scope (AsyncLocalStorage: concurrent
 * invocations each count their own). Writes outside any meter are not counted.
 *
 * The engine's figure is the table's: neither dynalite nor DynamoDB Local bills index writes,
 * which DynamoDB adds for items in the `due` and `expiry` indexes (docs/decisions.md 170).
 * A conditional write the engine refuses (ConditionalCheckFailedException) is billed by DynamoDB
 * all the same: it counts here at the units of its item's size, at least one (decision 235).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { capacityUnits } from './capacity.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { deletedKeyIndexWrites, indexChanges, indexWrites, itemAfterUpdate, type IndexWrites } from './index-writes.js';
import { itemSize } from './item-size.js';

export interface WriteTally {
  /** Items written (a batch or transaction counts each of its items). */
  items: number;
  capacityUnits: number;
}

const WRITE_COMMANDS = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
  'TransactWriteCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

const READ_COMMANDS = new Set([
  'GetCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetCommand',
  'TransactGetCommand',
  'GetItemCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);

/** Read requests and the read units the engine reports for them (the cost model's reads, issue 19). */
export interface ReadTally {
  requests: number;
  capacityUnits: number;
}

/** Options of a WriteMeter. */
export interface WriteMeterOptions {
  /**
   * Counts every request made while one of its `run`s is in flight, whoever makes it, instead of
   * following each run's async context: for a caller that makes no other DynamoDB request
   * meanwhile (the demo, whose phases take turns). AsyncLocalStorage's promise hooks slow every
   * await in the process once a run enters a store (≈ 4% of the demo's CPU, decision 271). Two
   * such meters running at once is an error.
   */
  sole?: boolean;
}

/** The sole meter in flight (WriteMeterOptions.sole) and how many of its runs are. */
let soleRunning: { meter: WriteMeter; runs: number } | undefined;

export class WriteMeter {
  constructor(private readonly options: WriteMeterOptions = {}) {}

  readonly total: WriteTally = { items: 0, capacityUnits: 0 };
  readonly reads: ReadTally = { requests: 0, capacityUnits: 0 };
  /** By item kind: `PROFILE`, `J` (journey run), `O` (order claim), `M` (send ledger), `CAP`… */
  readonly byKind: Record<string, WriteTally> = {};
  /**
   * Conditional writes the engine refused: not written (not in `items`), but billed by DynamoDB, so
   * their units are in `total.capacityUnits` and their kind's too.
   */
  readonly refused: WriteTally = { items: 0, capacityUnits: 0 };
  /**
   * Writes to the global secondary indexes, worked out from each item before and after
   * (index-writes.ts): DynamoDB bills them, the local engines do not report them. Not in `total`
   * (the table's figure, as the engine reports it); by item kind in `indexByKind` (`items`: index writes).
   */
  readonly indexes: WriteTally = { items: 0, capacityUnits: 0 };
  readonly indexByKind: Record<string, WriteTally> = {};
  /** Single-item writes by what they did to an index entry, `<index>:<enter|move|leave|rewrite>` (decision 257). */
  readonly indexTransitions: Record<string, number> = {};

  /** Runs `work` with its writes (and those of everything it awaits) counted here. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.options.sole ? this.runSole(work) : scope.run(this, work);
  }

  private async runSole<T>(work: () => Promise<T>): Promise<T> {
    if (soleRunning && soleRunning.meter !== this)
      throw new Error('write meter: two sole meters cannot run at once (each would count the other’s writes)');
    const running = (soleRunning ??= { meter: this, runs: 0 });
    running.runs++;
    try {
      return await work();
    } finally {
      if (--running.runs === 0) soleRunning = undefined;
    }
  }

  add(kinds: readonly string[], units: number): void {
    this.total.items += kinds.length;
    this.total.capacityUnits += units;
    // A batch's units are spread evenly over its items: the engines report one figure per table.
    for (const kind of kinds) {
      const tally = (this.byKind[kind] ??= { items: 0, capacityUnits: 0 });
      tally.items++;
      tally.capacityUnits += units / kinds.length;
    }
  }

  addIndexWrites(kind: string, writes: IndexWrites): void {
    if (writes.writes === 0) return;
    this.indexes.items += writes.writes;
    this.indexes.capacityUnits += writes.capacityUnits;
    const tally = (this.indexByKind[kind] ??= { items: 0, capacityUnits: 0 });
    tally.items += writes.writes;
    tally.capacityUnits += writes.capacityUnits;
  }

  /** A refused conditional write of one item of `kind`, billed `units`. */
  addRefused(kind: string, units: number): void {
    this.refused.items++;
    this.refused.capacityUnits += units;
    this.total.capacityUnits += units;
    const tally = (this.byKind[kind] ??= { items: 0, capacityUnits: 0 });
    tally.capacityUnits += units;
  }
}

const scope = new AsyncLocalStorage<WriteMeter>();

/** Adds the counting middleware to a local client (a no-op for writes outside any meter). */
export function meterWrites(doc: DynamoDBDocumentClient): void {
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const meter = scope.getStore() ?? soleRunning?.meter;
      const command = String(context.commandName ?? '');
      const read = READ_COMMANDS.has(command);
      if (!meter || !(read || WRITE_COMMANDS.has(command))) return next(args);
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity ??= 'TOTAL';
      // The item as it stood, for the index writes; handed back to the caller only when it asked for it.
      const single = SINGLE_ITEM_WRITES.has(command);
      const askedValues = input.ReturnValues !== undefined;
      if (single && !askedValues) input.ReturnValues = 'ALL_OLD';
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next(args);
      } catch (error) {
        // Put/Update/Delete with a condition that failed: one item, billed though nothing was written.
        if (!read && isConditionalCheckFailed(error))
          meter.addRefused(kindOf(input.Item ?? input.Key), refusedUnits(input));
        throw error;
      }
      const output = result.output as {
        ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
        Attributes?: Record<string, unknown>;
      };
      const units = capacityUnits(output.ConsumedCapacity);
      if (read) {
        meter.reads.requests++;
        meter.reads.capacityUnits += units;
        return result;
      }
      meter.add(itemKinds(input), units);
      if (single) {
        const before = askedValues
          ? input.ReturnValues === 'ALL_OLD'
            ? output.Attributes
            : undefined
          : output.Attributes;
        if (!askedValues) delete output.Attributes;
        const after = itemAfter(command, input, before);
        const changes = indexChanges(before, after);
        meter.addIndexWrites(kindOf(input.Item ?? input.Key), changes.writes);
        for (const transition of changes.transitions)
          meter.indexTransitions[transition] = (meter.indexTransitions[transition] ?? 0) + 1;
      } else for (const [kind, writes] of batchIndexWrites(input)) meter.addIndexWrites(kind, writes);
      return result;
    },
    { step: 'initialize', name: 'sadakatWriteMeter', override: true },
  );
}

/**
 * What DynamoDB bills a refused conditional write: the write units of the item's size, at least one.
 * The size of a put's item is known; an update's or a delete's would need the stored item, so it
 * counts one unit (a profile is ≤ 1 KB at p99, decision 185).
 */
function refusedUnits(input: Record<string, unknown>): number {
  return isRecord(input.Item) ? Math.max(1, Math.ceil(itemSize(input.Item) / 1024)) : 1;
}

/**
 * Writes of one item, whose stored item the engine can hand back (`ReturnValues`). The document
 * client's commands reach the middleware under the low-level names, their input not yet marshalled.
 */
const SINGLE_ITEM_WRITES = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
]);

function itemAfter(
  command: string,
  input: Record<string, unknown>,
  before: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (command.startsWith('Put')) return isRecord(input.Item) ? input.Item : undefined;
  if (command.startsWith('Update')) return itemAfterUpdate(before, input);
  return undefined;
}

/** A batch's puts enter the indexes their item is in; its deletes leave those their key's shape says. */
function batchIndexWrites(input: Record<string, unknown>): [string, IndexWrites][] {
  if (!isRecord(input.RequestItems)) return [];
  return Object.values(input.RequestItems).flatMap((requests) =>
    Array.isArray(requests)
      ? requests.flatMap((request: unknown): [string, IndexWrites][] => {
          if (!isRecord(request)) return [];
          const put = isRecord(request.PutRequest) ? request.PutRequest.Item : undefined;
          if (isRecord(put)) return [[kindOf(put), indexWrites(undefined, put)]];
          const key = isRecord(request.DeleteRequest) ? request.DeleteRequest.Key : undefined;
          return isRecord(key) ? [[kindOf(key), deletedKeyIndexWrites(key)]] : [];
        })
      : [],
  );
}

/** The kind of each item a write request writes, from its key. */
function itemKinds(input: Record<string, unknown>): string[] {
  if (isRecord(input.RequestItems))
    return Object.values(input.RequestItems).flatMap((requests) =>
      Array.isArray(requests)
        ? requests.map((request: unknown) => {
            const entry = isRecord(request) ? (request.PutRequest ?? request.DeleteRequest) : undefined;
            return kindOf(isRecord(entry) ? (entry.Item ?? entry.Key) : undefined);
          })
        : [],
    );
  if (Array.isArray(input.TransactItems))
    return input.TransactItems.map((item: unknown) => {
      const entry = isRecord(item) ? (item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck) : undefined;
      return kindOf(isRecord(entry) ? (entry.Item ?? entry.Key) : undefined);
    });
  return [kindOf(input.Item ?? input.Key)];
}

/** `SK` up to its first `#` (`PROFILE`, `J`, `O`, `M`, `CAP`…), or the `PK`'s for items whose SK repeats it. */
function kindOf(key: unknown): string {
  if (!isRecord(key)) return 'unknown';
  const part = (value: unknown) => (typeof value === 'string' ? (value.split('#')[0] ?? value) : 'unknown');
  const pk = part(key.PK);
  return pk === 'C' ? part(key.SK) : pk;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One handler invocation's writes (`serve --trace` writes one line per invocation, docs/decisions.md 172). */
export interface InvocationWrites {
  function: string;
  /** Records the invocation took. */
  messages: number;
  /** Items written, and of them profile items. */
  items: number;
  profileItems: number;
  /** Items written by kind (`PROFILE`, `J`, `AUD`…). */
  kinds: Record<string, number>;
  /** Conditional writes refused and their units (in `capacityUnits`: DynamoDB bills them). */
  refused: number;
  refusedUnits: number;
  capacityUnits: number;
  /** Index writes and their units, worked out from each item before and after (not in `capacityUnits`). */
  indexWrites: number;
  indexUnits: number;
  /** Read requests (Get, Query, Scan, batch and transaction gets) and the read units reported for them. */
  readRequests: number;
  readUnits: number;
  /** Wall time of the invocation in ms (a local figure: the engine, not DynamoDB, answers). */
  durationMs: number;
}

/** `handler`, each invocation counted on a meter of its own and reported once it ends (failed or not). */
export function meterInvocations<Event extends { Records: readonly unknown[] }, Context, Result>(
  name: string,
  handler: (event: Event, context: Context) => Promise<Result>,
  report: (writes: InvocationWrites) => void,
): (event: Event, context: Context) => Promise<Result> {
  return async (event, context) => {
    const meter = new WriteMeter();
    const started = performance.now();
    try {
      return await meter.run(() => handler(event, context));
    } finally {
      report({
        function: name,
        messages: event.Records.length,
        items: meter.total.items,
        profileItems: meter.byKind.PROFILE?.items ?? 0,
        kinds: Object.fromEntries(Object.entries(meter.byKind).map(([kind, tally]) => [kind, tally.items])),
        refused: meter.refused.items,
        refusedUnits: meter.refused.capacityUnits,
        capacityUnits: meter.total.capacityUnits,
        indexWrites: meter.indexes.items,
        indexUnits: meter.indexes.capacityUnits,
        readRequests: meter.reads.requests,
        readUnits: meter.reads.capacityUnits,
        durationMs: performance.now() - started,
      });
    }
  };
}
