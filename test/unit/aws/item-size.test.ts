/** The billed item size (issue 19) agrees with the engine: 1,024 bytes is one write unit, 1,025 two. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { itemSize } from '../../../shared/aws/item-size.js';
import { startLocalRuntime } from '../../../shared/local/runtime.js';
import { systemClock } from '../../../shared/ports.js';

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** A profile-like item with `pad` filling it to exactly `bytes`. */
function itemOf(bytes: number, index: number): Record<string, unknown> {
  const item: Record<string, unknown> = {
    PK: `C#size-${index}`,
    SK: 'PROFILE',
    version: 12,
    revenue: 1234.5,
    consent: { email: { granted: true, at: '2026-11-02T10:00:00.000Z' } },
    segments: { new_customers: '2026-11-02T10:00:00.000Z', email_reachable: '2026-11-02T10:00:00.000Z' },
    recentIds: ['m-1', 'm-2', 'm-3'],
    mergedInto: null,
    pad: '',
  };
  item.pad = 'x'.repeat(bytes - itemSize(item));
  return item;
}

describe('itemSize', () => {
  it('counts names, strings, numbers, maps and lists as DynamoDB does', () => {
    expect(itemSize({ name: 'abc' })).toBe(7);
    expect(itemSize({ n: 123 })).toBe(1 + 3);
    expect(itemSize({ n: 1200 })).toBe(1 + 2);
    expect(itemSize({ n: 12 })).toBe(1 + 2);
    expect(itemSize({ n: 1.5 })).toBe(1 + 3);
    expect(itemSize({ n: -7 })).toBe(1 + 3);
    expect(itemSize({ n: 0 })).toBe(1 + 1);
    expect(itemSize({ s: 'ğ' })).toBe(1 + 2);
    expect(itemSize({ m: { a: 1 } })).toBe(1 + 3 + 1 + 1 + 2);
    expect(itemSize({ l: ['ab', true] })).toBe(1 + 3 + (1 + 2) + (1 + 1));
  });

  it('puts 1,024 bytes in one write unit and 1,025 in two, on the engine', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-item-size-'));
    folders.push(dataDir);
    const runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock: systemClock, fresh: true });
    try {
      const units = async (item: Record<string, unknown>) =>
        (
          await runtime.doc.send(
            new PutCommand({ TableName: runtime.tableName, Item: item, ReturnConsumedCapacity: 'TOTAL' }),
          )
        ).ConsumedCapacity?.CapacityUnits;

      // Act
      const atLimit = itemOf(1024, 1);
      const over = itemOf(1025, 2);

      // Assess
      expect(itemSize(atLimit)).toBe(1024);
      expect(await units(atLimit)).toBe(1);
      expect(await units(over)).toBe(2);
    } finally {
      await runtime.stop();
    }
  });
});
