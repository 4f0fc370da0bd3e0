/**
 * Whether the indexes of issue 20 can be read instead of scanning (the rollout, docs/deploy.md):
 * the index must be ACTIVE (CloudFormation adds one GSI per stack update and DynamoDB backfills
 * it for hours), and the items written before the index existed must carry its keys — the
 * backfill (shared/aws/index-backfill.ts) records what it covered in INDEX_STATE_KEY. A table
 * created with the indexes holds them from its first item: ensureTable records that at creation.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { INDEX_STATE_KEY } from './table.js';

export interface IndexState {
  /** Audience segments whose members all have membership items. */
  audiences: Set<string>;
  /** Every profile and order carries the `customers` index key. */
  customers: boolean;
  /**
   * The table was created with the indexes: every profile and order carries the `customers` key
   * from its first write. (Not audiences: a segment becomes one when a journey starts targeting
   * it, and its members from before then need the backfill.)
   */
  createdWithIndexes: boolean;
  /**
   * Every time-zone bucket a membership item has been written under (decision 220): the audience
   * index is keyed by segment, bucket and shard, so counting a segment's members reads these
   * buckets' partitions only, not all ≈ 446 a membership could use.
   */
  zones: Set<string>;
}

export type Readiness = { ready: true } | { ready: false; reason: string };

export async function indexStatus(doc: DynamoDBDocumentClient, tableName: string, index: string): Promise<string> {
  // The document client forwards plain DynamoDB commands unchanged; its send() is typed only for its own.
  const send = doc.send.bind(doc) as DynamoDBClient['send'];
  const { Table } = await send(new DescribeTableCommand({ TableName: tableName }));
  return Table?.GlobalSecondaryIndexes?.find((entry) => entry.IndexName === index)?.IndexStatus ?? 'MISSING';
}

export async function readIndexState(doc: DynamoDBDocumentClient, tableName: string): Promise<IndexState> {
  const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: INDEX_STATE_KEY, ConsistentRead: true }));
  const audiences = Item?.audiences;
  return {
    audiences: new Set(audiences instanceof Set ? [...audiences].map(String) : []),
    customers: Item?.customers === true,
    createdWithIndexes: Item?.createdWithIndexes === true,
    zones: new Set(Item?.zones instanceof Set ? [...Item.zones].map(String) : []),
  };
}

/**
 * Adds time-zone buckets to the state's `zones` before memberships are written under them (so a
 * membership is never in a bucket the count does not read); the write units it took. Writers call
 * it only for buckets they have not registered yet: a few writes per zone and container, ever.
 */
export async function registerZones(
  doc: DynamoDBDocumentClient,
  tableName: string,
  zones: readonly string[],
): Promise<number> {
  if (zones.length === 0) return 0;
  const written = await doc.send(
    new UpdateCommand({
      TableName: tableName,
      Key: INDEX_STATE_KEY,
      UpdateExpression: 'ADD #zones :zones',
      ExpressionAttributeNames: { '#zones': 'zones' },
      ExpressionAttributeValues: { ':zones': new Set(zones) },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  return written.ConsumedCapacity?.CapacityUnits ?? 1;
}

/** Records what a backfill (or the table's creation) covered; adds to what is there. */
export async function recordIndexState(
  doc: DynamoDBDocumentClient,
  tableName: string,
  covered: { audiences?: readonly string[]; customers?: boolean; createdWithIndexes?: boolean },
): Promise<void> {
  const set: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (covered.customers) {
    set.push('#customers = :true');
    names['#customers'] = 'customers';
    values[':true'] = true;
  }
  if (covered.createdWithIndexes) {
    set.push('#created = :true');
    names['#created'] = 'createdWithIndexes';
    values[':true'] = true;
  }
  const add = covered.audiences !== undefined && covered.audiences.length > 0;
  if (add) {
    names['#audiences'] = 'audiences';
    values[':audiences'] = new Set(covered.audiences);
  }
  if (set.length === 0 && !add) return;
  await doc.send(
    new UpdateCommand({
      TableName: tableName,
      Key: INDEX_STATE_KEY,
      UpdateExpression: [set.length > 0 ? `SET ${set.join(', ')}` : '', add ? 'ADD #audiences :audiences' : '']
        .filter(Boolean)
        .join(' '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * Takes segments out of the covered audiences (AudienceIndex.retain): a writer that no longer
 * keeps their memberships in step. DELETE from the set: a backfill adding others at the same time keeps its own.
 */
export async function forgetAudiences(
  doc: DynamoDBDocumentClient,
  tableName: string,
  segments: readonly string[],
): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: tableName,
      Key: INDEX_STATE_KEY,
      UpdateExpression: 'DELETE #audiences :segments',
      ExpressionAttributeNames: { '#audiences': 'audiences' },
      ExpressionAttributeValues: { ':segments': new Set(segments) },
    }),
  );
}

/** Whether `index` answers for what `covered` asks of the state; the reason when it does not. */
export async function indexReadiness(
  doc: DynamoDBDocumentClient,
  tableName: string,
  index: string,
  covered: (state: IndexState) => string | undefined,
): Promise<Readiness> {
  const status = await indexStatus(doc, tableName, index);
  if (status !== 'ACTIVE') return { ready: false, reason: `index ${index} is ${status}` };
  const missing = covered(await readIndexState(doc, tableName));
  return missing === undefined ? { ready: true } : { ready: false, reason: missing };
}
