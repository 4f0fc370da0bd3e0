import { BatchGetCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { CorruptJourneyRunError, DynamoJourneyStore } from '../../shared/aws/dynamo-journey-store.js';
import { dueShardKey } from '../../shared/aws/table.js';
import { newRun, type JourneyRun } from '../../shared/journeys/run.js';
import { TABLE, conditionFailed, mockedDocumentClient } from './dynamo-mock.js';

const AT = '2026-11-02T10:00:00.000Z';
const WAKE = '2026-11-02T12:00:00.000Z';

function run(overrides: Partial<JourneyRun> = {}): JourneyRun {
  return { ...newRun('vnb', 'r1', 'c-1', false, AT), ...overrides };
}

describe('DynamoJourneyStore', () => {
  let context: ReturnType<typeof mockedDocumentClient>;
  let store: DynamoJourneyStore;

  beforeEach(() => {
    context = mockedDocumentClient();
    store = new DynamoJourneyStore(context.doc, TABLE);
  });

  it('puts a new run at version 0 under J#<journey>#<run>, on the condition that none exists', async () => {
    context.mock.on(PutCommand).resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });
    const result = await store.putRun(run({ version: 5 }), undefined);
    expect(result).toMatchObject({ written: true, run: { version: 0 }, receipt: { capacityUnits: 1 } });
    expect(context.mock).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      ConditionExpression: 'attribute_not_exists(PK) OR #ttl <= :nowSeconds',
      Item: expect.objectContaining({ PK: 'C#c-1', SK: 'J#vnb#r1', version: 0 }),
    });
  });

  it('puts a waiting run into the due index (duePK and wakeAt)', async () => {
    context.mock.on(PutCommand).resolves({});
    await store.putRun(run({ status: 'waiting', wakeAt: WAKE, version: 0 }), 0);
    const input = context.mock.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.Item).toMatchObject({ duePK: dueShardKey('c-1'), wakeAt: WAKE, version: 1 });
    expect(input.ConditionExpression).toBe('#version = :expected');
    expect(input.ExpressionAttributeValues).toEqual({ ':expected': 0 });
  });

  it('keeps a run that is not waiting out of the due index', async () => {
    context.mock.on(PutCommand).resolves({});
    await store.putRun(run({ status: 'completed' }), 0);
    const item = context.mock.commandCalls(PutCommand)[0]!.args[0].input.Item;
    expect(item).not.toHaveProperty('duePK');
    expect(item).not.toHaveProperty('wakeAt');
  });

  it('reports a failed condition as not written instead of throwing', async () => {
    context.mock.on(PutCommand).rejects(conditionFailed());
    expect((await store.putRun(run(), undefined)).written).toBe(false);
  });

  it("lists the customer's runs with a consistent query on the J# prefix, keeping wakeAt", async () => {
    context.mock.on(QueryCommand).resolves({
      Items: [{ PK: 'C#c-1', SK: 'J#vnb#r1', duePK: 'DUE#3', ...run({ status: 'waiting', wakeAt: WAKE }) }],
    });
    const runs = await store.listRuns('c-1');
    expect(runs).toEqual([run({ status: 'waiting', wakeAt: WAKE })]);
    expect(context.mock).toHaveReceivedCommandWith(QueryCommand, {
      ConsistentRead: true,
      ExpressionAttributeValues: { ':pk': 'C#c-1', ':prefix': 'J#' },
    });
  });

  it('reads the one run a wake names with a consistent GetItem of its key', async () => {
    // Prepare
    context.mock
      .on(GetCommand)
      .resolves({ Item: { PK: 'C#c-1', SK: 'J#vnb#r1', duePK: 'DUE#3', ...run({ status: 'waiting', wakeAt: WAKE }) } });
    // Act
    const found = await store.getRun('c-1', 'vnb', 'r1');
    // Assess
    expect(found).toEqual(run({ status: 'waiting', wakeAt: WAKE }));
    expect(context.mock).toHaveReceivedCommandWith(GetCommand, {
      TableName: TABLE,
      Key: { PK: 'C#c-1', SK: 'J#vnb#r1' },
      ConsistentRead: true,
    });
  });

  it('reads many runs by their keys with one consistent BatchGetItem', async () => {
    // Prepare
    context.mock.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [{ PK: 'C#c-1', SK: 'J#vnb#r1', duePK: 'DUE#3', ...run({ status: 'waiting', wakeAt: WAKE }) }],
      },
    });
    // Act
    const found = await store.getRuns([
      { customerId: 'c-1', journeyId: 'vnb', runId: 'r1' },
      { customerId: 'c-2', journeyId: 'vnb', runId: 'r2' },
    ]);
    // Assess
    expect(found).toEqual([run({ status: 'waiting', wakeAt: WAKE })]);
    expect(context.mock).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        [TABLE]: {
          Keys: [
            { PK: 'C#c-1', SK: 'J#vnb#r1' },
            { PK: 'C#c-2', SK: 'J#vnb#r2' },
          ],
          ConsistentRead: true,
        },
      },
    });
  });

  it('reads no run where none is stored', async () => {
    // Prepare
    context.mock.on(GetCommand).resolves({});
    // Act, Assess
    expect(await store.getRun('c-1', 'vnb', 'r2')).toBeUndefined();
  });

  it('refuses a stored run that does not match the schema', async () => {
    context.mock.on(QueryCommand).resolves({ Items: [{ PK: 'C#c-1', SK: 'J#vnb#r1', status: 'dancing' }] });
    await expect(store.listRuns('c-1')).rejects.toBeInstanceOf(CorruptJourneyRunError);
  });

  it('lists due runs of one shard page by page and skips index items that are not runs', async () => {
    context.mock
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ PK: 'C#a', SK: 'J#vnb#r1', journeyId: 'vnb', runId: 'r1', wakeAt: WAKE }],
        LastEvaluatedKey: { PK: 'C#a' },
      })
      .resolvesOnce({ Items: [{ PK: 'C#b', SK: 'M#deferred', wakeAt: WAKE }] });
    const due = [];
    for await (const item of store.due(2, WAKE, 1)) due.push(item);
    expect(due).toEqual([{ customerId: 'a', journeyId: 'vnb', runId: 'r1', wakeAt: WAKE }]);
    expect(context.mock).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'due',
      ExpressionAttributeValues: { ':shard': 'DUE#2', ':until': WAKE },
      Limit: 1,
    });
  });
});
