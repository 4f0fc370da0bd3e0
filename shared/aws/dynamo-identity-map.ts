/**
 * IdentityMap on the single table: `PK=ID#<anonymousId>, SK=ID` holds the user the anonymous id
 * was first linked to. The link is a conditional put, so concurrent identifies agree on one user.
 *
 * A new link also writes its reverse, `PK=C#<userId>, SK=LINK#<anonymousId>`, for erasure, and
 * then marks the link `backLinked`. A crash in between is healed by the next identify carrying
 * the same pair: its failed put returns the unmarked link and the reverse is written again. Repeat
 * identifies of a linked pair (most of them) cost nothing extra.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
    let units: number;
    try {
      const response = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...identityKey(anonymousId), anonymousId, userId },
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      units = capacityUnits(response.ConsumedCapacity);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const existing = itemOfFailedCheck(error) ?? (await this.readLink(anonymousId));
      if (typeof existing?.userId !== 'string') throw error;
      if (existing.userId !== userId || existing.backLinked === true)
        return { userId: existing.userId, receipt: { capacityUnits: 0 } };
      units = 0;
    }
    return { userId, receipt: { capacityUnits: units + (await this.writeBackLink(anonymousId, userId)) } };
  }

  private async writeBackLink(anonymousId: string, userId: string): Promise<number> {
    const reverse = await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...identityBackLinkKey(userId, anonymousId), anonymousId },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
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
      return capacityUnits(reverse.ConsumedCapacity) + capacityUnits(marked.ConsumedCapacity);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return capacityUnits(reverse.ConsumedCapacity);
    }
  }

  private async readLink(anonymousId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: identityKey(anonymousId), ConsistentRead: true }),
    );
    return Item;
  }
}
