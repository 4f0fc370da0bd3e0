/**
 * SendRateLimiter on the single table: one cursor item per scope (`PK=RATE#<scope>, SK=CURSOR`,
 * `next` = the next free slot in epoch ms, shared/channels/pace.ts), shared by every send worker.
 * A busy cursor moves with one conditional ADD (`next >= now`); an idle one is set to now plus the
 * slots taken (`next < now`, or no item); several slots are taken in one write. Losing that race to another worker just tries again.
 * The item expires by TTL a day after its last use.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { paceIntervalMs } from '../channels/pace.js';
import type { RateScope, SendRateLimiter } from '../channels/ports.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { TTL_ATTRIBUTE } from './table.js';

const ATTEMPTS = 5;
const DAY_SECONDS = 86_400;

export class DynamoSendRateLimiter implements SendRateLimiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(scope: RateScope, perSecond: number, now: Date, count = 1): Promise<Date> {
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`rate cursor ${scope}: count must be a positive integer, got ${count}`);
    const interval = paceIntervalMs(perSecond);
    const span = interval * count;
    const nowMs = now.getTime();
    const Key = { PK: `RATE#${scope}`, SK: 'CURSOR' };
    const ExpressionAttributeNames = { '#next': 'next', '#ttl': TTL_ATTRIBUTE };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        const moved = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'ADD #next :interval SET #ttl = :ttl',
            ConditionExpression: '#next >= :now',
            ExpressionAttributeNames,
            ExpressionAttributeValues: {
              ':interval': span,
              ':now': nowMs,
              ':ttl': Math.ceil(nowMs / 1000) + DAY_SECONDS,
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        const next = moved.Attributes?.next;
        if (typeof next !== 'number') throw new Error(`rate cursor ${scope}: the update returned no cursor`);
        return new Date(next - span);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'SET #next = :next, #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(#next) OR #next < :now',
            ExpressionAttributeNames,
            ExpressionAttributeValues: {
              ':next': nowMs + span,
              ':now': nowMs,
              ':ttl': Math.ceil(nowMs / 1000) + DAY_SECONDS,
            },
          }),
        );
        return now;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw new Error(`rate cursor ${scope}: lost ${ATTEMPTS} races in a row`);
  }
}
