/**
 * IdentityMap on the single table: `PK=ID#<anonymousId>, SK=ID` holds the user the anonymous id
 * was first linked to. The link is a conditional put, so concurrent identifies agree on one user.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdentityMap, WriteReceipt } from '../ports.js';
import { capacityUnits } from './capacity.js';
import { isConditionalCheckFailed, itemOfFailedCheck } from './conditional-check.js';
import { identityKey } from './table.js';
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
      return { userId, receipt: { capacityUnits: capacityUnits(response.ConsumedCapacity) } };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const existing = itemOfFailedCheck(error) ?? (await this.readLink(anonymousId));
      if (typeof existing?.userId !== 'string') throw error;
      return { userId: existing.userId, receipt: { capacityUnits: 0 } };
    }
  }

  private async readLink(anonymousId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: identityKey(anonymousId), ConsistentRead: true }),
    );
    return Item;
  }
}
