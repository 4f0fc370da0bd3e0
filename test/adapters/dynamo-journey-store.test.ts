import { BatchGetCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { CorruptJourneyRunError, DynamoJourneyStore } from '../../shared/aws/dynamo-journey-store.js';
import { wakeKey } from '../../shared/aws/table.js';
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

  it("writes a waiting run's wake first, then the run, which stays out of the due index", async () => {
    // Prepare
    const now = new Date(AT);
    store = new DynamoJourneyStore(context.doc, TABLE, { clock: { now: () => now } });
    context.mock.on(PutCommand).resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });
    // Act
    const put = await store.putRun(run({ status: 'waiting', wakeAt: WAKE, version: 0 }), 0);
    // Assess
    const [wake, written] = context.mock.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(wake?.Item).toEqual({
      ...wakeKey('c-1', 'vnb', 'r1', WAKE, WAKE),
      customerId: 'c-1',
      journeyId: 'vnb',
      runId: 'r1',
      wakeAt: WAKE,
      ttl: Date.parse(WAKE) / 1000 + 14 * 86_400,
    });
    expect(wake?.ConditionExpression).toBeUndefined();
    expect(written?.Item).toMatchObject({ PK: 'C#c-1', SK: 'J#vnb#r1', wakeAt: WAKE, version: 1 });
    expect(written?.Item).not.toHaveProperty('duePK');
    expect(written?.ConditionExpression).toBe('#version = :expected');
    expect(written?.ExpressionAttributeValues).toEqual({ ':expected': 0 });
    expect(put.receipt.capacityUnits).toBe(2);
  });

  it('writes no second wake when a run that keeps waiting for the same time is written again (a mark), but one for a new time', async () => {
    // Prepare
    context.mock.on(PutCommand).resolves({});
    const first = await store.putRun(run({ status: 'waiting', wakeAt: WAKE }), 0);
    // Act
    const marked = await store.putRun({ ...first.run, engaged: { s1: { opened: AT } } }, 1);
    await store.putRun({ ...marked.run, wakeAt: '2026-11-03T12:00:00.000Z' }, 2);
    // Assess: wake, run, run, wake, run
    const written = context.mock
      .commandCalls(PutCommand)
      .map((call) => (String(call.args[0].input.Item?.PK).startsWith('WAKE#') ? 'wake' : 'run'));
    expect(written).toEqual(['wake', 'run', 'run', 'wake', 'run']);
    expect(marked.run.wakeScheduled).toEqual({ customerId: 'c-1', wakeAt: WAKE });
  });

  it('writes a wake for a run handed over to another customer, whose wake it is not yet', async () => {
    // Prepare
    context.mock.on(PutCommand).resolves({});
    const waiting = await store.putRun(run({ status: 'waiting', wakeAt: WAKE }), 0);
    // Act
    await store.putRun({ ...waiting.run, customerId: 'c-2' }, undefined);
    // Assess
    const items = context.mock.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
    expect(items.filter((item) => String(item?.PK).startsWith('WAKE#')).map((item) => item?.customerId)).toEqual([
      'c-1',
      'c-2',
    ]);
  });

  it('keys a wake due within the lag at the write time plus the lag, so a tick already past it still finds it', async () => {
    // Prepare: a wait of ten seconds
    const now = new Date(AT);
    store = new DynamoJourneyStore(context.doc, TABLE, { clock: { now: () => now } });
    context.mock.on(PutCommand).resolves({});
    const soon = new Date(now.getTime() + 10_000).toISOString();
    // Act
    await store.putRun(run({ status: 'waiting', wakeAt: soon }), 0);
    // Assess: keyed a minute after the write; the message still carries the run's own wakeAt
    const wake = context.mock.commandCalls(PutCommand)[0]!.args[0].input.Item;
    expect(wake).toMatchObject({ SK: expect.stringMatching(/^2026-11-02T10:01:00\.000Z#/), wakeAt: soon });
  });

  it('gives two runs with the same wake time keys of their own, whatever their ids hold', async () => {
    // Act: ids a '#'-joined key would confuse
    const first = wakeKey('a#b', 'c', 'r', WAKE, WAKE);
    const second = wakeKey('a', 'b#c', 'r', WAKE, WAKE);
    // Assess
    expect(first.SK).not.toBe(second.SK);
    expect(first.SK.startsWith(`${WAKE}#`)).toBe(true);
  });

  it('writes no wake for a run that is not waiting', async () => {
    context.mock.on(PutCommand).resolves({});
    await store.putRun(run({ status: 'completed' }), 0);
    expect(context.mock.commandCalls(PutCommand)).toHaveLength(1);
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

  it('lists the due runs written before decision 290 from one shard of the due index, page by page, skipping items that are not runs', async () => {
    context.mock
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ PK: 'C#a', SK: 'J#vnb#r1', journeyId: 'vnb', runId: 'r1', wakeAt: WAKE }],
        LastEvaluatedKey: { PK: 'C#a' },
      })
      .resolvesOnce({ Items: [{ PK: 'C#b', SK: 'M#deferred', wakeAt: WAKE }] });
    const due = [];
    for await (const item of store.legacyDue(2, WAKE, 1)) due.push(item);
    expect(due).toEqual([{ customerId: 'a', journeyId: 'vnb', runId: 'r1', wakeAt: WAKE }]);
    expect(context.mock).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'due',
      ExpressionAttributeValues: { ':shard': 'DUE#2', ':until': WAKE },
      Limit: 1,
    });
  });
});
