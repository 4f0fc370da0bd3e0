/**
 * The table's two Query shapes, every page of each, item by item: one partition (a customer's, a
 * tombstone's), by sort-key prefix where given; and one shard of a sparse index (`due`,
 * `expiry`) up to a bound on its sort key, in sort-key order.
 */
import { type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { DUE_INDEX } from './table.js';

type Item = Record<string, unknown>;

export interface PartitionQuery {
  partition: string;
  sortKeyPrefix?: string;
  /** Only sort keys from this one on (not with `sortKeyPrefix`). */
  sortKeyFrom?: string;
  /** Attributes to read (names in `names`); all when absent. */
  projection?: string;
  names?: Record<string, string>;
  /** Only items matching this filter (read, and billed, all the same). */
  filter?: { expression: string; values: Record<string, unknown> };
  /** Strongly consistent reads (a base-table Query only). */
  consistentRead?: boolean;
}

export async function* queryPartition(
  doc: DynamoDBDocumentClient,
  tableName: string,
  query: PartitionQuery,
): AsyncGenerator<Item> {
  const prefix = query.sortKeyPrefix;
  const from = query.sortKeyFrom;
  const sortKey =
    prefix !== undefined
      ? { condition: ' AND begins_with(SK, :prefix)', values: { ':prefix': prefix } }
      : from !== undefined
        ? { condition: ' AND SK >= :from', values: { ':from': from } }
        : { condition: '', values: {} };
  for await (const page of paginateQuery(
    { client: doc },
    {
      TableName: tableName,
      KeyConditionExpression: `PK = :pk${sortKey.condition}`,
      ExpressionAttributeValues: { ':pk': query.partition, ...sortKey.values, ...query.filter?.values },
      ...(query.filter === undefined ? {} : { FilterExpression: query.filter.expression }),
      ...(query.projection === undefined ? {} : { ProjectionExpression: query.projection }),
      ...(query.names === undefined ? {} : { ExpressionAttributeNames: query.names }),
      ...(query.consistentRead ? { ConsistentRead: true } : {}),
    },
  ))
    yield* page.Items ?? [];
}

export interface IndexShardQuery {
  index: string;
  /** The index's partition key attribute and this shard's value of it. */
  shardAttribute: string;
  shardKey: string;
  /** The index's sort key attribute and the largest value to read (inclusive). */
  sortAttribute: string;
  until: string;
  /** Index entries per request (the SDK's default page when absent). */
  pageSize?: number;
}

export async function* queryIndexShard(
  doc: DynamoDBDocumentClient,
  tableName: string,
  query: IndexShardQuery,
): AsyncGenerator<Item> {
  for await (const page of paginateQuery(
    { client: doc, ...(query.pageSize === undefined ? {} : { pageSize: query.pageSize }) },
    {
      TableName: tableName,
      IndexName: query.index,
      KeyConditionExpression: `${query.shardAttribute} = :shard AND ${query.sortAttribute} <= :until`,
      ExpressionAttributeValues: { ':shard': query.shardKey, ':until': query.until },
    },
  ))
    yield* page.Items ?? [];
}

/** One shard of the `due` index (journey wakes `DUE#`, deferred sends `DEFER#`, ledger claims `CLAIM#`) up to `until`. */
export function dueShard(shardKey: string, until: string, pageSize?: number): IndexShardQuery {
  return {
    index: DUE_INDEX,
    shardAttribute: 'duePK',
    shardKey,
    sortAttribute: 'wakeAt',
    until,
    ...(pageSize === undefined ? {} : { pageSize }),
  };
}

/** The key of shard `shard` of a sharded index, or a RangeError naming the index and the valid range. */
export function shardKeyAt(shardKeys: readonly string[], shard: number, index: string): string {
  const shardKey = shardKeys[shard];
  if (shardKey === undefined)
    throw new RangeError(`${index} index: shard must be 0…${shardKeys.length - 1}, got ${shard}`);
  return shardKey;
}
