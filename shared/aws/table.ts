/**
 * The single DynamoDB table (DESIGN "Data model"): key formats, index shards and the table
 * definition. The local runtime creates the table from `createTableInput`; the CDK data stack
 * mirrors it, so both must change together.
 */
import { createHash } from 'node:crypto';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface ItemKey {
  PK: string;
  SK: string;
}

export const PROFILE_SK = 'PROFILE';
export const ORDER_SK_PREFIX = 'O#';

export function customerPartition(customerId: string): string {
  return `C#${customerId}`;
}

export function profileKey(customerId: string): ItemKey {
  return { PK: customerPartition(customerId), SK: PROFILE_SK };
}

export function orderKey(customerId: string, orderId: string): ItemKey {
  return { PK: customerPartition(customerId), SK: `${ORDER_SK_PREFIX}${orderId}` };
}

export function journeyKey(customerId: string, journeyId: string, runId: string): ItemKey {
  return { PK: customerPartition(customerId), SK: `J#${journeyId}#${runId}` };
}

export function identityKey(anonymousId: string): ItemKey {
  return { PK: `ID#${anonymousId}`, SK: 'ID' };
}

export const IDENTITY_BACKLINK_SK_PREFIX = 'LINK#';

/**
 * The reverse of an identity link, in the user's own partition, so erasure finds every
 * anonymous id linked to a user with the partition query it runs anyway (no index lists them).
 */
export function identityBackLinkKey(userId: string, anonymousId: string): ItemKey {
  return { PK: customerPartition(userId), SK: `${IDENTITY_BACKLINK_SK_PREFIX}${anonymousId}` };
}

/**
 * Attributes that exist only for the table's sake (keys, index keys, TTL); adapters strip them
 * before handing an item to the domain. `nextExpiryAt` is absent on purpose: it is a profile
 * field that doubles as the `expiry` index's sort key.
 */
export const STORAGE_ATTRIBUTES = ['PK', 'SK', 'duePK', 'wakeAt', 'expiryPK', 'ttl', 'customersPK'] as const;

export function withoutStorageAttributes(item: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...item };
  for (const name of STORAGE_ATTRIBUTES) delete rest[name];
  return rest;
}

/**
 * Index partitions are sharded so that a busy minute of due items or expiries spreads over
 * several partitions; readers query every shard (in parallel). Changing the count strands the
 * items written under the old count, so it is fixed.
 */
export const SHARD_COUNT = 16;

export function shardOf(customerId: string): number {
  return createHash('sha256').update(customerId).digest().readUInt32BE(0) % SHARD_COUNT;
}

export function dueShardKey(customerId: string): string {
  return `DUE#${shardOf(customerId)}`;
}

export function expiryShardKey(customerId: string): string {
  return `EXP#${shardOf(customerId)}`;
}

/** Every partition value of a sharded index (`DUE#0` … `DUE#15`), for readers that query them all. */
export function allShardKeys(index: 'due' | 'expiry'): string[] {
  const prefix = index === 'due' ? 'DUE#' : 'EXP#';
  return Array.from({ length: SHARD_COUNT }, (_, shard) => `${prefix}${shard}`);
}

/**
 * A run's wake (decision 290): `PK=WAKE#<shard>`, `SK=<wakeKeyAt>#<digest>`, written once when the
 * run starts waiting for a new time and never moved or deleted by us (its TTL deletes it). The
 * digest is of the run key and its `wakeAt`, so a hostile id cannot collide with another run's.
 */
export const WAKE_PARTITION_PREFIX = 'WAKE#';

export function wakeShardKey(shard: number): string {
  return `${WAKE_PARTITION_PREFIX}${shard}`;
}

export function wakeKey(customerId: string, journeyId: string, runId: string, wakeAt: string, keyAt: string): ItemKey {
  const digest = createHash('sha256')
    .update(JSON.stringify([customerId, journeyId, runId, wakeAt]))
    .digest('base64url');
  return { PK: wakeShardKey(shardOf(customerId)), SK: `${keyAt}#${digest}` };
}

/** journey-tick's cursor over the wake partitions: how far each shard was read (one item). */
export const WAKE_CURSOR_KEY: ItemKey = { PK: 'WAKE#CURSOR', SK: 'CURSOR' };

export const DUE_INDEX = 'due';
export const EXPIRY_INDEX = 'expiry';
/** Members of scheduled journeys' audiences by segment, time-zone bucket and shard (issue 20). */
export const AUDIENCE_INDEX = 'audience';
/** What the nightly refresh reads (issue 20): scored customers' profiles and the orders, nothing else. */
export const CUSTOMERS_INDEX = 'customers';

export const AUDIENCE_SK_PREFIX = 'AUD#';

/** `SK=AUD#<segment>`: the customer's membership item of an audience segment (in the customer's partition, erased with it). */
export function audienceMembershipKey(customerId: string, segment: string): ItemKey {
  return { PK: customerPartition(customerId), SK: `${AUDIENCE_SK_PREFIX}${segment}` };
}

/** The `audience` index partition of a membership: `AUD#<segment>#<bucket>#<shard>`. */
export function audiencePartition(segment: string, bucket: string, shard: number): string {
  return `${AUDIENCE_SK_PREFIX}${segment}#${bucket}#${shard}`;
}

/** The `customers` index partition of a customer's profile and orders: `CUS#<shard>`. */
export function customersShardKey(customerId: string): string {
  return `CUS#${shardOf(customerId)}`;
}

/**
 * `PK=MIGRATION#scale-indexes`: what the indexes of issue 20 answer for — the audience segments
 * their backfill covered and whether the `customers` index holds every profile and order. A
 * table created with the indexes holds them from its first item (ensureTable writes it).
 */
export const INDEX_STATE_KEY: ItemKey = { PK: 'MIGRATION#scale-indexes', SK: 'STATE' };
export const TTL_ATTRIBUTE = 'ttl';

/**
 * On-demand billing; both indexes are sparse (only items carrying the index key appear).
 *
 * Projections: `expiry` is KEYS_ONLY because the expiry pass needs only the customer id (from PK)
 * to enqueue a `recheck`, and profiles are rewritten on nearly every event: with ALL each of those
 * writes would be copied to the index and double the write units, while with KEYS_ONLY the index
 * is written only when `nextExpiryAt` itself changes. `due` is ALL because journey-tick needs the
 * whole waiting state (and a deferred send's request) to act without one extra read per item,
 * and journey states are small and written rarely.
 */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'SK', AttributeType: 'S' },
      { AttributeName: 'duePK', AttributeType: 'S' },
      { AttributeName: 'wakeAt', AttributeType: 'S' },
      { AttributeName: 'expiryPK', AttributeType: 'S' },
      { AttributeName: 'nextExpiryAt', AttributeType: 'S' },
      { AttributeName: 'audPK', AttributeType: 'S' },
      { AttributeName: 'customersPK', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: DUE_INDEX,
        KeySchema: [
          { AttributeName: 'duePK', KeyType: 'HASH' },
          { AttributeName: 'wakeAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: EXPIRY_INDEX,
        KeySchema: [
          { AttributeName: 'expiryPK', KeyType: 'HASH' },
          { AttributeName: 'nextExpiryAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      // Membership items only, written when a membership changes: the keys carry all the pass needs.
      {
        IndexName: AUDIENCE_INDEX,
        KeySchema: [{ AttributeName: 'audPK', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      // Profiles the refresh scores and `O#` orders, with only what it reads: the index is written
      // when an order summary, score or order changes, not on every profile write.
      {
        IndexName: CUSTOMERS_INDEX,
        KeySchema: [
          { AttributeName: 'customersPK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...CUSTOMERS_PROJECTION] },
      },
    ],
  };
}

/** The attributes the `customers` index carries: a profile's order summary and scores, an order's products. */
export const CUSTOMERS_PROJECTION = [
  'id',
  'orders',
  'rfm',
  'clv',
  'recommendations',
  'ttl',
  'customerId',
  'at',
  'products',
] as const;

/** `SK=M#<messageId>`: the send ledger (DESIGN "Send"). */
export function ledgerKey(customerId: string, messageId: string): ItemKey {
  return { PK: customerPartition(customerId), SK: `M#${messageId}` };
}

/** `SK=CAP#*#<day>`: a day's frequency-cap counters, one attribute per scope (UTC day number; decision 307). */
export function capDayKey(customerId: string, day: number): ItemKey {
  return { PK: customerPartition(customerId), SK: `CAP#*#${day}` };
}

/** `SK=CAP#<scope>#<day>`: one scope's counter as written before decision 307 (scope: a channel, `all`, or `journey:<id>`), still read. */
export function capKey(customerId: string, scope: string, day: number): ItemKey {
  return { PK: customerPartition(customerId), SK: `CAP#${scope}#${day}` };
}

/** `PK=SUPPRESS#<sha256 hex of the normalized address>`: no raw address in a key. */
export function suppressionKey(addressHash: string): ItemKey {
  return { PK: `SUPPRESS#${addressHash}`, SK: 'SUPPRESS' };
}

/** `SK=DEFER#<messageId>`: a send deferred by quiet hours, listed by the `due` index under `DEFER#<shard>`. */
/** `SK=D#<decidedAt>#<messageId>`: a send decision that sent nothing (decision 205), oldest first. */
export function sendDecisionKey(customerId: string, decidedAt: string, messageId: string): ItemKey {
  return { PK: customerPartition(customerId), SK: `${SEND_DECISION_SK_PREFIX}${decidedAt}#${messageId}` };
}

export const SEND_DECISION_SK_PREFIX = 'D#';

export function deferredSendKey(customerId: string, messageId: string): ItemKey {
  return { PK: customerPartition(customerId), SK: `DEFER#${messageId}` };
}

/**
 * The sends' own partitions of the `due` index: `DEFER#<shard>` (deferred sends, by wakeAt) and
 * `CLAIM#<shard>` (ledger claims, by claim time, for the reconciler). journey-tick reads only
 * `DUE#…`, so it never sees them, and no index is added to the table.
 */
export function sendIndexShardKeys(kind: 'defer' | 'claim'): string[] {
  const prefix = kind === 'defer' ? 'DEFER#' : 'CLAIM#';
  return Array.from({ length: SHARD_COUNT }, (_, shard) => `${prefix}${shard}`);
}

export function sendIndexShardKey(kind: 'defer' | 'claim', customerId: string): string {
  return `${kind === 'defer' ? 'DEFER#' : 'CLAIM#'}${shardOf(customerId)}`;
}

/**
 * Message-stats counters: a journey variant's counters are spread over STATS_SHARDS partitions
 * (`PK=STATS#MSG#<journeyId>#<variant>#<shard>`), one item per step, channel, metric and shard in
 * each. One partition takes about 1,000 writes a second and a sent email writes ≈ 2.2 counters
 * (sent, delivered, opened…), so one partition capped a variant near 450 emails a second; eight
 * take ≈ 3,600 (docs/scale.md). Counters written before the shard moved into the key are under
 * the unsharded `PK=STATS#MSG#<journeyId>#<variant>`: readers sum every partition of
 * messageStatsPartitions.
 */
export const STATS_SHARDS = 8;

export function messageStatsKey(
  journeyId: string,
  variant: string | undefined,
  stepId: string,
  channel: string,
  metric: string,
  shard: number,
): ItemKey {
  return {
    PK: `${messageStatsLegacyPartition(journeyId, variant)}#${shard}`,
    SK: `${stepId}#${channel}#${metric}#${shard}`,
  };
}

function messageStatsLegacyPartition(journeyId: string, variant: string | undefined): string {
  return `STATS#MSG#${journeyId}#${variant ?? '-'}`;
}

/** Every partition holding a journey variant's counters: the STATS_SHARDS shards, then the unsharded one of older counters. */
export function messageStatsPartitions(journeyId: string, variant: string | undefined): string[] {
  const legacy = messageStatsLegacyPartition(journeyId, variant);
  return [...Array.from({ length: STATS_SHARDS }, (_, shard) => `${legacy}#${shard}`), legacy];
}

/** `PK=PASS#<pass>`, `SK=<scheduled time>`: a scheduled pass's claimed slot (expires after a week). */
export function passSlotKey(pass: string, scheduledTime: string): ItemKey {
  return { PK: `${PASS_SLOT_PREFIX}${pass}`, SK: scheduledTime };
}

export const PASS_SLOT_PREFIX = 'PASS#';
