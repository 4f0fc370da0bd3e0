/** messagesPerSecond budgets on the table: a conditional ADD per journey and second. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoSendRateLimiter } from '../../shared/aws/dynamo-send-rate.js';
import { conditionFailed, mockedDocumentClient, TABLE } from './dynamo-mock.js';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 2, 12, 0, 0, ms));

describe('DynamoSendRateLimiter', () => {
  it('takes one unit of the journey’s current second with a conditional ADD, and answers false when the condition fails', async () => {
    // Prepare
    const context = mockedDocumentClient();
    const limiter = new DynamoSendRateLimiter(context.doc, TABLE);
    context.mock.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());

    // Act
    const first = await limiter.take('vnb', 5, at(0));
    const second = await limiter.take('vnb', 5, at(10));

    // Assess
    expect([first, second]).toEqual([true, false]);
    const input = context.mock.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key).toEqual({ PK: 'RATE#vnb', SK: String(Math.floor(at(0).getTime() / 1000)) });
    expect(input.ConditionExpression).toBe('attribute_not_exists(#count) OR #count < :limit');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':one': 1, ':limit': 5 });
  });
});
