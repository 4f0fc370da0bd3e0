/**
 * PassSlots in the table: one conditional put per (pass, scheduled time), `PK=PASS#<pass>`; the
 * second put of the same slot fails its condition, which is the answer "already claimed". The
 * item expires a week later (slots are at most a day apart from their retries).
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock, type PassSlots } from '../ports.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { passSlotKey, TTL_ATTRIBUTE } from './table.js';

const KEEP_SECONDS = 7 * 24 * 3600;

export class DynamoPassSlots implements PassSlots {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async claim(pass: string, scheduledTime: string): Promise<boolean> {
    const now = this.clock.now();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...passSlotKey(pass, scheduledTime),
            claimedAt: now.toISOString(),
            [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + KEEP_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
