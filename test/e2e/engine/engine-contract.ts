/**
 * The same behaviours checked on each embedded engine: the adapters must work unchanged on
 * DynamoDB Local and on dynalite. One engine start per test file (plus the restart that the
 * persistence check needs), since DynamoDB Local takes seconds to start.
 *
 * With `everyAdapter`, every other DynamoDB adapter of shared/aws/ runs its contract (contracts/)
 * on the same engine and table. dynalite.test.ts asks for it; DynamoDB Local keeps the profile,
 * order and identity checks only (each of its requests takes a few hundred ms under CI's load,
 * and the e2e suites run twice there). aws-sdk-client-mock tests (test/adapters/) keep the
 * faults an engine cannot produce on demand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/aws/dynamo-client.js';
import { DynamoIdentityMap } from '../../../shared/aws/dynamo-identity-map.js';
import { DynamoOrderLedger } from '../../../shared/aws/dynamo-order-ledger.js';
import { DynamoProfileStore } from '../../../shared/aws/dynamo-profile-store.js';
import { EXPIRY_INDEX, expiryShardKey } from '../../../shared/aws/table.js';
import {
  ensureTable,
  startDynamoEngine,
  type DynamoEngine,
  type EngineName,
} from '../../../shared/local/dynamo-engine.js';
import { VersionConflictError, type OrderRecord } from '../../../shared/ports.js';
import { emptyProfile, type Profile } from '../../../shared/profiles/schema.js';
import { customerAdapterContracts } from './contracts/customer-adapters.js';
import { scanAdapterContracts } from './contracts/scan-adapters.js';
import { sendAdapterContracts } from './contracts/send-adapters.js';

const TABLE = 'sadakat-e2e';
const AT = '2026-11-02T10:00:00.000Z';

function richProfile(id: string): Profile {
  return {
    ...emptyProfile(id, AT),
    name: { first: 'Ayşe' },
    timezone: 'Europe/Istanbul',
    traits: { plan: 'gold', vip: true, score: 3, note: null },
    channels: { email: 'ayse@example.com', push: [] },
    consent: { email: { granted: true, at: AT } },
    orders: {
      count: 2,
      revenue: 310.25,
      firstAt: AT,
      lastAt: AT,
      days: 1,
      firstAmount: 310.25,
      repeatRevenue: 0,
      dayNumbers: [20394],
    },
    events: { 'Product Viewed': { lastAt: AT, count: 3, daily: { '20394': 3 }, hourly: { '489466': 3 } } },
    segments: { viewed_not_bought: { enteredAt: AT } },
    nextExpiryAt: '2026-11-09T10:00:00.000Z',
  };
}

function order(orderId: string, customerId: string): OrderRecord {
  return {
    customerId,
    orderId,
    at: AT,
    amount: 42.5,
    products: [{ productId: 'p-1', quantity: 1, price: 42.5 }],
    messageId: `m-${orderId}`,
    status: 'pending',
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function describeEngineContract(engineName: EngineName, options: { everyAdapter?: boolean } = {}): void {
  describe(`adapters on ${engineName}`, () => {
    let dataDir: string;
    let engine: DynamoEngine;
    let doc: DynamoDBDocumentClient;
    let profiles: DynamoProfileStore;
    let orders: DynamoOrderLedger;
    let identity: DynamoIdentityMap;

    const connect = async (): Promise<void> => {
      engine = await startDynamoEngine({ engine: engineName, dataDir });
      doc = createDocumentClient({ endpoint: engine.endpoint });
      profiles = new DynamoProfileStore(doc, TABLE);
      orders = new DynamoOrderLedger(doc, TABLE);
      identity = new DynamoIdentityMap(doc, TABLE);
    };
    const disconnect = async (): Promise<void> => {
      doc.destroy();
      await engine.stop();
    };

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), `sadakat-${engineName}-`));
      await connect();
      await ensureTable(doc, TABLE);
    });

    afterAll(async () => {
      await disconnect();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('creates the table with its four indexes, and a second ensureTable changes nothing', async () => {
      // Act
      await ensureTable(doc, TABLE);
      const { Table } = await doc.send(new DescribeTableCommand({ TableName: TABLE }));

      // Assess
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
        'audience',
        'customers',
        'due',
        'expiry',
      ]);
    });

    // dynalite has no UpdateTimeToLive (STACK "Local engines").
    it.runIf(engineName === 'dynamodb-local')('switches on expiry by the ttl attribute', async () => {
      // Act
      const { TimeToLiveDescription } = await doc.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));

      // Assess
      expect(TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
    });

    it('reads back exactly the profile it wrote, at version 0, reporting consumed capacity', async () => {
      // Prepare
      const profile = richProfile('round-trip');

      // Act
      const { profile: written, receipt } = await profiles.putProfile(profile, undefined);
      const read = await profiles.getProfile('round-trip');

      // Assess
      // The store gives every new profile its archive pseudonym key (decision 155).
      expect(read).toEqual({ ...profile, version: 0, archiveKey: expect.stringMatching(/^[\w-]{22}$/) });
      expect(written).toEqual(read);
      expect(receipt.capacityUnits).toBeGreaterThan(0);
    });

    it('removes optional attributes that became undefined', async () => {
      // Prepare
      const { profile: first } = await profiles.putProfile(richProfile('shrinks'), undefined);

      // Act
      await profiles.putProfile({ ...first, timezone: undefined, nextExpiryAt: undefined }, first.version);
      const read = await profiles.getProfile('shrinks');

      // Assess
      expect(read).not.toHaveProperty('timezone');
      expect(read).not.toHaveProperty('nextExpiryAt');
      expect(read?.version).toBe(1);
    });

    it('raises VersionConflictError for a write based on a stale version', async () => {
      // Prepare
      const { profile: first } = await profiles.putProfile(richProfile('contended'), undefined);
      await profiles.putProfile({ ...first, locale: 'tr-TR' }, first.version);

      // Act
      const stale = profiles.putProfile({ ...first, locale: 'en-GB' }, first.version);

      // Assess
      await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
      expect((await profiles.getProfile('contended'))?.locale).toBe('tr-TR');
    });

    it('raises VersionConflictError when creating a profile that already exists', async () => {
      // Prepare
      await profiles.putProfile(richProfile('created-twice'), undefined);

      // Act
      const again = profiles.putProfile(richProfile('created-twice'), undefined);

      // Assess
      await expect(again).rejects.toBeInstanceOf(VersionConflictError);
    });

    it('lists a profile in the expiry index while it has a next expiry, and not after', async () => {
      // Prepare
      const inIndex = async (): Promise<boolean> => {
        const { Items } = await doc.send(
          new QueryCommand({
            TableName: TABLE,
            IndexName: EXPIRY_INDEX,
            KeyConditionExpression: 'expiryPK = :shard',
            ExpressionAttributeValues: { ':shard': expiryShardKey('expiring') },
          }),
        );
        return (Items ?? []).some((item) => item.PK === 'C#expiring');
      };
      const { profile: first } = await profiles.putProfile(richProfile('expiring'), undefined);
      const listedBefore = await inIndex();

      // Act
      await profiles.putProfile({ ...first, nextExpiryAt: undefined }, first.version);

      // Assess
      expect(listedBefore).toBe(true);
      expect(await inIndex()).toBe(false);
    });

    it('claims a new order, reports it pending until marked applied, then applied', async () => {
      // Prepare
      const placed = order('o-1', 'buyer');

      // Act
      const first = await orders.claimOrder(placed);
      const redelivered = await orders.claimOrder(placed);
      const markReceipt = await orders.markOrderApplied('buyer', 'o-1');
      const afterApplied = await orders.claimOrder(placed);

      // Assess
      expect(first.status).toBe('new');
      expect(first.receipt.capacityUnits).toBeGreaterThan(0);
      expect(redelivered.status).toBe('pending');
      expect(markReceipt.capacityUnits).toBeGreaterThan(0);
      expect(afterApplied.status).toBe('applied');
    });

    it('imports orders applied in batches and lists all of them across pages of the batch limit', async () => {
      // Prepare
      const imported = Array.from({ length: 60 }, (_, index) => ({
        ...order(`hist-${String(index).padStart(3, '0')}`, 'historian'),
        status: 'applied' as const,
      }));

      // Act
      const receipt = await orders.putOrders(imported);
      const listed = await orders.listOrders('historian');

      // Assess
      expect(receipt.capacityUnits).toBeGreaterThanOrEqual(60);
      expect(listed).toHaveLength(60);
      expect(listed.every((stored) => stored.status === 'applied')).toBe(true);
      expect(listed[0]).toEqual(imported[0]);
      expect(
        await orders.getOrders([
          { customerId: 'historian', orderId: 'hist-007' },
          { customerId: 'historian', orderId: 'never' },
        ]),
      ).toEqual([imported[7]]);
    });

    it('keeps the first link of an anonymous id and resolves ids to it', async () => {
      // Act
      const first = await identity.link('anon-1', 'user-1');
      const second = await identity.link('anon-1', 'user-2');
      const resolved = await identity.resolve(['anon-1', 'anon-unknown']);

      // Assess
      expect(first.userId).toBe('user-1');
      expect(first.receipt.capacityUnits).toBeGreaterThan(0);
      expect(second.userId).toBe('user-1');
      expect(resolved).toEqual(new Map([['anon-1', 'user-1']]));
    });

    if (options.everyAdapter) {
      const table = () => ({ engine: engineName, doc, tableName: TABLE });
      sendAdapterContracts(table);
      customerAdapterContracts(table);
      scanAdapterContracts(table);
    }

    // Last: it restarts the engine, which the other tests share.
    it('leaves no engine process behind when stopped, and keeps the data in its data folder across a restart', async () => {
      // Prepare
      await profiles.putProfile(richProfile('durable'), undefined);
      const previousPid = engine.pid;
      await disconnect();
      if (previousPid !== undefined) expect(isRunning(previousPid)).toBe(false);

      // Act
      await connect();
      await ensureTable(doc, TABLE);
      const read = await profiles.getProfile('durable');

      // Assess
      expect(read?.id).toBe('durable');
      expect((await identity.resolve(['anon-1'])).get('anon-1')).toBe('user-1');
    });
  });
}
