import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoOrderLedger, OrderNotFoundError } from '../../shared/aws/dynamo-order-ledger.js';
import { UnprocessedItemsError } from '../../shared/aws/unprocessed-retry.js';
import { customersShardKey } from '../../shared/aws/table.js';
import type { OrderRecord } from '../../shared/ports.js';
import { NO_WAIT, TABLE, conditionFailed, mockedDocumentClient } from './dynamo-mock.js';

function order(orderId: string, customerId = 'c-1'): OrderRecord {
  return {
    customerId,
    orderId,
    at: '2026-11-02T10:00:00.000Z',
    amount: 120.5,
    currency: 'TRY',
    products: [{ productId: 'p-1', quantity: 1, price: 120.5 }],
    messageId: `msg-${orderId}`,
    status: 'pending',
  };
}

describe('DynamoOrderLedger', () => {
  let context: ReturnType<typeof mockedDocumentClient>;
  let ledger: DynamoOrderLedger;

  beforeEach(() => {
    context = mockedDocumentClient();
    ledger = new DynamoOrderLedger(context.doc, TABLE, NO_WAIT);
  });

  describe('claimOrder', () => {
    it('puts the order pending under the customer, only if no item exists, asking for the old item on failure', async () => {
      // Prepare
      context.mock.on(PutCommand).resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });

      // Act
      const claim = await ledger.claimOrder(order('o-1'));

      // Assess
      expect(context.mock).toHaveReceivedCommandWith(PutCommand, {
        TableName: TABLE,
        // Keyed in the sparse customers index the refresh reads (issue 20).
        Item: { PK: 'C#c-1', SK: 'O#o-1', ...order('o-1'), status: 'pending', customersPK: customersShardKey('c-1') },
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ReturnConsumedCapacity: 'TOTAL',
      });
      expect(claim).toEqual({ status: 'new', receipt: { capacityUnits: 1 } });
    });

    it('reports the stored status carried by the failed condition without reading again', async () => {
      // Prepare
      context.mock
        .on(PutCommand)
        .rejects(conditionFailed({ PK: 'C#c-1', SK: 'O#o-1', ...order('o-1'), status: 'applied' }));

      // Act
      const claim = await ledger.claimOrder(order('o-1'));

      // Assess
      expect(claim.status).toBe('applied');
      expect(context.mock).not.toHaveReceivedCommand(GetCommand);
    });

    it('reads the stored order when the engine does not return it with the failed condition', async () => {
      // Prepare
      context.mock.on(PutCommand).rejects(conditionFailed());
      context.mock.on(GetCommand).resolves({ Item: { PK: 'C#c-1', SK: 'O#o-1', ...order('o-1'), status: 'pending' } });

      // Act
      const claim = await ledger.claimOrder(order('o-1'));

      // Assess
      expect(claim.status).toBe('pending');
      expect(context.mock).toHaveReceivedCommandWith(GetCommand, {
        Key: { PK: 'C#c-1', SK: 'O#o-1' },
        ConsistentRead: true,
      });
    });
  });

  describe('markOrderApplied', () => {
    it('sets the status of the claimed order to applied', async () => {
      // Prepare
      context.mock.on(UpdateCommand).resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });

      // Act
      const receipt = await ledger.markOrderApplied('c-1', 'o-1');

      // Assess
      expect(context.mock).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: TABLE,
        Key: { PK: 'C#c-1', SK: 'O#o-1' },
        UpdateExpression: 'SET #status = :applied',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':applied': 'applied' },
        ReturnConsumedCapacity: 'TOTAL',
      });
      expect(receipt).toEqual({ capacityUnits: 1 });
    });

    it('refuses to mark an order that was never claimed', async () => {
      // Prepare
      context.mock.on(UpdateCommand).rejects(conditionFailed());

      // Act
      const mark = ledger.markOrderApplied('c-1', 'ghost');

      // Assess
      await expect(mark).rejects.toBeInstanceOf(OrderNotFoundError);
    });
  });

  describe('putOrders', () => {
    it('writes orders with their own status in batches of at most 25', async () => {
      // Prepare
      context.mock.on(BatchWriteCommand).resolves({ ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 25 }] });
      const orders = Array.from({ length: 60 }, (_, index) => order(`o-${index}`));

      // Act
      const receipt = await ledger.putOrders(orders);

      // Assess
      const sizes = context.mock
        .commandCalls(BatchWriteCommand)
        .map((call) => call.args[0].input.RequestItems?.[TABLE]?.length);
      expect(sizes).toEqual([25, 25, 10]);
      const first = context.mock.commandCalls(BatchWriteCommand)[0]!.args[0].input;
      expect(first.ReturnConsumedCapacity).toBe('TOTAL');
      expect(first.RequestItems?.[TABLE]?.[0]).toEqual({
        PutRequest: { Item: { PK: 'C#c-1', SK: 'O#o-0', ...order('o-0'), customersPK: customersShardKey('c-1') } },
      });
      expect(receipt.capacityUnits).toBe(75);
    });

    it('resends exactly the unprocessed items until none is left', async () => {
      // Prepare
      const orders = [order('o-1'), order('o-2'), order('o-3')];
      const leftOver = [{ PutRequest: { Item: { PK: 'C#c-1', SK: 'O#o-3', ...order('o-3') } } }];
      context.mock
        .on(BatchWriteCommand)
        .resolvesOnce({
          UnprocessedItems: { [TABLE]: leftOver },
          ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 2 }],
        })
        .resolves({ ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 1 }] });

      // Act
      const receipt = await ledger.putOrders(orders);

      // Assess
      expect(context.mock).toHaveReceivedCommandTimes(BatchWriteCommand, 2);
      expect(context.mock).toHaveReceivedNthCommandWith(BatchWriteCommand, 2, { RequestItems: { [TABLE]: leftOver } });
      expect(receipt.capacityUnits).toBe(3);
    });

    it('gives up with an error naming what is left when the table keeps throttling', async () => {
      // Prepare
      const leftOver = [{ PutRequest: { Item: { PK: 'C#c-1', SK: 'O#o-1' } } }];
      context.mock.on(BatchWriteCommand).resolves({ UnprocessedItems: { [TABLE]: leftOver } });

      // Act
      const write = ledger.putOrders([order('o-1')]);

      // Assess
      await expect(write).rejects.toBeInstanceOf(UnprocessedItemsError);
      await expect(write).rejects.toThrow(/1 request item\(s\) still unprocessed after 3 retries/);
    });

    it('writes an order listed twice only once, as one batch may not name a key twice', async () => {
      // Prepare
      context.mock.on(BatchWriteCommand).resolves({});

      // Act
      await ledger.putOrders([order('o-1'), { ...order('o-1'), amount: 99 }]);

      // Assess
      const items = context.mock.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems?.[TABLE];
      expect(items).toHaveLength(1);
      expect(items?.[0]?.PutRequest?.Item?.amount).toBe(99);
    });
  });

  describe('listOrders', () => {
    it('queries the customer partition for order items page by page and strips the keys', async () => {
      // Prepare
      const stored = (orderId: string) => ({ PK: 'C#c-1', SK: `O#${orderId}`, ...order(orderId), status: 'applied' });
      context.mock
        .on(QueryCommand)
        .resolvesOnce({ Items: [stored('o-1')], LastEvaluatedKey: { PK: 'C#c-1', SK: 'O#o-1' } })
        .resolves({ Items: [stored('o-2')] });

      // Act
      const orders = await ledger.listOrders('c-1');

      // Assess
      expect(context.mock).toHaveReceivedNthCommandWith(QueryCommand, 1, {
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': 'C#c-1', ':prefix': 'O#' },
      });
      expect(context.mock).toHaveReceivedNthCommandWith(QueryCommand, 2, {
        ExclusiveStartKey: { PK: 'C#c-1', SK: 'O#o-1' },
      });
      expect(orders).toEqual([
        { ...order('o-1'), status: 'applied' },
        { ...order('o-2'), status: 'applied' },
      ]);
    });
  });
});
