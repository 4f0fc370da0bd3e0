/**
 * SuppressionList on the single table: `PK=SUPPRESS#<sha256(normalized address)>`. The first
 * reason is kept (a complaint after a bounce changes nothing a sender needs to know).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SuppressionList, SuppressionReason } from '../channels/ports.js';
import { suppressionHash } from '../channels/suppression-address.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { suppressionKey } from './table.js';

export class DynamoSuppressionList implements SuppressionList {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async isSuppressed(address: string): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: suppressionKey(suppressionHash(address)),
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  }

  async suppress(address: string, reason: SuppressionReason, at: string): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...suppressionKey(suppressionHash(address)), reason, at },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
