import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoIdentityMap } from '../../shared/aws/dynamo-identity-map.js';
import { NO_WAIT, TABLE, conditionFailed, mockedDocumentClient } from './dynamo-mock.js';

describe('DynamoIdentityMap', () => {
  let context: ReturnType<typeof mockedDocumentClient>;
  let identity: DynamoIdentityMap;

  beforeEach(() => {
    context = mockedDocumentClient();
    identity = new DynamoIdentityMap(context.doc, TABLE, NO_WAIT);
  });

  describe('resolve', () => {
    it('reads links in strongly consistent batches of at most 100 distinct ids', async () => {
      // Prepare
      context.mock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
      const ids = Array.from({ length: 250 }, (_, index) => `anon-${index}`);

      // Act
      await identity.resolve([...ids, 'anon-0']);

      // Assess
      const requests = context.mock
        .commandCalls(BatchGetCommand)
        .map((call) => call.args[0].input.RequestItems?.[TABLE]);
      expect(requests.map((request) => request?.Keys?.length)).toEqual([100, 100, 50]);
      expect(requests[0]?.ConsistentRead).toBe(true);
      expect(requests[0]?.Keys?.[0]).toEqual({ PK: 'ID#anon-0', SK: 'ID' });
    });

    it('maps each linked anonymous id to its user and leaves unlinked ids out', async () => {
      // Prepare
      context.mock
        .on(BatchGetCommand)
        .resolves({ Responses: { [TABLE]: [{ anonymousId: 'anon-1', userId: 'user-1' }] } });

      // Act
      const links = await identity.resolve(['anon-1', 'anon-2']);

      // Assess
      expect(links).toEqual(new Map([['anon-1', 'user-1']]));
    });

    it('resends the unprocessed keys and merges both answers', async () => {
      // Prepare
      const leftOver = { [TABLE]: { Keys: [{ PK: 'ID#anon-2', SK: 'ID' }], ConsistentRead: true } };
      context.mock
        .on(BatchGetCommand)
        .resolvesOnce({
          Responses: { [TABLE]: [{ anonymousId: 'anon-1', userId: 'user-1' }] },
          UnprocessedKeys: leftOver,
        })
        .resolves({ Responses: { [TABLE]: [{ anonymousId: 'anon-2', userId: 'user-2' }] } });

      // Act
      const links = await identity.resolve(['anon-1', 'anon-2']);

      // Assess
      expect(context.mock).toHaveReceivedNthCommandWith(BatchGetCommand, 2, { RequestItems: leftOver });
      expect(links).toEqual(
        new Map([
          ['anon-1', 'user-1'],
          ['anon-2', 'user-2'],
        ]),
      );
    });

    it('sends nothing for no ids', async () => {
      // Act
      const links = await identity.resolve([]);

      // Assess
      expect(links.size).toBe(0);
      expect(context.mock).not.toHaveReceivedAnyCommand();
    });
  });

  describe('link', () => {
    const firstLink = (userId: string, more: Record<string, unknown> = {}) => ({
      Item: { PK: 'ID#anon-1', SK: 'ID', anonymousId: 'anon-1', userId, ...more },
    });

    it("writes a new link's reverse into the user's partition, then the link, marked, only if the id has none: two writes", async () => {
      // Prepare
      context.mock.on(GetCommand).resolves({});
      context.mock.on(PutCommand).resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });

      // Act
      const linked = await identity.link('anon-1', 'user-1');

      // Assess
      expect(context.mock).toHaveReceivedCommandWith(GetCommand, {
        Key: { PK: 'ID#anon-1', SK: 'ID' },
        ConsistentRead: true,
      });
      expect(context.mock).toHaveReceivedNthCommandWith(PutCommand, 1, {
        Item: { PK: 'C#user-1', SK: 'LINK#anon-1', anonymousId: 'anon-1' },
      });
      expect(context.mock).toHaveReceivedNthCommandWith(PutCommand, 2, {
        TableName: TABLE,
        Item: { PK: 'ID#anon-1', SK: 'ID', anonymousId: 'anon-1', userId: 'user-1', backLinked: true },
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ReturnConsumedCapacity: 'TOTAL',
      });
      expect(context.mock).not.toHaveReceivedCommand(UpdateCommand);
      expect(linked).toEqual({ userId: 'user-1', receipt: { capacityUnits: 2 } });
    });

    it('writes nothing for a pair already linked and marked (a read, not a failed conditional put)', async () => {
      // Prepare
      context.mock.on(GetCommand).resolves(firstLink('user-1', { backLinked: true }));

      // Act
      const linked = await identity.link('anon-1', 'user-1');

      // Assess
      expect(linked).toEqual({ userId: 'user-1', receipt: { capacityUnits: 0 } });
      expect(context.mock).not.toHaveReceivedCommand(PutCommand);
      expect(context.mock).not.toHaveReceivedCommand(UpdateCommand);
    });

    it('answers with the user of the first link when the id is already linked, writing nothing', async () => {
      // Prepare
      context.mock.on(GetCommand).resolves(firstLink('first-user', { backLinked: true }));

      // Act
      const linked = await identity.link('anon-1', 'second-user');

      // Assess
      expect(linked.userId).toBe('first-user');
      expect(context.mock).not.toHaveReceivedCommand(PutCommand);
    });

    it('writes the reverse again and marks a link written before, which a crash left unmarked', async () => {
      // Prepare
      context.mock
        .on(GetCommand)
        .resolves(firstLink('user-1'))
        .on(PutCommand)
        .resolves({})
        .on(UpdateCommand)
        .resolves({});

      // Act
      await identity.link('anon-1', 'user-1');

      // Assess
      expect(context.mock).toHaveReceivedCommandWith(PutCommand, {
        Item: { PK: 'C#user-1', SK: 'LINK#anon-1', anonymousId: 'anon-1' },
      });
      expect(context.mock).toHaveReceivedCommandWith(UpdateCommand, {
        Key: { PK: 'ID#anon-1', SK: 'ID' },
        UpdateExpression: 'SET backLinked = :true',
        ConditionExpression: 'userId = :user',
        ExpressionAttributeValues: { ':true': true, ':user': 'user-1' },
      });
    });

    it('does not re-create a link an erasure removed before it was marked', async () => {
      // Prepare
      context.mock.on(GetCommand).resolves(firstLink('user-1')).on(PutCommand).resolves({});
      context.mock.on(UpdateCommand).rejects(conditionFailed());

      // Act / Assess
      await expect(identity.link('anon-1', 'user-1')).resolves.toMatchObject({ userId: 'user-1' });
    });

    it("deletes its reverse when another user's identify linked the id between the read and the put", async () => {
      // Prepare
      context.mock.on(GetCommand).resolves({});
      context.mock
        .on(PutCommand, { Item: { PK: 'C#second-user', SK: 'LINK#anon-1', anonymousId: 'anon-1' } })
        .resolves({})
        .on(PutCommand, { ConditionExpression: 'attribute_not_exists(PK)' })
        .rejects(conditionFailed(firstLink('first-user', { backLinked: true }).Item));
      context.mock.on(DeleteCommand).resolves({});

      // Act
      const linked = await identity.link('anon-1', 'second-user');

      // Assess
      expect(linked.userId).toBe('first-user');
      expect(context.mock).toHaveReceivedCommandWith(DeleteCommand, {
        Key: { PK: 'C#second-user', SK: 'LINK#anon-1' },
      });
    });

    it('reads the first link when the engine does not return it with the failed condition', async () => {
      // Prepare
      context.mock
        .on(GetCommand)
        .resolvesOnce({})
        .resolves(firstLink('first-user', { backLinked: true }));
      context.mock
        .on(PutCommand)
        .resolves({})
        .on(PutCommand, { ConditionExpression: 'attribute_not_exists(PK)' })
        .rejects(conditionFailed());
      context.mock.on(DeleteCommand).resolves({});

      // Act
      const linked = await identity.link('anon-1', 'second-user');

      // Assess
      expect(linked.userId).toBe('first-user');
      expect(context.mock).toHaveReceivedCommandTimes(GetCommand, 2);
    });
  });
});
