import { describe, expect, it } from 'vitest';
import { capacityUnits } from '../../shared/aws/capacity.js';
import {
  SHARD_COUNT,
  allShardKeys,
  createTableInput,
  expiryShardKey,
  identityKey,
  orderKey,
  profileKey,
  shardOf,
} from '../../shared/aws/table.js';

describe('table keys', () => {
  it('formats profile, order and identity keys as the data model says', () => {
    // Act
    const keys = [profileKey('42'), orderKey('42', 'A-7'), identityKey('anon-9')];

    // Assess
    expect(keys).toEqual([
      { PK: 'C#42', SK: 'PROFILE' },
      { PK: 'C#42', SK: 'O#A-7' },
      { PK: 'ID#anon-9', SK: 'ID' },
    ]);
  });

  it('puts a customer in the same shard every time, within the fixed shard count', () => {
    // Act
    const shards = Array.from({ length: 500 }, (_, index) => shardOf(`customer-${index}`));

    // Assess
    expect(shardOf('customer-1')).toBe(shardOf('customer-1'));
    expect(new Set(shards).size).toBe(SHARD_COUNT);
    expect(Math.max(...shards)).toBeLessThan(SHARD_COUNT);
  });

  it('names every shard of an index, and a customer’s shard is one of them', () => {
    // Act
    const shards = allShardKeys('expiry');

    // Assess
    expect(shards).toHaveLength(SHARD_COUNT);
    expect(shards).toContain(expiryShardKey('customer-1'));
  });

  it('defines the table on demand with the sparse due, expiry, audience and customers indexes', () => {
    // Act
    const input = createTableInput('sadakat');

    // Assess
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    expect(
      input.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema?.map((key) => key.AttributeName)]),
    ).toEqual([
      ['due', ['duePK', 'wakeAt']],
      ['expiry', ['expiryPK', 'nextExpiryAt']],
      ['audience', ['audPK']],
      ['customers', ['customersPK', 'SK']],
    ]);
  });
});

describe('capacityUnits', () => {
  it('takes the reported total', () => {
    expect(capacityUnits({ CapacityUnits: 2, Table: { CapacityUnits: 1 } })).toBe(2);
  });

  it('sums table and index units when only the breakdown is reported', () => {
    expect(
      capacityUnits({
        Table: { CapacityUnits: 1 },
        GlobalSecondaryIndexes: { expiry: { CapacityUnits: 1 }, due: { CapacityUnits: 0.5 } },
      }),
    ).toBe(2.5);
  });

  it('sums the per-table entries of a batch response', () => {
    expect(capacityUnits([{ CapacityUnits: 3 }, { CapacityUnits: 4 }])).toBe(7);
  });

  it('counts nothing when nothing was reported', () => {
    expect(capacityUnits(undefined)).toBe(0);
  });
});
