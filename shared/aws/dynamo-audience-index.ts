/**
 * The audience index on the single table (issue 20): membership items `PK=C#<id>, SK=AUD#<segment>`
 * carrying `audPK = AUD#<segment>#<bucket>#<shard>`, the key of the keys-only `audience` index.
 * The schedule pass Queries one partition per due bucket and shard; the profile writer
 * (AudienceMembershipStore) puts and deletes them.
 */
import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MembershipChanges } from '../journeys/audiences.js';
import type { AudienceIndex, WriteReceipt } from '../ports.js';
import { batchWriteItems } from './batch-write.js';
import {
  forgetAudiences,
  indexReadiness,
  readIndexState,
  type Readiness,
  registerZones,
} from './dynamo-index-state.js';
import { queryPartition } from './query-pages.js';
import {
  AUDIENCE_INDEX,
  AUDIENCE_SK_PREFIX,
  audienceMembershipKey,
  audiencePartition,
  customerPartition,
  SHARD_COUNT,
  shardOf,
} from './table.js';

export class DynamoAudienceIndex implements AudienceIndex {
  readonly shards = SHARD_COUNT;
  /** Buckets this process has registered in the index state (decision 220): each is registered once. */
  private readonly registered = new Set<string>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *members(segment: string, bucket: string, shard: number): AsyncIterable<string> {
    const prefix = customerPartition('');
    for await (const page of paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        IndexName: AUDIENCE_INDEX,
        KeyConditionExpression: 'audPK = :partition',
        ExpressionAttributeValues: { ':partition': audiencePartition(segment, bucket, shard) },
      },
    ))
      for (const item of page.Items ?? []) {
        const pk = String(item.PK);
        if (pk.startsWith(prefix)) yield pk.slice(prefix.length);
      }
  }

  async current(customerId: string): Promise<Map<string, string>> {
    const memberships = new Map<string, string>();
    for await (const item of queryPartition(this.doc, this.tableName, {
      partition: customerPartition(customerId),
      sortKeyPrefix: AUDIENCE_SK_PREFIX,
      consistentRead: true,
    }))
      if (typeof item.bucket === 'string')
        memberships.set(String(item.SK).slice(AUDIENCE_SK_PREFIX.length), item.bucket);
    return memberships;
  }

  async apply(customerId: string, changes: MembershipChanges): Promise<WriteReceipt> {
    const shard = shardOf(customerId);
    // A bucket first seen here is registered before a membership is written under it (decision 220).
    const fresh = [...new Set(changes.put.map(({ bucket }) => bucket))].filter(
      (bucket) => !this.registered.has(bucket),
    );
    const registering = await registerZones(this.doc, this.tableName, fresh);
    for (const bucket of fresh) this.registered.add(bucket);
    const units = await batchWriteItems(
      this.doc,
      this.tableName,
      [
        ...changes.put.map(({ segment, bucket }) => ({
          PutRequest: {
            Item: {
              ...audienceMembershipKey(customerId, segment),
              audPK: audiencePartition(segment, bucket, shard),
              bucket,
            },
          },
        })),
        ...changes.remove.map((segment) => ({ DeleteRequest: { Key: audienceMembershipKey(customerId, segment) } })),
      ],
      { operation: 'BatchWriteItem of audience memberships' },
    );
    return { capacityUnits: units + registering };
  }

  async retain(segments: readonly string[]): Promise<string[]> {
    const kept = new Set(segments);
    const dropped = [...(await readIndexState(this.doc, this.tableName)).audiences].filter(
      (segment) => !kept.has(segment),
    );
    if (dropped.length > 0) await forgetAudiences(this.doc, this.tableName, dropped);
    return dropped;
  }

  readiness(segments: readonly string[]): Promise<Readiness> {
    return indexReadiness(this.doc, this.tableName, AUDIENCE_INDEX, (state) => {
      const missing = segments.filter((segment) => !state.audiences.has(segment));
      return missing.length === 0 ? undefined : `no backfill yet for audience ${missing.join(', ')}`;
    });
  }
}
