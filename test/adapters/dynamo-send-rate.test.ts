/** Send pacing on the table: one cursor item per scope, moved with a conditional ADD, set afresh when idle. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoSendRateLimiter } from '../../shared/aws/dynamo-send-rate.js';
import { conditionFailed, mockedDocumentClient, TABLE } from './dynamo-mock.js';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 2, 12, 0, 0, ms));

describe('DynamoSendRateLimiter', () => {
  it('moves a busy cursor one interval and answers the slot it passed', async () => {
    // Prepare: the cursor stands 3 s ahead
    const context = mockedDocumentClient();
    context.mock.on(UpdateCommand).resolvesOnce({ Attributes: { next: at(3200).getTime() } });

    // Act
    const slot = await new DynamoSendRateLimiter(context.doc, TABLE).reserve('account:email', 5, at(0));

    // Assess
    expect(slot).toEqual(at(3000));
    const input = context.mock.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key).toEqual({ PK: 'RATE#account:email', SK: 'CURSOR' });
    expect(input.ConditionExpression).toBe('#next >= :now');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':interval': 200, ':now': at(0).getTime() });
  });

  it('sets an idle cursor to now plus one interval and answers now', async () => {
    // Prepare: the cursor is behind now, so the ADD's condition fails
    const context = mockedDocumentClient();
    context.mock.on(UpdateCommand).rejectsOnce(conditionFailed()).resolvesOnce({});

    // Act
    const slot = await new DynamoSendRateLimiter(context.doc, TABLE).reserve('journey:vnb', 1, at(0));

    // Assess
    expect(slot).toEqual(at(0));
    const second = context.mock.commandCalls(UpdateCommand)[1]!.args[0].input;
    expect(second.ConditionExpression).toBe('attribute_not_exists(#next) OR #next < :now');
    expect(second.ExpressionAttributeValues).toMatchObject({ ':next': at(1000).getTime() });
  });

  it('tries again when another worker set the idle cursor first', async () => {
    // Prepare: idle, then another worker wins the reset, then the ADD succeeds
    const context = mockedDocumentClient();
    context.mock
      .on(UpdateCommand)
      .rejectsOnce(conditionFailed())
      .rejectsOnce(conditionFailed())
      .resolvesOnce({ Attributes: { next: at(2000).getTime() } });

    // Act
    const slot = await new DynamoSendRateLimiter(context.doc, TABLE).reserve('journey:vnb', 1, at(0));

    // Assess
    expect(slot).toEqual(at(1000));
    expect(context.mock.commandCalls(UpdateCommand)).toHaveLength(3);
  });
});
