/** Refunds per order on the table: `R#<orderId>#<messageId>` under the customer. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoRefundLedger } from '../../shared/aws/dynamo-refund-ledger.js';
import { mockedDocumentClient, TABLE } from './dynamo-mock.js';

describe('DynamoRefundLedger', () => {
  it('puts one item per refund event under the customer, keyed by order and event, and returns its capacity', async () => {
    // Prepare
    const context = mockedDocumentClient();
    context.mock.on(PutCommand).resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });
    const refund = { customerId: 'u1', orderId: 'o1', at: '2026-11-09T10:00:00.000Z', amount: 30, messageId: 'm1' };

    // Act
    const receipt = await new DynamoRefundLedger(context.doc, TABLE).recordRefund(refund);

    // Assess
    expect(receipt).toEqual({ capacityUnits: 1 });
    const input = context.mock.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.Item).toEqual({ PK: 'C#u1', SK: 'R#o1#m1', ...refund });
    expect(input.ConditionExpression).toBeUndefined();
  });
});
