/**
 * Every DynamoDB write (and read) a piece of work makes, counted where the SDK sends it (issue 19): the demo
 * and the benches run a handler invocation inside `meter.run(…)`, and a middleware on the local
 * client adds each write request of that invocation — items written, by item kind, and the
 * capacity the engine reports — to the meter in scope (AsyncLocalStorage: concurrent
 * invocations each count their own). Writes outside any meter are not counted.
 *
 * The engine's figure is the table's: neither dynalite nor DynamoDB Local bills index writes,
 * which DynamoDB adds for items in the `due` and `expiry` indexes (docs/decisions.md 170).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { capacityUnits } from './capacity.js';

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

export class WriteMeter {
  readonly total: WriteTally = { items: 0, capacityUnits: 0 };
  readonly reads: ReadTally = { requests: 0, capacityUnits: 0 };
  /** By item kind: `PROFILE`, `J` (journey run), `O` (order claim), `M` (send ledger), `CAP`… */
  readonly byKind: Record<string, WriteTally> = {};

  /** Runs `work` with its writes (and those of everything it awaits) counted here. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return scope.run(this, work);
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
}

const scope = new AsyncLocalStorage<WriteMeter>();

/** Adds the counting middleware to a local client (a no-op for writes outside any meter). */
export function meterWrites(doc: DynamoDBDocumentClient): void {
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const meter = scope.getStore();
      const command = String(context.commandName ?? '');
      const read = READ_COMMANDS.has(command);
      if (!meter || !(read || WRITE_COMMANDS.has(command))) return next(args);
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] };
      const units = capacityUnits(output.ConsumedCapacity);
      if (read) {
        meter.reads.requests++;
        meter.reads.capacityUnits += units;
      } else meter.add(itemKinds(input), units);
      return result;
    },
    { step: 'initialize', name: 'sadakatWriteMeter', override: true },
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
  capacityUnits: number;
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
        capacityUnits: meter.total.capacityUnits,
        readRequests: meter.reads.requests,
        readUnits: meter.reads.capacityUnits,
        durationMs: performance.now() - started,
      });
    }
  };
}
