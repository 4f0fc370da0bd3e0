/**
 * SendLedger on the single table: `PK=C#<customerId>, SK=M#<messageId>`. The claim is a
 * conditional put (`attribute_not_exists`), which is what makes a redelivered request a
 * `duplicate` instead of a second message. A claimed item also sits in the `due` index under
 * `CLAIM#<shard>` (sorted by claim time) until it is settled, so the reconciler finds claims a
 * crash left behind with a Query instead of a table scan.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { LedgerClaim, LedgerEntry, LedgerKey, SendLedger } from '../channels/ports.js';
import { batchGetItems } from './batch-get.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { dueShard, queryIndexShard } from './query-pages.js';
import { ledgerKey, sendIndexShardKey, sendIndexShardKeys, TTL_ATTRIBUTE, withoutStorageAttributes } from './table.js';
import type { TableRetention } from './table-retention.js';
import { ABSENT_OR_EXPIRED, absentOrExpiredValues, isKept, READ_ONLY_RETENTION } from './table-retention.js';

/** The port's final statuses and what a settlement may record (SendLedger['settle']). */
type FinalStatus = Parameters<SendLedger['settle']>[2];
type Settlement = NonNullable<Parameters<SendLedger['settle']>[4]>;

export class DynamoSendLedger implements SendLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retention: TableRetention = READ_ONLY_RETENTION,
  ) {}

  async find(customerId: string, messageId: string): Promise<LedgerEntry | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: ledgerKey(customerId, messageId), ConsistentRead: true }),
    );
    return Item && isKept(Item, this.retention.clock.now())
      ? (withoutStorageAttributes(Item) as unknown as LedgerEntry)
      : undefined;
  }

  async findEntries(keys: readonly LedgerKey[]): Promise<LedgerEntry[]> {
    if (keys.length === 0) return [];
    const items = await batchGetItems(
      this.doc,
      this.tableName,
      keys.map(({ customerId, messageId }) => ledgerKey(customerId, messageId)),
      { operation: 'BatchGetItem of send ledger entries' },
    );
    const now = this.retention.clock.now();
    return items
      .filter((item) => isKept(item, now))
      .map((item) => withoutStorageAttributes(item) as unknown as LedgerEntry);
  }

  async claim(claim: LedgerClaim): Promise<boolean> {
    const created = absentOrExpiredValues(this.retention.clock.now());
    const ttl = this.retention.policy?.ledgerExpiresAt(new Date(claim.claimedAt));
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...ledgerKey(claim.customerId, claim.messageId),
            ...claim,
            status: 'claimed',
            updatedAt: claim.claimedAt,
            duePK: sendIndexShardKey('claim', claim.customerId),
            wakeAt: claim.claimedAt,
            ...(ttl === undefined ? {} : { [TTL_ATTRIBUTE]: ttl }),
          },
          // A ledger entry past its TTL is gone for the readers, so a claim may take its place.
          ConditionExpression: ABSENT_OR_EXPIRED,
          ExpressionAttributeNames: created.names,
          ExpressionAttributeValues: created.values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async settle(customerId: string, messageId: string, status: FinalStatus, at: string, details: Settlement = {}) {
    const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':status': status, ':at': at, ':claimed': 'claimed' };
    const sets = ['#status = :status', '#updatedAt = :at'];
    for (const [name, value] of Object.entries(details)) {
      if (value === undefined) continue;
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: ledgerKey(customerId, messageId),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE duePK, wakeAt`,
        // Only a claim settles: a final status never changes again (the reconciler and a late answer cannot both win).
        ConditionExpression: '#status = :claimed',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async failAfterSent(customerId: string, messageId: string, at: string, detail: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ledgerKey(customerId, messageId),
          UpdateExpression: 'SET #status = :failed, #updatedAt = :at, #detail = :detail',
          // The one move out of a final status: the provider's own later report that `sent` did not arrive.
          ConditionExpression: '#status = :sent',
          ExpressionAttributeNames: { '#status': 'status', '#updatedAt': 'updatedAt', '#detail': 'detail' },
          ExpressionAttributeValues: { ':failed': 'failed', ':sent': 'sent', ':at': at, ':detail': detail },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async reclaim(seen: Parameters<SendLedger['reclaim']>[0], at: string, attempts: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ledgerKey(seen.customerId, seen.messageId),
          // Back in the claim index while the attempt is under way, as a first claim is.
          UpdateExpression:
            'SET #status = :claimed, #updatedAt = :at, #attempts = :attempts, duePK = :duePK, wakeAt = :at REMOVE #detail',
          ConditionExpression: '#status = :seenStatus AND #updatedAt = :seenAt',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#updatedAt': 'updatedAt',
            '#attempts': 'attempts',
            '#detail': 'detail',
          },
          ExpressionAttributeValues: {
            ':claimed': 'claimed',
            ':at': at,
            ':attempts': attempts,
            ':duePK': sendIndexShardKey('claim', seen.customerId),
            ':seenStatus': seen.status,
            ':seenAt': seen.updatedAt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async release(customerId: string, messageId: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: ledgerKey(customerId, messageId),
        ConditionExpression: '#status = :claimed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':claimed': 'claimed' },
      }),
    );
  }

  async *staleClaims(claimedBefore: string): AsyncIterable<LedgerEntry> {
    for (const shardKey of sendIndexShardKeys('claim')) {
      for await (const item of queryIndexShard(this.doc, this.tableName, dueShard(shardKey, claimedBefore))) {
        // The index is eventually consistent: an item settled a moment ago may still be listed.
        if (item.status === 'claimed' && isKept(item, this.retention.clock.now()))
          yield withoutStorageAttributes(item) as unknown as LedgerEntry;
      }
    }
  }
}
