/**
 * IdentityMap on the single table: `PK=ID#<anonymousId>, SK=ID` holds the user the anonymous id
 * was first linked to. The link is a conditional put, so concurrent identifies agree on one user.
 *
 * A new link writes its reverse, `PK=C#<userId>, SK=LINK#<anonymousId>`, for erasure, first, and
 * then the link already marked `backLinked` (two writes; docs/decisions.md 187): a link never
 * exists without its reverse. A crash in between leaves only the reverse, and the redelivered
 * identify writes both again; an identify that loses the race to another user's link deletes
 * its reverse. The link is read before it is put, so a repeat identify of a linked pair (most of
 * them) costs one read instead of a failed conditional put, which DynamoDB bills as a write.
 * Links written before, unmarked by a crash, are healed as they were: reverse, then the mark.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { IdentityMap, WriteReceipt } from '../ports.js';
import { capacityUnits } from './capacity.js';
import { isConditionalCheckFailed, itemOfFailedCheck } from './conditional-check.js';
import { identityBackLinkKey, identityKey } from './table.js';
import { batchGetItems } from './batch-get.js';
import { defaultBackoff, type BackoffOptions } from './unprocessed-retry.js';

export class DynamoIdentityMap implements IdentityMap {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly backoff: BackoffOptions = defaultBackoff,
  ) {}

  /** Strongly consistent: an event right after the identify that linked its id must be routed to the user. */
  async resolve(anonymousIds: readonly string[]): Promise<Map<string, string>> {
    const items = await batchGetItems(this.doc, this.tableName, anonymousIds.map(identityKey), {
      operation: 'BatchGetItem of identity links',
      projection: 'anonymousId, userId',
      backoff: this.backoff,
    });
    return new Map(items.map((item) => [String(item.anonymousId), String(item.userId)]));
  }

  async link(anonymousId: string, userId: string): Promise<{ userId: string; receipt: WriteReceipt }> {
    const stored = await this.readLink(anonymousId);
    if (stored) return this.settled(stored, anonymousId, userId, 0);
    // The reverse first: erasure finds a user's links through it.
    let units = await this.putBackLink(anonymousId, userId);
    try {
      const response = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...identityKey(anonymousId), anonymousId, userId, backLinked: true },
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return { userId, receipt: { capacityUnits: units + capacityUnits(response.ConsumedCapacity) } };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // Linked meanwhile: to another user, this user's reverse must not stay.
      const existing = itemOfFailedCheck(error) ?? (await this.readLink(anonymousId));
      if (typeof existing?.userId !== 'string') throw error;
      if (existing.userId !== userId) units += await this.deleteBackLink(anonymousId, userId);
      return this.settled(existing, anonymousId, userId, units);
    }
  }

  /** An existing link: its user; one of this user's written before the reverse came first and left unmarked is healed. */
  private async settled(
    existing: Record<string, unknown>,
    anonymousId: string,
    userId: string,
    units: number,
  ): Promise<{ userId: string; receipt: WriteReceipt }> {
    const linkedTo = String(existing.userId);
    if (linkedTo !== userId || existing.backLinked === true)
      return { userId: linkedTo, receipt: { capacityUnits: units } };
    return { userId, receipt: { capacityUnits: units + (await this.writeBackLink(anonymousId, userId)) } };
  }

  private async putBackLink(anonymousId: string, userId: string): Promise<number> {
    const reverse = await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...identityBackLinkKey(userId, anonymousId), anonymousId },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return capacityUnits(reverse.ConsumedCapacity);
  }

  private async deleteBackLink(anonymousId: string, userId: string): Promise<number> {
    const deleted = await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: identityBackLinkKey(userId, anonymousId),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return capacityUnits(deleted.ConsumedCapacity);
  }

  /** A link written unmarked (before the reverse came first): the reverse, then the mark. */
  private async writeBackLink(anonymousId: string, userId: string): Promise<number> {
    const reverse = await this.putBackLink(anonymousId, userId);
    try {
      const marked = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: identityKey(anonymousId),
          UpdateExpression: 'SET backLinked = :true',
          // Never re-create a link that an erasure removed in the meantime.
          ConditionExpression: 'userId = :user',
          ExpressionAttributeValues: { ':true': true, ':user': userId },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return reverse + capacityUnits(marked.ConsumedCapacity);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return reverse;
    }
  }

  private async readLink(anonymousId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: identityKey(anonymousId), ConsistentRead: true }),
    );
    return Item;
  }
}
