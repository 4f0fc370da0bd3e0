/**
 * dynalite keeps one index entry per item, as DynamoDB does (docs/decisions.md 275). dynalite 4.0.0
 * keyed an entry by the index key and 6 hex digits of an md5 of the item's table key, so two items
 * of one index partition whose digits collide shared one entry and a Query returned only one
 * (the 1M audience bench lost 1 of 25,000 due members; docs/scale.md).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../../shared/local/runtime.js';
import { AUDIENCE_INDEX, audienceMembershipKey } from '../../../shared/aws/table.js';
import { systemClock } from '../../../shared/ports.js';

const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const dynaliteDb = fromDynalite('./db') as DynaliteDb;
const { Level } = fromDynalite('level') as { Level: LevelClass };

/** Two customers whose memberships of `churn_risk` share dynalite's 6-digit hash (found by the 1M bench). */
const COLLIDING = ['c24327', 'c42527'] as const;
const PARTITION = 'AUD#churn_risk#-#6';

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('dynalite index entries', () => {
  it('keeps both members of one audience partition whose table keys share the 6-digit hash', async () => {
    // Prepare
    expect(tableKeyHash(COLLIDING[0])).toBe(tableKeyHash(COLLIDING[1]));
    const runtime = await start(await dataDir());
    try {
      // Act
      for (const customerId of COLLIDING) await putMembership(runtime, customerId, PARTITION);
      const members = await membersOf(runtime, PARTITION);

      // Assess
      expect(members).toEqual([...COLLIDING].sort());
    } finally {
      await runtime.stop();
    }
  });

  it("removes only the deleted member's entry", async () => {
    // Prepare
    const runtime = await start(await dataDir());
    try {
      for (const customerId of COLLIDING) await putMembership(runtime, customerId, PARTITION);

      // Act
      await runtime.doc.send(
        new DeleteCommand({ TableName: runtime.tableName, Key: audienceMembershipKey(COLLIDING[1], 'churn_risk') }),
      );

      // Assess
      expect(await membersOf(runtime, PARTITION)).toEqual([COLLIDING[0]]);
    } finally {
      await runtime.stop();
    }
  });

  it('rebuilds the index entries of a data folder written with 6-digit keys', async () => {
    // Prepare: a folder as dynalite 4.0.0 left it, both items in the table, one entry in the index.
    const folder = await dataDir();
    const writer = await start(folder);
    for (const customerId of COLLIDING) await putMembership(writer, customerId, PARTITION);
    await writer.stop();
    await rewriteWithSixDigitKeys(join(folder, 'dynamodb'), AUDIENCE_INDEX);

    // Act
    const reader = await start(folder);
    try {
      const members = await membersOf(reader, PARTITION);
      // An entry left in the old format would survive this move (its delete looks for the new key).
      await reader.doc.send(
        new UpdateCommand({
          TableName: reader.tableName,
          Key: audienceMembershipKey(COLLIDING[1], 'churn_risk'),
          UpdateExpression: 'SET audPK = :moved',
          ExpressionAttributeValues: { ':moved': 'AUD#churn_risk#-#7' },
        }),
      );

      // Assess
      expect(members).toEqual([...COLLIDING].sort());
      expect(await membersOf(reader, PARTITION)).toEqual([COLLIDING[0]]);
      expect(await membersOf(reader, 'AUD#churn_risk#-#7')).toEqual([COLLIDING[1]]);
    } finally {
      await reader.stop();
    }
  });
});

async function dataDir(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'sadakat-index-keys-'));
  folders.push(folder);
  return folder;
}

function start(folder: string): Promise<LocalRuntime> {
  return startLocalRuntime({ dataDir: folder, engine: 'dynalite', clock: systemClock });
}

function tableKeyHash(customerId: string): string {
  const { PK, SK } = audienceMembershipKey(customerId, 'churn_risk');
  return dynaliteDb.hashPrefix(PK, 'S', SK, 'S');
}

async function putMembership(runtime: LocalRuntime, customerId: string, partition: string): Promise<void> {
  await runtime.doc.send(
    new PutCommand({
      TableName: runtime.tableName,
      Item: { ...audienceMembershipKey(customerId, 'churn_risk'), audPK: partition, bucket: '-' },
    }),
  );
}

/** The partition's members, a page of one item at a time (so the start key of every page is read back). */
async function membersOf(runtime: LocalRuntime, partition: string): Promise<string[]> {
  const members: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await runtime.doc.send(
      new QueryCommand({
        TableName: runtime.tableName,
        IndexName: AUDIENCE_INDEX,
        KeyConditionExpression: 'audPK = :partition',
        ExpressionAttributeValues: { ':partition': partition },
        Limit: 1,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) members.push(String(item.PK).slice('C#'.length));
    start = page.LastEvaluatedKey;
  } while (start);
  return members.sort();
}

/**
 * Replaces an index's entries with the keys dynalite 4.0.0 wrote: the index key, then 6 hex
 * digits of the table key's md5 (items whose digits collide keep the last entry written).
 */
async function rewriteWithSixDigitKeys(path: string, indexName: string): Promise<void> {
  const store = new Level(path, { valueEncoding: 'json' });
  await store.open();
  try {
    const table = (await store.get('table~sadakat')) as DynaliteTable;
    const index = table.GlobalSecondaryIndexes.find((candidate) => candidate.IndexName === indexName);
    if (!index) throw new Error(`no index ${indexName}`);
    const prefix = `index-global~sadakat~${indexName}~`;
    const entries = await store.iterator({ gte: prefix, lt: `${prefix}\xff` }).all();
    const sixDigitKey = (item: DynamoJsonItem): string =>
      dynaliteDb.createKey(item, table, index.KeySchema) +
      dynaliteDb.hashPrefix(item.PK?.S ?? '', 'S', item.SK?.S ?? '', 'S');
    await store.batch([
      ...entries.map(([key]) => ({ type: 'del' as const, key })),
      ...entries.map(([, item]) => ({ type: 'put' as const, key: prefix + sixDigitKey(item), value: item })),
    ]);
  } finally {
    await store.close();
  }
}

type DynamoJsonItem = Record<string, { S?: string }>;
interface DynaliteTable {
  GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown }[];
}
interface DynaliteDb {
  hashPrefix(hashKey: string, hashType: 'S', rangeKey: string, rangeType: 'S'): string;
  createKey(item: DynamoJsonItem, table: DynaliteTable, keySchema: unknown): string;
}
type LevelBatch = { type: 'del'; key: string } | { type: 'put'; key: string; value: DynamoJsonItem };
interface LevelStore {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<unknown>;
  iterator(range: { gte: string; lt: string }): { all(): Promise<[string, DynamoJsonItem][]> };
  batch(operations: LevelBatch[]): Promise<void>;
}
type LevelClass = new (path: string, options: { valueEncoding: 'json' }) => LevelStore;
