import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoCapCounters } from '../../shared/aws/dynamo-cap-counters.js';
import { DynamoSendLedger } from '../../shared/aws/dynamo-send-ledger.js';
import { DynamoSuppressionList } from '../../shared/aws/dynamo-suppression.js';
import { suppressionHash } from '../../shared/channels/suppression-address.js';
import { TABLE, conditionFailed, mockedDocumentClient } from './dynamo-mock.js';
import { TEST_PEPPER } from '../fakes/test-pepper.js';

const CLAIM = {
  customerId: 'c1',
  messageId: 'm1',
  channel: 'email' as const,
  journeyId: 'j',
  runId: 'r',
  stepId: 's',
  claimedAt: '2026-11-02T09:00:00.000Z',
};

describe('DynamoSendLedger', () => {
  let context: ReturnType<typeof mockedDocumentClient>;
  let ledger: DynamoSendLedger;
  beforeEach(() => {
    context = mockedDocumentClient();
    ledger = new DynamoSendLedger(context.doc, TABLE);
  });

  it('claims with a conditional put under M#<messageId>, listed under a CLAIM# shard of the due index', async () => {
    context.mock.on(PutCommand).resolves({});
    expect(await ledger.claim(CLAIM)).toBe(true);
    const input = context.mock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(PK) OR #ttl <= :nowSeconds',
      Item: { PK: 'C#c1', SK: 'M#m1', status: 'claimed', wakeAt: CLAIM.claimedAt },
    });
    expect(String(input?.Item?.duePK)).toMatch(/^CLAIM#\d+$/);
  });

  it('answers false when any entry exists', async () => {
    context.mock.on(PutCommand).rejects(conditionFailed());
    expect(await ledger.claim(CLAIM)).toBe(false);
  });

  it('settles only a claim, and takes it out of the due index', async () => {
    context.mock.on(UpdateCommand).resolves({});
    await ledger.settle('c1', 'm1', 'unknown', '2026-11-02T09:00:01.000Z', { detail: 'InternalFailure' });
    const input = context.mock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toContain('REMOVE duePK, wakeAt');
    expect(input?.ConditionExpression).toBe('#status = :claimed');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':status': 'unknown', ':detail': 'InternalFailure' });
  });

  it('moves only a sent entry to failed on a late provider failure, with the code', async () => {
    context.mock.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    expect(await ledger.failAfterSent('c1', 'm1', '2026-11-02T09:05:00.000Z', 'Meta 131049')).toBe(true);
    expect(await ledger.failAfterSent('c1', 'm1', '2026-11-02T09:06:00.000Z', 'Meta 131049')).toBe(false);
    const input = context.mock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Key: { PK: 'C#c1', SK: 'M#m1' },
      ConditionExpression: '#status = :sent',
      ExpressionAttributeValues: { ':failed': 'failed', ':sent': 'sent', ':detail': 'Meta 131049' },
    });
  });

  it('claims an entry again for the next attempt only while it is as seen, back in the claim index', async () => {
    context.mock.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const seen = { customerId: 'c1', messageId: 'm1', status: 'retrying' as const, updatedAt: CLAIM.claimedAt };
    expect(await ledger.reclaim(seen, '2026-11-02T09:02:00.000Z', 2)).toBe(true);
    expect(await ledger.reclaim(seen, '2026-11-02T09:02:00.000Z', 2)).toBe(false);
    const input = context.mock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('#status = :seenStatus AND #updatedAt = :seenAt');
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':claimed': 'claimed',
      ':attempts': 2,
      ':seenStatus': 'retrying',
      ':seenAt': CLAIM.claimedAt,
    });
    expect(String(input?.ExpressionAttributeValues?.[':duePK'])).toMatch(/^CLAIM#\d+$/);
  });

  it('releases only a claim', async () => {
    context.mock.on(DeleteCommand).resolves({});
    await ledger.release('c1', 'm1');
    expect(context.mock).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { PK: 'C#c1', SK: 'M#m1' },
      ConditionExpression: '#status = :claimed',
    });
  });

  it('finds stale claims in every CLAIM# shard, skipping entries already settled', async () => {
    context.mock.on(QueryCommand).resolves({ Items: [] });
    context.mock
      .on(QueryCommand, { ExpressionAttributeValues: { ':shard': 'CLAIM#3', ':until': '2026-11-02T08:00:00Z' } })
      .resolves({
        Items: [
          { PK: 'C#c1', SK: 'M#m1', duePK: 'CLAIM#3', wakeAt: 'x', ...CLAIM, status: 'claimed' },
          { PK: 'C#c2', SK: 'M#m2', ...CLAIM, customerId: 'c2', messageId: 'm2', status: 'sent' },
        ],
      });
    const stale = [];
    for await (const entry of ledger.staleClaims('2026-11-02T08:00:00Z')) stale.push(entry);
    expect(stale.map((entry) => entry.messageId)).toEqual(['m1']);
    expect(stale[0]).not.toHaveProperty('duePK');
    expect(context.mock.commandCalls(QueryCommand)).toHaveLength(16);
  });

  it('reads an entry with a consistent read', async () => {
    context.mock.on(GetCommand).resolves({ Item: { PK: 'C#c1', SK: 'M#m1', ...CLAIM, status: 'sent' } });
    expect(await ledger.find('c1', 'm1')).toMatchObject({ status: 'sent', messageId: 'm1' });
    expect(context.mock).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: true });
  });

  it('reads several entries with one consistent BatchGetItem, answering the ones that exist', async () => {
    // Prepare
    context.mock.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [{ PK: 'C#c2', SK: 'M#m2', ...CLAIM, customerId: 'c2', messageId: 'm2', status: 'sent' }] },
    });

    // Act
    const entries = await ledger.findEntries([
      { customerId: 'c1', messageId: 'm1' },
      { customerId: 'c2', messageId: 'm2' },
    ]);

    // Assess
    expect(entries).toEqual([expect.objectContaining({ customerId: 'c2', messageId: 'm2', status: 'sent' })]);
    expect(entries[0]).not.toHaveProperty('PK');
    const calls = context.mock.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.RequestItems?.[TABLE]).toMatchObject({
      ConsistentRead: true,
      Keys: [
        { PK: 'C#c1', SK: 'M#m1' },
        { PK: 'C#c2', SK: 'M#m2' },
      ],
    });
  });
});

describe('DynamoCapCounters', () => {
  it('reads the customer’s counters, day items and the older per-scope items, in one consistent Query, adding both into scope#day counts', async () => {
    // Prepare
    const { doc, mock } = mockedDocumentClient();
    mock.on(QueryCommand).resolves({
      Items: [
        { PK: 'C#c1', SK: 'CAP#*#20394', 'n#email': 2, 'n#all': 3, 'n#sms': 9 },
        { PK: 'C#c1', SK: 'CAP#*#20380', 'n#email': 5 },
        { PK: 'C#c1', SK: 'CAP#all#20393', count: 4 },
        { PK: 'C#c1', SK: 'CAP#email#20394', count: 1 },
      ],
    });

    // Act
    const counts = await new DynamoCapCounters(doc, TABLE).counts('c1', ['email', 'all'], [20394, 20393]);

    // Assess: a day outside the window and a scope not asked for are not counted.
    expect(counts).toEqual(
      new Map([
        ['email#20394', 3],
        ['all#20394', 3],
        ['all#20393', 4],
      ]),
    );
    const calls = mock.commandCalls(QueryCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': 'C#c1', ':prefix': 'CAP#' },
      ConsistentRead: true,
    });
  });

  it('adds one to each scope of a send in one update of the day’s item, with a TTL past the week', async () => {
    // Prepare
    const { doc, mock } = mockedDocumentClient();
    mock.on(UpdateCommand).resolves({});

    // Act
    await new DynamoCapCounters(doc, TABLE).add('c1', ['sms', 'all', 'journey:welcome', 'all'], 20394);

    // Assess
    const calls = mock.commandCalls(UpdateCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { PK: 'C#c1', SK: 'CAP#*#20394' },
      UpdateExpression: 'ADD #s0 :one, #s1 :one, #s2 :one SET #ttl = :ttl',
      ExpressionAttributeNames: { '#s0': 'n#sms', '#s1': 'n#all', '#s2': 'n#journey:welcome', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':one': 1, ':ttl': (20394 + 9) * 86400 },
    });
  });
});

describe('DynamoSuppressionList', () => {
  it('keys by the hash of the normalized address and never stores the address', async () => {
    const { doc, mock } = mockedDocumentClient();
    mock.on(PutCommand).resolves({});
    await new DynamoSuppressionList(doc, TABLE, TEST_PEPPER).suppress(
      ' Ayse@Example.com ',
      'complaint',
      '2026-11-02T09:00:00Z',
    );
    const item = mock.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toEqual({
      PK: `SUPPRESS#${suppressionHash(TEST_PEPPER, 'ayse@example.com')}`,
      SK: 'SUPPRESS',
      reason: 'complaint',
      at: '2026-11-02T09:00:00Z',
    });
    expect(JSON.stringify(item)).not.toMatch(/ayse/i);
  });

  it('keeps the first reason when the address is suppressed again', async () => {
    const { doc, mock } = mockedDocumentClient();
    mock.on(PutCommand).rejects(conditionFailed());
    await expect(
      new DynamoSuppressionList(doc, TABLE, TEST_PEPPER).suppress('a@b.c', 'bounce', 'x'),
    ).resolves.toBeUndefined();
  });
});
