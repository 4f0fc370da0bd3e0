/** dynalite's in-process transport and write-behind store (the demo's engine settings). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  DeleteTableCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalRuntime } from '../../../shared/local/runtime.js';
import { systemClock } from '../../../shared/ports.js';

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});
async function dataDir(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'sadakat-transport-'));
  folders.push(folder);
  return folder;
}

/** Once the table is ACTIVE (dynalite switches a moment after it is made). */
async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  while ((await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus !== 'ACTIVE')
    await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Once the deleted table is gone. */
async function untilGone(client: DynamoDBClient, tableName: string): Promise<void> {
  for (;;) {
    const found = await client.send(new DescribeTableCommand({ TableName: tableName })).then(
      () => true,
      (error: unknown) => !(error instanceof ResourceNotFoundException),
    );
    if (!found) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('dynalite transport', () => {
  it('answers many concurrent requests, each with its own item', async () => {
    // Prepare
    const runtime = await startLocalRuntime({
      dataDir: await dataDir(),
      engine: 'dynalite',
      clock: systemClock,
      fresh: true,
    });
    try {
      const keys = Array.from({ length: 50 }, (_, index) => ({ PK: `T#${index}`, SK: 'item' }));

      // Act
      await Promise.all(
        keys.map((key, index) =>
          runtime.doc.send(new PutCommand({ TableName: runtime.tableName, Item: { ...key, n: index } })),
        ),
      );
      const read = await Promise.all(
        keys.map((key) => runtime.doc.send(new GetCommand({ TableName: runtime.tableName, Key: key }))),
      );

      // Assess
      expect(read.map((result) => result.Item?.n)).toEqual(keys.map((_, index) => index));
    } finally {
      await runtime.stop();
    }
  });

  it('reports an engine error as the SDK error the handlers expect', async () => {
    // Prepare
    const runtime = await startLocalRuntime({
      dataDir: await dataDir(),
      engine: 'dynalite',
      clock: systemClock,
      fresh: true,
    });
    try {
      // Act
      const query = runtime.doc.send(
        new QueryCommand({
          TableName: 'no-such-table',
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': 'x' },
        }),
      );

      // Assess
      await expect(query).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    } finally {
      await runtime.stop();
    }
  });

  it('writes a write-behind store to the data folder on stop, where the next run reads it', async () => {
    // Prepare
    const folder = await dataDir();
    const writer = await startLocalRuntime({
      dataDir: folder,
      engine: 'dynalite',
      clock: systemClock,
      fresh: true,
      writeBehind: true,
    });
    await writer.doc.send(
      new PutCommand({ TableName: writer.tableName, Item: { PK: 'C#kept', SK: 'profile', name: 'Ayşe' } }),
    );

    // Act
    await writer.stop();
    const reader = await startLocalRuntime({ dataDir: folder, engine: 'auto', clock: systemClock });
    try {
      const read = await reader.doc.send(
        new GetCommand({ TableName: reader.tableName, Key: { PK: 'C#kept', SK: 'profile' } }),
      );

      // Assess
      expect(reader.engine.engine).toBe('dynalite');
      expect(read.Item?.name).toBe('Ayşe');
    } finally {
      await reader.stop();
    }
  });

  it('sees a table made anew at once, though the engine keeps an active table’s description between requests', async () => {
    // Prepare: a table read by item requests (its description kept), then deleted and made again with another key
    const runtime = await startLocalRuntime({
      dataDir: await dataDir(),
      engine: 'dynalite',
      clock: systemClock,
      fresh: true,
    });
    const client = runtime.doc as unknown as DynamoDBClient;
    const create = (key: string) =>
      client.send(
        new CreateTableCommand({
          TableName: 'changing',
          AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    try {
      await create('PK');
      await untilActive(client, 'changing');
      await runtime.doc.send(new PutCommand({ TableName: 'changing', Item: { PK: 'a' } }));
      await runtime.doc.send(new GetCommand({ TableName: 'changing', Key: { PK: 'a' } }));

      // Act
      await client.send(new DeleteTableCommand({ TableName: 'changing' }));
      await untilGone(client, 'changing');
      await create('id');
      await untilActive(client, 'changing');
      await runtime.doc.send(new PutCommand({ TableName: 'changing', Item: { id: 'b' } }));
      const read = await runtime.doc.send(new GetCommand({ TableName: 'changing', Key: { id: 'b' } }));

      // Assess
      expect(read.Item).toEqual({ id: 'b' });
    } finally {
      await runtime.stop();
    }
  });
});
