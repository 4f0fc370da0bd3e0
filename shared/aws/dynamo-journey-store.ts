/**
 * JourneyStore and DueRunIndex on the single table (DESIGN "Data model"): runs are
 * `PK=C#<customerId>, SK=J#<journeyId>#<runId>`, written conditional on `version`, so a redelivered
 * message cannot write a run twice. A run waiting for a new time gets a wake item first
 * (shared/aws/dynamo-wakes.ts, decision 290); runs no longer enter the `due` index. A run written
 * before 290 may still wait there (`duePK = DUE#<shard>`, sort key `wakeAt`): journey-tick keeps
 * reading those entries, and the run leaves the index at its next write.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DueRun, DueRunIndex, DueRunPass, JourneyStore, RunKey } from '../journeys/journey-store.js';
import { batchGetItems } from './batch-get.js';
import { journeyRunSchema, type JourneyRun } from '../journeys/run.js';
import { capacityUnits } from './capacity.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { dueShard, queryIndexShard, queryPartition, shardKeyAt } from './query-pages.js';
import { openWakePass, putWake } from './dynamo-wakes.js';
import { allShardKeys, customerPartition, DUE_INDEX, journeyKey, TTL_ATTRIBUTE } from './table.js';
import type { TableRetention } from './table-retention.js';
import { ABSENT_OR_EXPIRED, absentOrExpiredValues, isKept, READ_ONLY_RETENTION } from './table-retention.js';

const JOURNEY_SK_PREFIX = 'J#';
const CUSTOMER_PREFIX = 'C#';

/** A stored run that no longer matches the schema: a bug or a hand edit, never retried. */
export class CorruptJourneyRunError extends Error {
  override readonly name = 'CorruptJourneyRunError';
}

export class DynamoJourneyStore implements JourneyStore, DueRunIndex {
  private readonly shardKeys = allShardKeys('due');

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retention: TableRetention = READ_ONLY_RETENTION,
  ) {}

  async listRuns(customerId: string): Promise<JourneyRun[]> {
    const runs: JourneyRun[] = [];
    const now = this.retention.clock.now();
    // An expired run DynamoDB has not deleted yet no longer counts (re-entry reads these).
    for await (const item of queryPartition(this.doc, this.tableName, {
      partition: customerPartition(customerId),
      sortKeyPrefix: JOURNEY_SK_PREFIX,
      consistentRead: true,
    }))
      if (isKept(item, now)) runs.push(runFromItem(item));
    return runs;
  }

  async getRun(customerId: string, journeyId: string, runId: string): Promise<JourneyRun | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: journeyKey(customerId, journeyId, runId),
        ConsistentRead: true,
      }),
    );
    return Item && isKept(Item, this.retention.clock.now()) ? runFromItem(Item) : undefined;
  }

  async getRuns(keys: readonly RunKey[]): Promise<JourneyRun[]> {
    const items = await batchGetItems(
      this.doc,
      this.tableName,
      keys.map((key) => journeyKey(key.customerId, key.journeyId, key.runId)),
      { operation: 'BatchGetItem of journey runs' },
    );
    const now = this.retention.clock.now();
    return items.filter((item) => isKept(item, now)).map(runFromItem);
  }

  async putRun(run: JourneyRun, expectedVersion: number | undefined) {
    const written: JourneyRun = { ...run, version: expectedVersion === undefined ? 0 : expectedVersion + 1 };
    const now = this.retention.clock.now();
    const { wakeAt, wakeScheduled, customerId } = written;
    // A run waiting for a time its wake was not yet written for (a new wait, a run handed over to
    // another customer, a run written before decision 290 whose `due` entry this write removes)
    // gets its wake; a mark on a run that keeps waiting writes none (a second wake keyed later
    // would come back as a duplicate).
    let waking = 0;
    if (written.status !== 'waiting' || wakeAt === undefined) delete written.wakeScheduled;
    else if (wakeScheduled?.wakeAt !== wakeAt || wakeScheduled.customerId !== customerId) {
      waking = await putWake(this.doc, this.tableName, { ...written, wakeAt }, now);
      written.wakeScheduled = { customerId, wakeAt };
    }
    const created = absentOrExpiredValues(now);
    const ttl = this.retention.policy?.runExpiresAt(written, now);
    try {
      const response = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...runItem(written), ...(ttl === undefined ? {} : { [TTL_ATTRIBUTE]: ttl }) },
          ConditionExpression: expectedVersion === undefined ? ABSENT_OR_EXPIRED : '#version = :expected',
          ...(expectedVersion === undefined
            ? { ExpressionAttributeNames: created.names, ExpressionAttributeValues: created.values }
            : {
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return {
        written: true,
        run: written,
        receipt: { capacityUnits: waking + capacityUnits(response.ConsumedCapacity) },
      };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return { written: false, run: written, receipt: { capacityUnits: waking } };
      throw error;
    }
  }

  openPass(): Promise<DueRunPass> {
    return openWakePass(this.doc, this.tableName, (shard, until, pageSize) => this.legacyDue(shard, until, pageSize));
  }

  /** One shard's runs still waiting in the `due` index (written before decision 290), earliest first. */
  async *legacyDue(shard: number, until: string, pageSize: number): AsyncIterable<DueRun> {
    const shardKey = shardKeyAt(this.shardKeys, shard, DUE_INDEX);
    for await (const item of queryIndexShard(this.doc, this.tableName, dueShard(shardKey, until, pageSize))) {
      const due = dueRun(item);
      if (due) yield due;
    }
  }
}

/** The item for a run: in no index (its wake is an item of its own); `wakeAt` only while it waits. */
export function runItem(run: JourneyRun): Record<string, unknown> {
  const item: Record<string, unknown> = { ...journeyKey(run.customerId, run.journeyId, run.runId), ...run };
  if (run.status !== 'waiting') delete item.wakeAt;
  return item;
}

function runFromItem(item: Record<string, unknown>): JourneyRun {
  // wakeAt is both a run field and the index sort key, so only the keys are dropped here.
  const { PK: _pk, SK: _sk, duePK: _due, ...rest } = item;
  const parsed = journeyRunSchema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorruptJourneyRunError(
      `stored journey run ${String(item.SK)} does not match the run schema: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** Only journey runs are ours; deferred sends share the index and belong to the send handler. */
function dueRun(item: Record<string, unknown>): DueRun | undefined {
  const { PK, SK, journeyId, runId, wakeAt } = item;
  if (
    typeof PK !== 'string' ||
    !PK.startsWith(CUSTOMER_PREFIX) ||
    typeof SK !== 'string' ||
    !SK.startsWith(JOURNEY_SK_PREFIX)
  )
    return undefined;
  if (typeof journeyId !== 'string' || typeof runId !== 'string' || typeof wakeAt !== 'string') return undefined;
  return { customerId: PK.slice(CUSTOMER_PREFIX.length), journeyId, runId, wakeAt };
}
