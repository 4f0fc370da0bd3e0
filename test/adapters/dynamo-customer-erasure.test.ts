import { BatchGetCommand, BatchWriteCommand, DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoCustomerErasure } from '../../shared/aws/dynamo-customer-erasure.js';
import { shardOf, wakeShardKey } from '../../shared/aws/table.js';
import { UnprocessedItemsError } from '../../shared/aws/unprocessed-retry.js';
import { NO_WAIT, TABLE, conditionFailed, mockedDocumentClient } from './dynamo-mock.js';

describe('DynamoCustomerErasure', () => {
  let context: ReturnType<typeof mockedDocumentClient>;
  let erasure: DynamoCustomerErasure;

  beforeEach(() => {
    context = mockedDocumentClient();
    erasure = new DynamoCustomerErasure(context.doc, TABLE, NO_WAIT);
  });

  describe('listCustomerItems', () => {
    it('reads every page of the partition, strongly consistent, and names each kind', async () => {
      // Prepare
      context.mock
        .on(QueryCommand)
        .resolvesOnce({
          Items: [
            { SK: 'PROFILE', version: 4 },
            { SK: 'O#o-1', orderId: 'o-1' },
          ],
          LastEvaluatedKey: { PK: 'C#c-1', SK: 'O#o-1' },
        })
        .resolvesOnce({
          Items: [
            { SK: 'J#welcome#r1' },
            { SK: 'M#m1' },
            { SK: 'CAP#email#20394' },
            { SK: 'DEFER#m2' },
            { SK: 'LINK#dev-a' },
            { SK: 'X#new-kind' },
          ],
        });

      // Act
      const items = await erasure.listCustomerItems('c-1');

      // Assess
      expect(items).toEqual([
        { kind: 'profile', sortKey: 'PROFILE', version: 4 },
        { kind: 'order', sortKey: 'O#o-1', orderId: 'o-1' },
        { kind: 'journey_run', sortKey: 'J#welcome#r1' },
        { kind: 'send_ledger', sortKey: 'M#m1' },
        { kind: 'cap_counter', sortKey: 'CAP#email#20394' },
        { kind: 'deferred_send', sortKey: 'DEFER#m2' },
        { kind: 'identity_link', sortKey: 'LINK#dev-a' },
        { kind: 'other', sortKey: 'X#new-kind' },
      ]);
      expect(context.mock).toHaveReceivedCommandTimes(QueryCommand, 2);
      const inputs = context.mock.commandCalls(QueryCommand).map((call) => call.args[0].input);
      expect(inputs[0]).toMatchObject({ ExpressionAttributeValues: { ':pk': 'C#c-1' }, ConsistentRead: true });
      expect(inputs[1]).toMatchObject({ ExclusiveStartKey: { PK: 'C#c-1', SK: 'O#o-1' } });
    });
  });

  describe('deleteCustomerItems', () => {
    it('deletes in batches of 25 and resends what came back unprocessed', async () => {
      // Prepare
      const sortKeys = Array.from({ length: 30 }, (_, i) => `O#o-${i}`);
      context.mock.on(QueryCommand).resolves({ Items: [] });
      context.mock
        .on(BatchWriteCommand)
        .resolvesOnce({ UnprocessedItems: { [TABLE]: [{ DeleteRequest: { Key: { PK: 'C#c-1', SK: 'O#o-3' } } }] } })
        .resolves({});

      // Act
      await erasure.deleteCustomerItems('c-1', sortKeys);

      // Assess
      const calls = context.mock
        .commandCalls(BatchWriteCommand)
        .map((call) => call.args[0].input.RequestItems?.[TABLE]?.length);
      expect(calls).toEqual([25, 1, 5]);
      expect(context.mock).toHaveReceivedNthCommandWith(BatchWriteCommand, 2, {
        RequestItems: { [TABLE]: [{ DeleteRequest: { Key: { PK: 'C#c-1', SK: 'O#o-3' } } }] },
        ReturnConsumedCapacity: 'TOTAL',
      });
    });

    it("deletes the customer's wakes, found in the customer's shard of wakes by the customer id", async () => {
      // Prepare: one wake of the customer in its shard (the Query's filter keeps the others out)
      const wake = { PK: wakeShardKey(shardOf('c-1')), SK: '2026-11-02T12:00:00.000Z#digest' };
      context.mock.on(QueryCommand).resolves({ Items: [wake] });
      context.mock.on(BatchWriteCommand).resolves({});

      // Act
      await erasure.deleteCustomerItems('c-1', ['J#vnb#r1']);

      // Assess
      expect(context.mock).toHaveReceivedCommandWith(QueryCommand, {
        KeyConditionExpression: 'PK = :pk',
        FilterExpression: 'customerId = :customerId',
        ExpressionAttributeValues: { ':pk': wake.PK, ':customerId': 'c-1' },
      });
      expect(context.mock).toHaveReceivedNthCommandWith(BatchWriteCommand, 2, {
        RequestItems: { [TABLE]: [{ DeleteRequest: { Key: wake } }] },
        ReturnConsumedCapacity: 'TOTAL',
      });
    });

    it('gives up with an error naming what was left when the table stays throttled', async () => {
      // Prepare
      context.mock
        .on(BatchWriteCommand)
        .resolves({ UnprocessedItems: { [TABLE]: [{ DeleteRequest: { Key: { PK: 'C#c-1', SK: 'O#o-1' } } }] } });

      // Act / Assess
      await expect(erasure.deleteCustomerItems('c-1', ['O#o-1'])).rejects.toThrow(UnprocessedItemsError);
    });
  });

  describe('deleteProfile', () => {
    it('deletes the profile only at the version read', async () => {
      // Prepare
      context.mock.on(DeleteCommand).resolves({});

      // Act
      const deleted = await erasure.deleteProfile('c-1', 4);

      // Assess
      expect(deleted).toBe(true);
      expect(context.mock).toHaveReceivedCommandWith(DeleteCommand, {
        Key: { PK: 'C#c-1', SK: 'PROFILE' },
        ConditionExpression: '#version = :expected',
        ExpressionAttributeValues: { ':expected': 4 },
      });
    });

    it('answers false when a writer changed the profile in between', async () => {
      // Prepare
      context.mock.on(DeleteCommand).rejects(conditionFailed());

      // Act / Assess
      expect(await erasure.deleteProfile('c-1', 4)).toBe(false);
    });
  });

  describe('identity links', () => {
    it("finds the links of one user from their reverse items in the user's partition, over every page", async () => {
      // Prepare
      context.mock
        .on(QueryCommand)
        .resolvesOnce({ Items: [{ anonymousId: 'dev-b' }], LastEvaluatedKey: { PK: 'C#c-1', SK: 'LINK#dev-b' } })
        .resolvesOnce({ Items: [{ anonymousId: 'dev-a' }] });

      // Act
      const ids = await erasure.linkedAnonymousIds('c-1');

      // Assess
      expect(ids).toEqual(['dev-a', 'dev-b']);
      expect(context.mock).toHaveReceivedCommandWith(QueryCommand, {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': 'C#c-1', ':prefix': 'LINK#' },
        ConsistentRead: true,
      });
    });

    it('deletes only links that still point to the user', async () => {
      // Prepare
      context.mock
        .on(DeleteCommand, { Key: { PK: 'ID#dev-a', SK: 'ID' } })
        .resolves({})
        .on(DeleteCommand, { Key: { PK: 'ID#dev-b', SK: 'ID' } })
        .rejects(conditionFailed());

      // Act
      const removed = await erasure.unlinkAnonymousIds('c-1', ['dev-a', 'dev-b']);

      // Assess
      expect(removed).toBe(1);
      expect(context.mock).toHaveReceivedCommandWith(DeleteCommand, {
        ConditionExpression: 'userId = :user',
        ExpressionAttributeValues: { ':user': 'c-1' },
      });
    });
  });

  describe('tombstones', () => {
    it('writes the erasure marker and one item per order hash, and nothing else', async () => {
      // Prepare
      context.mock.on(BatchWriteCommand).resolves({});

      // Act
      await erasure.putTombstone({
        customerHash: 'h1',
        erasedAt: '2026-11-02T12:00:00.000Z',
        orderHashes: ['oh1', 'oh2', 'oh1'],
      });

      // Assess
      expect(context.mock).toHaveReceivedCommandWith(BatchWriteCommand, {
        RequestItems: {
          [TABLE]: [
            {
              PutRequest: {
                Item: {
                  PK: 'FORGOTTEN#h1',
                  SK: 'ERASED#2026-11-02T12:00:00.000Z',
                  erasedAt: '2026-11-02T12:00:00.000Z',
                },
              },
            },
            { PutRequest: { Item: { PK: 'FORGOTTEN#h1', SK: 'ORDERHASH#oh1', erasedAt: '2026-11-02T12:00:00.000Z' } } },
            { PutRequest: { Item: { PK: 'FORGOTTEN#h1', SK: 'ORDERHASH#oh2', erasedAt: '2026-11-02T12:00:00.000Z' } } },
          ],
        },
      });
    });

    it('finds the tombstoned orders among many with batched reads of 100 keys', async () => {
      // Prepare
      context.mock
        .on(BatchGetCommand)
        .resolvesOnce({ Responses: { [TABLE]: [{ SK: 'ORDERHASH#oh7' }] } })
        .resolves({ Responses: { [TABLE]: [] } });
      const keys = Array.from({ length: 150 }, (_, i) => ({ customerHash: 'h1', orderHash: `oh${i}` }));

      // Act
      const found = await erasure.findOrderTombstones(keys);

      // Assess
      expect(found).toEqual(new Set(['oh7']));
      const requests = context.mock
        .commandCalls(BatchGetCommand)
        .map((call) => call.args[0].input.RequestItems?.[TABLE]);
      expect(requests.map((request) => request?.Keys?.length)).toEqual([100, 50]);
      expect(requests[0]?.Keys?.[0]).toEqual({ PK: 'FORGOTTEN#h1', SK: 'ORDERHASH#oh0' });
    });

    it('lists earlier erasures of a customer hash, oldest first', async () => {
      // Prepare
      context.mock
        .on(QueryCommand)
        .resolves({ Items: [{ erasedAt: '2026-11-05T00:00:00.000Z' }, { erasedAt: '2026-11-01T00:00:00.000Z' }] });

      // Act
      const times = await erasure.erasedAt('h1');

      // Assess
      expect(times).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-05T00:00:00.000Z']);
      expect(context.mock).toHaveReceivedCommandWith(QueryCommand, {
        ExpressionAttributeValues: { ':pk': 'FORGOTTEN#h1', ':prefix': 'ERASED#' },
      });
    });
  });
});
