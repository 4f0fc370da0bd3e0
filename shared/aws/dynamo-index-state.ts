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
  };
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
