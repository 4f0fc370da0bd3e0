/** SES engagement marked on the send ledger's item: first time per metric, never a new item. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoEngagementMarks } from '../../shared/aws/dynamo-engagement-marks.js';
import { conditionFailed, mockedDocumentClient, TABLE } from './dynamo-mock.js';

describe('DynamoEngagementMarks', () => {
  it('sets <metric>At on the ledger item only if absent, on the condition that the item exists', async () => {
    // Prepare
    const context = mockedDocumentClient();
    context.mock.on(UpdateCommand).resolves({});

    // Act
    await new DynamoEngagementMarks(context.doc, TABLE).mark('u1', 'm1', 'opened', '2026-11-02T10:00:00.000Z');

    // Assess
    const input = context.mock.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key).toEqual({ PK: 'C#u1', SK: 'M#m1' });
    expect(input.UpdateExpression).toBe('SET #metric = if_not_exists(#metric, :at)');
    expect(input.ConditionExpression).toBe('attribute_exists(PK)');
    expect(input.ExpressionAttributeNames).toEqual({ '#metric': 'openedAt' });
  });

  it('ignores an event for a message the ledger does not hold', async () => {
    const context = mockedDocumentClient();
    context.mock.on(UpdateCommand).rejects(conditionFailed());

    await expect(
      new DynamoEngagementMarks(context.doc, TABLE).mark('u1', 'gone', 'delivered', '2026-11-02T10:00:00.000Z'),
    ).resolves.toBeUndefined();
  });

  it('lets any other error through, so the SES event is retried', async () => {
    const context = mockedDocumentClient();
    context.mock.on(UpdateCommand).rejects(new Error('throttled'));

    await expect(
      new DynamoEngagementMarks(context.doc, TABLE).mark('u1', 'm1', 'delivered', '2026-11-02T10:00:00.000Z'),
    ).rejects.toThrow('throttled');
  });
});
