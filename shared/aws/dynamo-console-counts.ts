/**
 * The console snapshot's counts of one refresh slice, read from indexes only (decision 220) — never
 * a Scan, so what it reads grows with the audiences' members and the runs waiting, not the table:
 *
 * - each scheduled journey's audience segment: a COUNT Query per registered time-zone bucket and
 *   shard of the slice on the `audience` index (keys only), when the index answers for the segment
 *   (ACTIVE and backfilled, as the schedule pass requires);
 * - runs waiting on a timer per journey and step: the slice's wakes still to come (`WAKE#<shard>`,
 *   decision 290), each run read once to see whether it still waits and where, and the runs
 *   written before 290 in the slice's `DUE#<shard>` partitions of the `due` index.
 *
 * The slice's known customers are counted by summarize from the `customers` index it reads anyway.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsoleCounts } from '../analytics/refresh/console-counts.js';
import { DOCTOR_JOURNEY_ID } from '../identity/doctor-customer.js';
import type { ScanSlice } from '../ports.js';
import { shardsOfSlice } from './dynamo-customers-index.js';
import { DynamoAudienceIndex } from './dynamo-audience-index.js';
import { readIndexState } from './dynamo-index-state.js';
import { DAY_MS } from '../privacy/retention.js';
import { batchGetItems } from './batch-get.js';
import { wakeOf } from './dynamo-wakes.js';
import { queryIndexShard, queryPartition } from './query-pages.js';
import { isKept } from './table-retention.js';
import {
  allShardKeys,
  AUDIENCE_INDEX,
  audiencePartition,
  DUE_INDEX,
  type ItemKey,
  journeyKey,
  wakeShardKey,
} from './table.js';

/** COUNT Queries in flight at once. */
const AT_ONCE = 16;

export async function readIndexedConsoleCounts(
  doc: DynamoDBDocumentClient,
  tableName: string,
  audiences: readonly string[],
  slice: ScanSlice,
  now: Date,
): Promise<Omit<ConsoleCounts, 'asOf' | 'customers'>> {
  const shards = shardsOfSlice(slice);
  const [segments, journeys] = await Promise.all([
    audienceSizes(doc, tableName, audiences, shards),
    waitingRuns(doc, tableName, shards, now),
  ]);
  return { segments, journeys };
}

async function audienceSizes(
  doc: DynamoDBDocumentClient,
  tableName: string,
  audiences: readonly string[],
  shards: readonly number[],
): Promise<Record<string, number>> {
  if (audiences.length === 0 || shards.length === 0) return {};
  const index = new DynamoAudienceIndex(doc, tableName);
  const ready = (
    await Promise.all(audiences.map(async (segment) => ((await index.readiness([segment])).ready ? segment : '')))
  ).filter(Boolean);
  if (ready.length === 0) return {};
  const { zones } = await readIndexState(doc, tableName);
  const partitions = ready.flatMap((segment) =>
    [...zones].flatMap((zone) => shards.map((shard) => ({ segment, key: audiencePartition(segment, zone, shard) }))),
  );
  const sizes: Record<string, number> = Object.fromEntries(ready.map((segment) => [segment, 0]));
  for (let start = 0; start < partitions.length; start += AT_ONCE) {
    const counted = await Promise.all(
      partitions.slice(start, start + AT_ONCE).map(async ({ segment, key }) => ({
        segment,
        count: await countPartition(doc, tableName, key),
      })),
    );
    for (const { segment, count } of counted) sizes[segment] = (sizes[segment] ?? 0) + count;
  }
  return sizes;
}

async function countPartition(doc: DynamoDBDocumentClient, tableName: string, partition: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: AUDIENCE_INDEX,
        KeyConditionExpression: 'audPK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

async function waitingRuns(
  doc: DynamoDBDocumentClient,
  tableName: string,
  shards: readonly number[],
  now: Date,
): Promise<ConsoleCounts['journeys']> {
  const journeys: ConsoleCounts['journeys'] = {};
  const count = (item: Record<string, unknown>): void => {
    if (!isKept(item, now) || item.status !== 'waiting' || typeof item.journeyId !== 'string') return;
    if (item.journeyId === DOCTOR_JOURNEY_ID || typeof item.stepId !== 'string') return;
    const journey = (journeys[item.journeyId] ??= { waiting: 0, steps: {} });
    journey.waiting++;
    journey.steps[item.stepId] = (journey.steps[item.stepId] ?? 0) + 1;
  };
  const counted = new Set<string>();
  const woken: ItemKey[] = [];
  await Promise.all(
    shards.map(async (shard) => {
      // Runs written before decision 290 wait in the index, whole (projection ALL).
      for await (const item of queryIndexShard(doc, tableName, {
        index: DUE_INDEX,
        shardAttribute: 'duePK',
        shardKey: allShardKeys('due')[shard] as string,
        sortAttribute: 'wakeAt',
        until: '\uffff',
      })) {
        if (typeof item.PK !== 'string' || !item.PK.startsWith('C#')) continue;
        counted.add(`${item.PK}\n${item.SK}`);
        count(item);
      }
      // Later runs through their wakes still to come (a day back: a tick running late): a wake
      // outlives a run that moved on, so the runs themselves say whether and where they wait.
      for await (const item of queryPartition(doc, tableName, {
        partition: wakeShardKey(shard),
        sortKeyFrom: new Date(now.getTime() - DAY_MS).toISOString(),
      })) {
        const wake = wakeOf(item, now);
        if (wake) woken.push(journeyKey(wake.customerId, wake.journeyId, wake.runId));
      }
    }),
  );
  const runs = woken.filter((key) => !counted.has(`${key.PK}\n${key.SK}`));
  for (const item of await batchGetItems(doc, tableName, runs, {
    operation: 'BatchGetItem of waiting runs',
    consistentRead: false,
  }))
    count(item);
  return journeys;
}
