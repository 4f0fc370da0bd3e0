/**
 * ExpiryIndex on the sparse `expiry` GSI (`expiryPK = EXP#<shard>`, sort key `nextExpiryAt`):
 * one paginated Query per shard for `nextExpiryAt <= :until`, earliest first. The index is
 * KEYS_ONLY, so an entry is the profile's PK (the customer id) and `nextExpiryAt` — all a recheck
 * needs. GSI reads are eventually consistent: a profile rechecked a moment ago may be listed once
 * more, and its second recheck changes nothing.
 */
import { type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { DueExpiry, ExpiryIndex } from '../ports.js';
import { allShardKeys, EXPIRY_INDEX, PROFILE_SK } from './table.js';

const CUSTOMER_PREFIX = 'C#';

export class DynamoExpiryIndex implements ExpiryIndex {
  private readonly shardKeys = allShardKeys('expiry');

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** How many shards `due` accepts (table.ts SHARD_COUNT). */
  get shards(): number {
    return this.shardKeys.length;
  }

  async *due(shard: number, until: string, pageSize: number): AsyncIterable<DueExpiry> {
    const shardKey = this.shardKeys[shard];
    if (shardKey === undefined)
      throw new RangeError(`expiry index: shard must be 0…${this.shardKeys.length - 1}, got ${shard}`);
    for await (const page of paginateQuery(
      { client: this.doc, pageSize },
      {
        TableName: this.tableName,
        IndexName: EXPIRY_INDEX,
        KeyConditionExpression: 'expiryPK = :shard AND nextExpiryAt <= :until',
        ExpressionAttributeValues: { ':shard': shardKey, ':until': until },
      },
    )) {
      for (const item of page.Items ?? []) {
        const due = dueExpiry(item);
        if (due) yield due;
      }
    }
  }
}

/** Only profiles carry `expiryPK`; anything else in the index is not ours to recheck. */
function dueExpiry(item: Record<string, unknown>): DueExpiry | undefined {
  const { PK, SK, nextExpiryAt } = item;
  if (
    typeof PK !== 'string' ||
    !PK.startsWith(CUSTOMER_PREFIX) ||
    SK !== PROFILE_SK ||
    typeof nextExpiryAt !== 'string'
  )
    return undefined;
  return { customerId: PK.slice(CUSTOMER_PREFIX.length), nextExpiryAt };
}
