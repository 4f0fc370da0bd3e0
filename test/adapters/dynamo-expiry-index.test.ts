import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoExpiryIndex } from '../../shared/aws/dynamo-expiry-index.js';
import { EXPIRY_INDEX, SHARD_COUNT } from '../../shared/aws/table.js';
import type { DueExpiry } from '../../shared/ports.js';
import { TABLE, mockedDocumentClient } from './dynamo-mock.js';

const UNTIL = '2026-11-04T10:00:00.000Z';

const entry = (customerId: string, nextExpiryAt = '2026-11-04T09:00:00.000Z') => ({
  PK: `C#${customerId}`,
  SK: 'PROFILE',
  expiryPK: 'EXP#5',
  nextExpiryAt,
});

async function collect(iterable: AsyncIterable<DueExpiry>): Promise<DueExpiry[]> {
  const out: DueExpiry[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('DynamoExpiryIndex', () => {
  let context: ReturnType<typeof mockedDocumentClient>;
  let index: DynamoExpiryIndex;

  beforeEach(() => {
    context = mockedDocumentClient();
    index = new DynamoExpiryIndex(context.doc, TABLE);
  });

  it('queries the shard of the expiry index for entries due up to the given time, a page at a time', async () => {
    // Prepare
    context.mock.on(QueryCommand).resolves({ Items: [] });

    // Act
    await collect(index.due(5, UNTIL, 300));

    // Assess
    expect(context.mock).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      IndexName: EXPIRY_INDEX,
      KeyConditionExpression: 'expiryPK = :shard AND nextExpiryAt <= :until',
      ExpressionAttributeValues: { ':shard': 'EXP#5', ':until': UNTIL },
      Limit: 300,
    });
  });

  it('follows LastEvaluatedKey until the shard is exhausted', async () => {
    // Prepare
    const lastKey = { PK: 'C#b', SK: 'PROFILE', expiryPK: 'EXP#5', nextExpiryAt: '2026-11-04T09:00:00.000Z' };
    context.mock
      .on(QueryCommand)
      .resolvesOnce({ Items: [entry('a'), entry('b')], LastEvaluatedKey: lastKey })
      .resolvesOnce({ Items: [entry('c')] });

    // Act
    const found = await collect(index.due(5, UNTIL, 2));

    // Assess
    expect(found.map((item) => item.customerId)).toEqual(['a', 'b', 'c']);
    expect(context.mock).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(context.mock.commandCalls(QueryCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual(lastKey);
  });

  it('reads the customer id from the profile key and keeps nextExpiryAt', async () => {
    // Prepare: customer ids may themselves contain '#'
    context.mock.on(QueryCommand).resolves({ Items: [entry('anon#visitor-9', '2026-11-03T23:00:00.000Z')] });

    // Act
    const found = await collect(index.due(5, UNTIL, 100));

    // Assess
    expect(found).toEqual([{ customerId: 'anon#visitor-9', nextExpiryAt: '2026-11-03T23:00:00.000Z' }]);
  });

  it('skips index entries that are not customer profiles', async () => {
    // Prepare
    context.mock
      .on(QueryCommand)
      .resolves({ Items: [{ PK: 'ID#x', SK: 'ID', nextExpiryAt: UNTIL }, { ...entry('a'), SK: 'J#j#r' }, entry('b')] });

    // Act
    const found = await collect(index.due(5, UNTIL, 100));

    // Assess
    expect(found.map((item) => item.customerId)).toEqual(['b']);
  });

  it('refuses a shard outside the table’s shards before querying', async () => {
    // Act
    const reading = collect(index.due(SHARD_COUNT, UNTIL, 100));

    // Assess
    await expect(reading).rejects.toThrow(`shard must be 0…${SHARD_COUNT - 1}, got ${SHARD_COUNT}`);
    expect(context.mock).toHaveReceivedCommandTimes(QueryCommand, 0);
  });

  it('has as many shards as the table', () => {
    expect(index.shards).toBe(SHARD_COUNT);
  });
});
