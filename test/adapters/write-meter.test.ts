/**
 * The meter the cost model reads (issue 19): writes and reads of one invocation, as the engine
 * reports them, counted on the local runtime's client (dynalite).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterInvocations, WriteMeter, type InvocationWrites } from '../../shared/aws/write-meter.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { systemClock } from '../../shared/ports.js';

let folder: string;
let runtime: LocalRuntime;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sadakat-write-meter-'));
  runtime = await startLocalRuntime({ dataDir: folder, engine: 'dynalite', clock: systemClock, fresh: true });
});

afterAll(async () => {
  await runtime.stop();
  await rm(folder, { recursive: true, force: true });
});

describe('write meter', () => {
  it('counts read requests and their units beside the writes, only inside a meter', async () => {
    const { doc, tableName: TableName } = runtime;
    const key = { PK: 'C#meter-1', SK: 'PROFILE' };
    // ≈ 6 KB: two units strongly consistent, one eventually consistent.
    await doc.send(new PutCommand({ TableName, Item: { ...key, blob: 'x'.repeat(6000) } }));
    const meter = new WriteMeter();
    await meter.run(async () => {
      await doc.send(new PutCommand({ TableName, Item: { PK: 'C#meter-2', SK: 'PROFILE', name: 'a' } }));
      await doc.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }));
      await doc.send(new GetCommand({ TableName, Key: key }));
      await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': 'C#meter-2' },
          ConsistentRead: true,
        }),
      );
      await doc.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [key] } } }));
    });
    expect(meter.total).toEqual({ items: 1, capacityUnits: 1 });
    expect(meter.reads.requests).toBe(4);
    // 2 (consistent 6 KB) + 1 (eventual 6 KB) + 1 (consistent query of a small item) + 1 (batch, eventual)
    expect(meter.reads.capacityUnits).toBe(5);
    // Outside a meter nothing is counted.
    await doc.send(new GetCommand({ TableName, Key: key }));
    expect(meter.reads.requests).toBe(4);
  });

  it('reports each invocation’s reads and its duration, also when the handler fails', async () => {
    const { doc, tableName: TableName } = runtime;
    const lines: InvocationWrites[] = [];
    const handler = meterInvocations(
      'process-events',
      async (event: { Records: readonly unknown[] }) => {
        await doc.send(new GetCommand({ TableName, Key: { PK: 'C#meter-1', SK: 'PROFILE' }, ConsistentRead: true }));
        if (event.Records.length > 1) throw new Error('boom');
      },
      (line) => lines.push(line),
    );
    await handler({ Records: [1] }, {});
    await expect(handler({ Records: [1, 2] }, {})).rejects.toThrow('boom');
    expect(lines.map(({ durationMs: _ms, ...line }) => line)).toEqual([
      {
        function: 'process-events',
        messages: 1,
        items: 0,
        profileItems: 0,
        capacityUnits: 0,
        readRequests: 1,
        readUnits: 2,
      },
      {
        function: 'process-events',
        messages: 2,
        items: 0,
        profileItems: 0,
        capacityUnits: 0,
        readRequests: 1,
        readUnits: 2,
      },
    ]);
    expect(lines.every((line) => line.durationMs >= 0)).toBe(true);
  });
});
