/**
 * Runs' wakes on the single table (decision 290): a waiting run's wake is an item of its own,
 * `PK=WAKE#<shard>`, `SK=<wakeKeyAt>#<digest>`, carrying what the `wake` message needs. It is
 * written once per wait, before the run, and never moved or deleted: its TTL removes it, and a
 * wake whose run has moved on or ended does nothing in process-events (it reads the run). So a
 * further wait costs one small item write instead of moving an index entry (a delete and a put),
 * and a run leaving its wait costs no index write at all.
 *
 * journey-tick reads each shard's wakes after a cursor (one item, `WAKE#CURSOR`). A wake is keyed
 * at `max(wakeAt, writtenAt + WAKE_LAG_MS)`, so one written late in a tick's minute (a short wait,
 * a slow write, a writer's clock a little behind) still sorts after every cursor already moved
 * past its write: the tick never has to look behind its cursor.
 */
import { type DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DueRun, DueRunPass } from '../journeys/journey-store.js';
import type { JourneyRun } from '../journeys/run.js';
import { DAY_MS } from '../privacy/retention.js';
import { capacityUnits } from './capacity.js';
import { SHARD_COUNT, TTL_ATTRIBUTE, WAKE_CURSOR_KEY, wakeKey, wakeShardKey } from './table.js';
import { isKept } from './table-retention.js';

/** How far ahead of its write a wake is keyed at least: well above a write's latency and clock skew, ≤ the tick's minute. */
export const WAKE_LAG_MS = 60_000;
/**
 * How long a wake is kept after its key time, and how far back the first pass reads (no cursor
 * yet): journey-tick stopped for longer than this loses the wakes it did not read.
 */
export const WAKE_KEPT_MS = 14 * DAY_MS;

/** The wake item of a waiting run, keyed for a write at `now`. */
export function wakeItem(run: JourneyRun & { wakeAt: string }, now: Date): Record<string, unknown> {
  const keyAt = new Date(Math.max(Date.parse(run.wakeAt), now.getTime() + WAKE_LAG_MS));
  return {
    ...wakeKey(run.customerId, run.journeyId, run.runId, run.wakeAt, keyAt.toISOString()),
    customerId: run.customerId,
    journeyId: run.journeyId,
    runId: run.runId,
    wakeAt: run.wakeAt,
    [TTL_ATTRIBUTE]: Math.floor((keyAt.getTime() + WAKE_KEPT_MS) / 1000),
  };
}

/** Writes a run's wake (unconditional: the same wait written twice is the same item). Returns its write units. */
export async function putWake(
  doc: DynamoDBDocumentClient,
  tableName: string,
  run: JourneyRun & { wakeAt: string },
  now: Date,
): Promise<number> {
  const response = await doc.send(
    new PutCommand({ TableName: tableName, Item: wakeItem(run, now), ReturnConsumedCapacity: 'TOTAL' }),
  );
  return capacityUnits(response.ConsumedCapacity);
}

/** The runs of one shard before decision 290, from the `due` index (nothing to remember). */
export type LegacyDueRuns = (shard: number, until: string, pageSize: number) => AsyncIterable<DueRun>;

/**
 * One journey-tick pass: per shard, the legacy `due` entries (unless the table never had any),
 * then the wakes keyed after the shard's cursor up to `until`. `settle` moves the cursor of every shard read without failing:
 * to `until` when read to the end, to just before the last wake handed on when the pass was cut
 * short (wakes of that millisecond are read again; their copies are dropped by FIFO dedup or find
 * their run moved on).
 */
export async function openWakePass(
  doc: DynamoDBDocumentClient,
  tableName: string,
  legacy: LegacyDueRuns,
): Promise<DueRunPass> {
  const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: WAKE_CURSOR_KEY, ConsistentRead: true }));
  const stored = cursorsOf(Item);
  // A table created after decision 290 says so on its cursor (the local runtime's ensureTable):
  // no run of it ever waited in the `due` index, so no pass Queries those 16 partitions.
  const legacyDue = Item?.legacyDue !== false;
  const reached = new Map<number, string>();
  return {
    shards: SHARD_COUNT,
    async *due(shard, until, pageSize) {
      if (legacyDue) yield* legacy(shard, until, pageSize);
      const untilMs = Date.parse(until);
      const after = stored[shard] ?? new Date(untilMs - WAKE_KEPT_MS).toISOString();
      let lastKeyAt: string | undefined;
      let done = false;
      try {
        for await (const page of paginateQuery(
          { client: doc, pageSize },
          {
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
            // An SK is `<keyAt ISO>#…`: the ISO of the next millisecond bounds every key at or before `until`.
            ExpressionAttributeValues: {
              ':pk': wakeShardKey(shard),
              ':from': new Date(Date.parse(after) + 1).toISOString(),
              ':to': new Date(untilMs + 1).toISOString(),
            },
            ConsistentRead: true,
          },
        ))
          for (const item of page.Items ?? []) {
            const wake = wakeOf(item, new Date(untilMs));
            if (!wake) continue;
            lastKeyAt = String(item.SK).slice(0, until.length);
            yield wake;
          }
        done = true;
      } finally {
        if (done) reached.set(shard, until);
        else if (lastKeyAt !== undefined) reached.set(shard, new Date(Date.parse(lastKeyAt) - 1).toISOString());
      }
    },
    async settle(failedShards) {
      const next = { ...stored };
      let moved = false;
      for (const [shard, at] of reached)
        if (!failedShards.includes(shard) && at > (next[shard] ?? '')) {
          next[shard] = at;
          moved = true;
        }
      // Unconditional: a pass running beside this one can only set a cursor back, so wakes are read twice, never skipped.
      if (moved)
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...WAKE_CURSOR_KEY, shards: next, ...(legacyDue ? {} : { legacyDue: false }) },
          }),
        );
    },
  };
}

function cursorsOf(item: Record<string, unknown> | undefined): Record<number, string> {
  const cursors: Record<number, string> = {};
  const shards = item?.shards;
  if (typeof shards !== 'object' || shards === null) return cursors;
  for (const [shard, at] of Object.entries(shards))
    if (/^\d+$/.test(shard) && typeof at === 'string' && !Number.isNaN(Date.parse(at))) cursors[Number(shard)] = at;
  return cursors;
}

/** A wake as the tick hands it on; undefined for an expired or malformed item (a hand edit), which is skipped. */
export function wakeOf(item: Record<string, unknown>, now: Date): DueRun | undefined {
  const { customerId, journeyId, runId, wakeAt } = item;
  if (typeof customerId !== 'string' || typeof journeyId !== 'string' || typeof runId !== 'string') return undefined;
  if (typeof wakeAt !== 'string' || !isKept(item, now)) return undefined;
  return { customerId, journeyId, runId, wakeAt };
}
