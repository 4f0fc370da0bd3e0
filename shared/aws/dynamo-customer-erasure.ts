/**
 * CustomerErasureStore and OrderTombstones on the single table (docs/decisions.md "Privacy" 24).
 *
 * - A customer's items: one paginated Query of `PK=C#<id>` (keys, `orderId` and `version` only);
 *   they go with BatchWriteItem deletes (unprocessed items resent), the profile with a DeleteItem
 *   conditional on its version. Index entries (`due`, `expiry`, `CLAIM#`/`DEFER#`) are attributes
 *   of those items and go with them. The runs' wakes (`WAKE#<shard>`, decision 290) are found in
 *   the customer's shard by `customerId` and deleted with them.
 * - Identity links: `PK=ID#<anonymousId>` is keyed by the anonymous id; the identity map writes
 *   each link's reverse (`SK=LINK#<anonymousId>`) into the user's partition, so the partition
 *   Query finds them. The links are deleted on the condition that they still name the user.
 * - Tombstones: `PK=FORGOTTEN#<customerHash>` (peppered, shared/privacy/erasure-hashes.ts; bare
 *   sha256 before the pepper) with `SK=ERASED#<at>` (the erasure) and `SK=ORDERHASH#<orderHash>`
 *   (one per erased order), so process-events checks an order with one small BatchGetItem
 *   (eventually consistent: a tombstone is written long before the replay it guards against).
 */
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  CustomerErasureStore,
  CustomerItem,
  CustomerItemKind,
  ErasureTombstone,
  OrderTombstones,
} from '../privacy/ports.js';
import { batchGetItems } from './batch-get.js';
import { batchWriteItems } from './batch-write.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { queryPartition } from './query-pages.js';
import {
  IDENTITY_BACKLINK_SK_PREFIX,
  ORDER_SK_PREFIX,
  PROFILE_SK,
  SEND_DECISION_SK_PREFIX,
  customerPartition,
  identityKey,
  shardOf,
  wakeShardKey,
} from './table.js';
import { defaultBackoff, type BackoffOptions } from './unprocessed-retry.js';

const TOMBSTONE_PREFIX = 'FORGOTTEN#';
const ERASED_SK_PREFIX = 'ERASED#';
/** Not `O#`: scans that pick orders out by sort key (dynamo-order-scan.ts) must never see a tombstone. */
const ORDER_HASH_SK_PREFIX = 'ORDERHASH#';

/** Sort-key prefixes of DESIGN "Data model" and decision 15, by the kind erasure reports. */
const KIND_BY_PREFIX: readonly [string, CustomerItemKind][] = [
  [ORDER_SK_PREFIX, 'order'],
  ['J#', 'journey_run'],
  ['M#', 'send_ledger'],
  ['CAP#', 'cap_counter'],
  ['DEFER#', 'deferred_send'],
  [SEND_DECISION_SK_PREFIX, 'send_decision'],
  [IDENTITY_BACKLINK_SK_PREFIX, 'identity_link'],
];

export function tombstonePartition(customerHash: string): string {
  return `${TOMBSTONE_PREFIX}${customerHash}`;
}

export class DynamoCustomerErasure implements CustomerErasureStore, OrderTombstones {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly backoff: BackoffOptions = defaultBackoff,
  ) {}

  async listCustomerItems(customerId: string): Promise<CustomerItem[]> {
    const items: CustomerItem[] = [];
    for await (const item of queryPartition(this.doc, this.tableName, {
      partition: customerPartition(customerId),
      projection: 'SK, orderId, #version',
      names: { '#version': 'version' },
      consistentRead: true,
    }))
      items.push(customerItem(item));
    return items;
  }

  async deleteProfile(customerId: string, expectedVersion: number | undefined): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { PK: customerPartition(customerId), SK: PROFILE_SK },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#version)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
          ExpressionAttributeNames: { '#version': 'version' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async deleteCustomerItems(customerId: string, sortKeys: readonly string[]): Promise<void> {
    const partition = customerPartition(customerId);
    await batchWriteItems(
      this.doc,
      this.tableName,
      [...new Set(sortKeys)].map((SK) => ({ DeleteRequest: { Key: { PK: partition, SK } } })),
      { operation: 'BatchWriteItem of erased customer items', backoff: this.backoff },
    );
    // The runs' wakes (decision 290) hold the customer id outside the partition: found in the
    // customer's shard of wakes by that id (the shard keeps 14 days of wakes after their time).
    const wakes: { DeleteRequest: { Key: { PK: string; SK: string } } }[] = [];
    for await (const item of queryPartition(this.doc, this.tableName, {
      partition: wakeShardKey(shardOf(customerId)),
      projection: 'PK, SK',
      filter: { expression: 'customerId = :customerId', values: { ':customerId': customerId } },
    }))
      wakes.push({ DeleteRequest: { Key: { PK: String(item.PK), SK: String(item.SK) } } });
    await batchWriteItems(this.doc, this.tableName, wakes, {
      operation: 'BatchWriteItem of erased customer wakes',
      backoff: this.backoff,
    });
  }

  async linkedAnonymousIds(userId: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const item of queryPartition(this.doc, this.tableName, {
      partition: customerPartition(userId),
      sortKeyPrefix: IDENTITY_BACKLINK_SK_PREFIX,
      projection: 'anonymousId',
      consistentRead: true,
    }))
      if (typeof item.anonymousId === 'string') ids.push(item.anonymousId);
    return ids.sort();
  }

  async unlinkAnonymousIds(userId: string, anonymousIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (const anonymousId of new Set(anonymousIds)) {
      try {
        await this.doc.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: identityKey(anonymousId),
            // Never another customer's link: first link wins, and it may not be this user's.
            ConditionExpression: 'userId = :user',
            ExpressionAttributeValues: { ':user': userId },
          }),
        );
        removed++;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    return removed;
  }

  async putTombstone(tombstone: ErasureTombstone): Promise<void> {
    const PK = tombstonePartition(tombstone.customerHash);
    const { erasedAt } = tombstone;
    await batchWriteItems(
      this.doc,
      this.tableName,
      [
        { PutRequest: { Item: { PK, SK: `${ERASED_SK_PREFIX}${erasedAt}`, erasedAt } } },
        ...[...new Set(tombstone.orderHashes)].map((hash) => ({
          PutRequest: { Item: { PK, SK: `${ORDER_HASH_SK_PREFIX}${hash}`, erasedAt } },
        })),
      ],
      { operation: 'BatchWriteItem of erasure tombstones', backoff: this.backoff },
    );
  }

  async erasedAt(customerHash: string): Promise<string[]> {
    const times: string[] = [];
    for await (const item of queryPartition(this.doc, this.tableName, {
      partition: tombstonePartition(customerHash),
      sortKeyPrefix: ERASED_SK_PREFIX,
      projection: 'erasedAt',
    }))
      if (typeof item.erasedAt === 'string') times.push(item.erasedAt);
    return times.sort();
  }

  async findOrderTombstones(keys: readonly { customerHash: string; orderHash: string }[]): Promise<Set<string>> {
    const items = await batchGetItems(
      this.doc,
      this.tableName,
      keys.map(({ customerHash, orderHash }) => ({
        PK: tombstonePartition(customerHash),
        SK: `${ORDER_HASH_SK_PREFIX}${orderHash}`,
      })),
      { operation: 'BatchGetItem of order tombstones', consistentRead: false, projection: 'SK', backoff: this.backoff },
    );
    return new Set(items.map((item) => String(item.SK).slice(ORDER_HASH_SK_PREFIX.length)));
  }
}

function customerItem(item: Record<string, unknown>): CustomerItem {
  const sortKey = String(item.SK);
  if (sortKey === PROFILE_SK)
    return { kind: 'profile', sortKey, ...(typeof item.version === 'number' ? { version: item.version } : {}) };
  const kind = KIND_BY_PREFIX.find(([prefix]) => sortKey.startsWith(prefix))?.[1] ?? 'other';
  if (kind !== 'order') return { kind, sortKey };
  // The order id is the sort key's rest; the `orderId` attribute is the same when present.
  return {
    kind,
    sortKey,
    orderId: typeof item.orderId === 'string' ? item.orderId : sortKey.slice(ORDER_SK_PREFIX.length),
  };
}
