/**
 * The meter the cost model reads (issue 19): writes and reads of one invocation, as the engine
 * reports them, counted on the local runtime's client (dynalite).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

  it('a sole meter counts what its concurrent runs write, and only while one runs; two at once is an error', async () => {
    // Prepare
    const { doc, tableName: TableName } = runtime;
    const meter = new WriteMeter({ sole: true });
    const other = new WriteMeter({ sole: true });
    const put = (id: string) => doc.send(new PutCommand({ TableName, Item: { PK: `C#sole-${id}`, SK: 'PROFILE' } }));

    // Act
    await Promise.all([
      meter.run(() => put('1')),
      meter.run(async () => {
        await put('2');
        await put('3');
      }),
    ]);
    await put('outside');
    const clash = meter.run(async () => other.run(() => put('4')));

    // Assess
    expect(meter.total).toEqual({ items: 3, capacityUnits: 3 });
    await expect(clash).rejects.toThrow(/two sole meters/);
    expect(other.total.items).toBe(0);
  });

  it('bills a refused conditional write as DynamoDB does: not an item written, but its units counted', async () => {
    const { doc, tableName: TableName } = runtime;
    const meter = new WriteMeter();
    const claim = (blob: string) =>
      doc.send(
        new PutCommand({
          TableName,
          Item: { PK: 'C#meter-3', SK: 'O#o1', blob },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    await meter.run(async () => {
      await claim('a');
      // ≈ 2.5 KB: three units, refused all the same.
      await expect(claim('x'.repeat(2500))).rejects.toThrow(/conditional/i);
      await expect(
        doc.send(
          new UpdateCommand({
            TableName,
            Key: { PK: 'C#meter-3', SK: 'PROFILE' },
            UpdateExpression: 'SET #v = :v',
            ConditionExpression: '#v = :old',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':v': 2, ':old': 1 },
          }),
        ),
      ).rejects.toThrow(/conditional/i);
    });
    expect(meter.total).toEqual({ items: 1, capacityUnits: 5 });
    expect(meter.refused).toEqual({ items: 2, capacityUnits: 4 });
    expect(meter.byKind).toEqual({ O: { items: 1, capacityUnits: 4 }, PROFILE: { items: 0, capacityUnits: 1 } });
  });

  it('counts the index writes DynamoDB would add, from the item before and after, without changing what callers see', async () => {
    const { doc, tableName: TableName } = runtime;
    const run = { PK: 'C#meter-4', SK: 'J#j#r1', duePK: 'DUE#01', wakeAt: '2026-12-08T10:00:00.000Z', version: 0 };
    const meter = new WriteMeter();
    const responses = await meter.run(async () => [
      await doc.send(new PutCommand({ TableName, Item: run })),
      // Same index keys, a changed attribute: `due` projects ALL, so its copy is rewritten.
      await doc.send(new PutCommand({ TableName, Item: { ...run, version: 1 } })),
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: { PK: run.PK, SK: run.SK },
          UpdateExpression: 'REMOVE #due, #wake',
          ExpressionAttributeNames: { '#due': 'duePK', '#wake': 'wakeAt' },
        }),
      ),
      await doc.send(new PutCommand({ TableName, Item: { PK: 'C#meter-4', SK: 'PROFILE', version: 0 } })),
    ]);
    expect(meter.indexes).toEqual({ items: 3, capacityUnits: 3 });
    expect(meter.indexByKind).toEqual({ J: { items: 3, capacityUnits: 3 } });
    expect(responses.map((response) => response.Attributes)).toEqual([undefined, undefined, undefined, undefined]);
    // The table's figure is the engine's alone.
    expect(meter.total).toEqual({ items: 4, capacityUnits: 4 });
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
    // Each invocation read the profile once and wrote nothing (the second one threw).
    const readOnly = {
      function: 'process-events',
      items: 0,
      profileItems: 0,
      kinds: {},
      refused: 0,
      refusedUnits: 0,
      capacityUnits: 0,
      indexWrites: 0,
      indexUnits: 0,
      readRequests: 1,
      readUnits: 2,
    };
    expect(lines.map(({ durationMs: _ms, ...line }) => line)).toEqual([
      { ...readOnly, messages: 1 },
      { ...readOnly, messages: 2 },
    ]);
    expect(lines.every((line) => line.durationMs >= 0)).toBe(true);
  });
});
