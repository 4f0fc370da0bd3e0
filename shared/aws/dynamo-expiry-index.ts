/**
 * ExpiryIndex on the sparse `expiry` GSI (`expiryPK = EXP#<shard>`, sort key `nextExpiryAt`):
 * one paginated Query per shard for `nextExpiryAt <= :until`, earliest first. The index is
 * KEYS_ONLY, so an entry is the profile's PK (the customer id) and `nextExpiryAt` — all a recheck
 * needs. GSI reads are eventually consistent: a profile rechecked a moment ago may be listed once
 * more, and its second recheck changes nothing.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DueExpiry, ExpiryIndex } from '../ports.js';
import { queryIndexShard, shardKeyAt } from './query-pages.js';
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
    const shardKey = shardKeyAt(this.shardKeys, shard, EXPIRY_INDEX);
    for await (const item of queryIndexShard(this.doc, this.tableName, {
      index: EXPIRY_INDEX,
      shardAttribute: 'expiryPK',
      shardKey,
      sortAttribute: 'nextExpiryAt',
      until,
      pageSize,
    })) {
      const due = dueExpiry(item);
      if (due) yield due;
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
