/**
 * The nightly refresh's reads on the `customers` index (issue 20): the profiles it scores (a
 * customer with an order, or a known one) with only their order summary and scores, and the
 * orders' products — not every profile and every item type, as the parallel Scan read. The
 * index is sparse and sharded (`CUS#<shard>`, the customer's shard): a refresh slice reads the
 * shards `shard mod totalSegments = segment`, so a customer's profile and orders meet in one slice.
 *
 * Until the index is ACTIVE and every item written before it carries its key (the backfill, or a
 * table created with it), the slice is read by the Scan as before.
 */
import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PurchasedOrder } from '../analytics/recommendations.js';
import type { CustomerScan, ScanSlice } from '../analytics/refresh/ports.js';
import { scoredProfileSchema, type ScoredProfile } from '../analytics/refresh/scored-customers.js';
import { purchasedOrder, scanOrderProducts } from './dynamo-order-scan.js';
import { indexReadiness, type Readiness } from './dynamo-index-state.js';
import { scanProfiles } from './dynamo-profile-scan.js';
import { readStoredProfile } from './profile-item-codec.js';
import { CUSTOMERS_INDEX, ORDER_SK_PREFIX, PROFILE_SK, SHARD_COUNT, withoutStorageAttributes } from './table.js';
import { isKept } from './table-retention.js';

export function customersReadiness(doc: DynamoDBDocumentClient, tableName: string): Promise<Readiness> {
  return indexReadiness(doc, tableName, CUSTOMERS_INDEX, (state) =>
    state.customers ? undefined : 'no backfill of the customers index yet',
  );
}

/** The index shards one refresh slice reads. */
export function shardsOfSlice(slice: ScanSlice): number[] {
  return Array.from({ length: SHARD_COUNT }, (_, shard) => shard).filter(
    (shard) => shard % slice.totalSegments === slice.segment,
  );
}

async function* queryShard(
  doc: DynamoDBDocumentClient,
  tableName: string,
  shard: number,
  sortKey: { equals: string } | { prefix: string },
): AsyncGenerator<Record<string, unknown>> {
  const condition = 'equals' in sortKey ? 'SK = :sk' : 'begins_with(SK, :sk)';
  for await (const page of paginateQuery(
    { client: doc },
    {
      TableName: tableName,
      IndexName: CUSTOMERS_INDEX,
      KeyConditionExpression: `customersPK = :shard AND ${condition}`,
      ExpressionAttributeValues: {
        ':shard': `CUS#${shard}`,
        ':sk': 'equals' in sortKey ? sortKey.equals : sortKey.prefix,
      },
    },
  ))
    yield* page.Items ?? [];
}

/** The refresh's customers: from the index when it is ready, else by the parallel Scan (logged by the caller through `source`). */
export class DynamoCustomerScan implements CustomerScan {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date,
  ) {}

  readiness(): Promise<Readiness> {
    return customersReadiness(this.doc, this.tableName);
  }

  async *profiles(slice: ScanSlice): AsyncIterable<ScoredProfile> {
    if (!(await this.readiness()).ready) {
      yield* scanProfiles(this.doc, this.tableName, slice, this.now()).profiles;
      return;
    }
    const now = this.now();
    for (const shard of shardsOfSlice(slice))
      for await (const item of queryShard(this.doc, this.tableName, shard, { equals: PROFILE_SK })) {
        if (!isKept(item, now)) continue;
        const parsed = scoredProfileSchema.safeParse(readStoredProfile(withoutStorageAttributes(item)));
        // An unreadable projection is skipped, as the scan skips an unreadable profile.
        if (parsed.success) yield parsed.data;
      }
  }

  async *orders(slice: ScanSlice): AsyncIterable<PurchasedOrder> {
    if (!(await this.readiness()).ready) {
      yield* scanOrderProducts(this.doc, this.tableName, slice);
      return;
    }
    for (const shard of shardsOfSlice(slice))
      for await (const item of queryShard(this.doc, this.tableName, shard, { prefix: ORDER_SK_PREFIX })) {
        const order = purchasedOrder(item);
        if (order) yield order;
      }
  }
}
