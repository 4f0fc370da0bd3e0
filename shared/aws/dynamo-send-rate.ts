/**
 * SendRateLimiter on the single table: one counter item per journey and second
 * (`PK=RATE#<journeyId>, SK=<epoch second>`), taken with a conditional ADD so concurrent send
 * workers share the budget; items expire by TTL a minute later.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SendRateLimiter } from '../channels/ports.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { TTL_ATTRIBUTE } from './table.js';

export class DynamoSendRateLimiter implements SendRateLimiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async take(journeyId: string, perSecond: number, now: Date): Promise<boolean> {
    const second = Math.floor(now.getTime() / 1000);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: `RATE#${journeyId}`, SK: String(second) },
          UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':one': 1, ':limit': Math.max(1, Math.floor(perSecond)), ':ttl': second + 60 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
