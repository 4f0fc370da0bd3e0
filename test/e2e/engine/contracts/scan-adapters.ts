/**
 * The whole-table readers on a real engine (profile and order scans, the censuses, the report's
 * source, the item count), on a table of their own so a scan sees exactly the items put here:
 * known, anonymous, merged and unreadable profiles, orders beside an erasure tombstone, journey
 * runs, a refund, a ledger entry with an engagement mark and message-stats counters.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerErasure } from '../../../../shared/aws/dynamo-customer-erasure.js';
import { DynamoEngagementMarks } from '../../../../shared/aws/dynamo-engagement-marks.js';
import { countJourneyRuns } from '../../../../shared/aws/dynamo-journey-census.js';
import { DynamoJourneyStore } from '../../../../shared/aws/dynamo-journey-store.js';
import { DynamoMessageStats } from '../../../../shared/aws/dynamo-message-stats.js';
import { DynamoOrderLedger } from '../../../../shared/aws/dynamo-order-ledger.js';
import { countProfiles } from '../../../../shared/aws/dynamo-profile-census.js';
import { scanOrderProducts } from '../../../../shared/aws/dynamo-order-scan.js';
import { scanProfiles } from '../../../../shared/aws/dynamo-profile-scan.js';
import { DynamoProfileStore } from '../../../../shared/aws/dynamo-profile-store.js';
import { DynamoRefundLedger } from '../../../../shared/aws/dynamo-refund-ledger.js';
import { readReportData } from '../../../../shared/aws/dynamo-report-source.js';
import { DynamoSendLedger } from '../../../../shared/aws/dynamo-send-ledger.js';
import { approximateItemCount } from '../../../../shared/aws/dynamo-table-size.js';
import { journeyKey, profileKey } from '../../../../shared/aws/table.js';
import { newRun } from '../../../../shared/journeys/run.js';
import { ensureTable } from '../../../../shared/local/dynamo-engine.js';
import type { OrderRecord } from '../../../../shared/ports.js';
import { emptyProfile } from '../../../../shared/profiles/schema.js';
import { NO_WAIT } from '../../../adapters/dynamo-mock.js';
import { AT, collect, type EngineContext } from './context.js';

const LATER = '2026-11-03T10:00:00.000Z';
/** The readers' time: an anonymous profile and a run whose TTL passed an hour before are left out (not deleted yet). */
const NOW = new Date('2026-11-04T10:00:00.000Z');
const EXPIRED = NOW.getTime() / 1000 - 3600;

function order(customerId: string, orderId: string, productIds: string[], amount: number): OrderRecord {
  return {
    customerId,
    orderId,
    at: AT,
    amount,
    products: productIds.map((productId) => ({ productId, quantity: 1, price: amount / productIds.length })),
    messageId: `e-${orderId}`,
    status: 'applied',
  };
}

/** Writes the table's contents through the adapters (and one unreadable profile by hand). */
async function populate(table: EngineContext, tableName: string): Promise<void> {
  const { doc } = table();
  const profiles = new DynamoProfileStore(doc, tableName);
  await profiles.putProfile(
    {
      ...emptyProfile('scan-k1', AT),
      segments: { vip: { enteredAt: AT } },
      consent: { email: { granted: true, at: AT } },
    },
    undefined,
  );
  await profiles.putProfile(
    { ...emptyProfile('scan-k2', AT), segments: { vip: { enteredAt: AT }, lapsed: { enteredAt: AT } } },
    undefined,
  );
  await profiles.putProfile(emptyProfile('anon:scan-a1', AT), undefined);
  await profiles.putProfile({ ...emptyProfile('anon:scan-m1', AT), mergedInto: 'scan-k1' }, undefined);
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...profileKey('scan-bad'), id: 'scan-bad', version: 'not a number' },
    }),
  );
  // Expired, not yet deleted by DynamoDB: every whole-table reader leaves them out.
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...profileKey('anon:scan-gone'), ...emptyProfile('anon:scan-gone', AT), ttl: EXPIRED },
    }),
  );
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...journeyKey('anon:scan-gone', 'welcome', 'r0'),
        ...newRun('welcome', 'r0', 'anon:scan-gone', false, AT),
        status: 'exited',
        ttl: EXPIRED,
      },
    }),
  );
  await new DynamoOrderLedger(doc, tableName).putOrders([
    order('scan-k1', 'o-1', ['p-1', 'p-2'], 30),
    order('scan-k1', 'o-2', ['p-2'], 10),
    order('scan-k2', 'o-3', [], 5),
  ]);
  await new DynamoCustomerErasure(doc, tableName, NO_WAIT).putTombstone({
    customerHash: 'h-gone',
    erasedAt: AT,
    orderHashes: ['oh-1'],
  });
  await new DynamoRefundLedger(doc, tableName).recordRefund({
    customerId: 'scan-k1',
    orderId: 'o-1',
    messageId: 'e-refund',
    at: LATER,
    amount: 12,
  });
  const runs = new DynamoJourneyStore(doc, tableName);
  await runs.putRun({ ...newRun('welcome', 'r1', 'scan-k1', false, AT), variant: 'A' }, undefined);
  await runs.putRun({ ...newRun('welcome', 'r2', 'scan-k2', false, LATER), status: 'exited' }, undefined);
  await runs.putRun({ ...newRun('nps', 'r3', 'scan-k1', true, AT), status: 'completed' }, undefined);
  await new DynamoSendLedger(doc, tableName).claim({
    customerId: 'scan-k1',
    messageId: 'm-1',
    channel: 'email',
    journeyId: 'welcome',
    variant: 'A',
    runId: 'r1',
    stepId: 's1',
    claimedAt: AT,
  });
  await new DynamoEngagementMarks(doc, tableName).mark('scan-k1', 'm-1', 'delivered', LATER);
  const stats = new DynamoMessageStats(doc, tableName);
  const key = { journeyId: 'welcome', variant: 'A', stepId: 's1', channel: 'email' as const };
  await stats.increment({ ...key, metric: 'sent' }, 'm-1');
  await stats.increment({ ...key, metric: 'delivered' }, 'm-1');
}

export function scanAdapterContracts(table: EngineContext): void {
  describe('whole-table readers', () => {
    let tableName: string;

    beforeAll(async () => {
      tableName = `${table().tableName}-scans`;
      await ensureTable(table().doc, tableName);
      await populate(table, tableName);
    });

    it('scans current profiles, counting unreadable ones, and two slices split them between them', async () => {
      // Act
      const whole = scanProfiles(table().doc, tableName, undefined, NOW);
      const ids = (await collect(whole.profiles)).map((profile) => profile.id).sort();
      const slices = await Promise.all(
        [0, 1].map(async (segment) =>
          (await collect(scanProfiles(table().doc, tableName, { segment, totalSegments: 2 }, NOW).profiles)).map(
            (profile) => profile.id,
          ),
        ),
      );

      // Assess
      expect(ids).toEqual(['anon:scan-a1', 'scan-k1', 'scan-k2']);
      expect(whole.invalid()).toBe(1);
      expect(slices.flat().sort()).toEqual(ids);
    });

    it('scans orders’ products and never reads an erasure tombstone as an order', async () => {
      // Act
      const orders = await collect(scanOrderProducts(table().doc, tableName));

      // Assess
      expect(orders.sort((a, b) => a.productIds.length - b.productIds.length)).toEqual([
        { customerId: 'scan-k2', at: AT, productIds: [] },
        { customerId: 'scan-k1', at: AT, productIds: ['p-2'] },
        { customerId: 'scan-k1', at: AT, productIds: ['p-1', 'p-2'] },
      ]);
    });

    it('counts profiles by kind and segment, and journey runs by journey, status, variant and holdout', async () => {
      // Act
      const profiles = await countProfiles(table().doc, tableName, NOW);
      const runs = await countJourneyRuns(table().doc, tableName, NOW);

      // Assess: the census reads keys only, so the unreadable profile counts as a known customer.
      expect(profiles).toEqual({
        known: 3,
        anonymous: 1,
        merged: 1,
        segments: { vip: 2, lapsed: 1 },
        complaints: { opened: 0, resolved: 0, open: 0 },
      });
      expect(runs).toEqual({
        welcome: { entered: 2, customers: 2, exited: 1, completed: 0, variants: { A: 1 }, holdout: 0 },
        nps: { entered: 1, customers: 1, exited: 0, completed: 1, variants: {}, holdout: 1 },
      });
    });

    it('reads what the report needs: profiles, runs, orders, refunds, ledger entries with engagement, counters', async () => {
      // Act
      const data = await readReportData(table().doc, tableName, NOW);

      // Assess
      expect(data.profiles.map((profile) => profile.id)).toEqual(['anon:scan-a1', 'scan-bad', 'scan-k1', 'scan-k2']);
      expect(data.profiles.find((profile) => profile.id === 'scan-k1')?.consent).toEqual({
        email: { granted: true, at: AT },
      });
      expect(data.runs.map((run) => [run.journeyId, run.customerId, run.holdout])).toEqual([
        ['nps', 'scan-k1', true],
        ['welcome', 'scan-k1', false],
        ['welcome', 'scan-k2', false],
      ]);
      expect([...data.orders].sort((a, b) => String(a.orderId).localeCompare(String(b.orderId)))).toEqual([
        { customerId: 'scan-k1', orderId: 'o-1', at: AT, amount: 30 },
        { customerId: 'scan-k1', orderId: 'o-2', at: AT, amount: 10 },
        { customerId: 'scan-k2', orderId: 'o-3', at: AT, amount: 5 },
      ]);
      expect(data.refunds).toEqual([{ orderId: 'o-1', at: LATER, amount: 12 }]);
      expect(data.messages).toEqual([
        {
          customerId: 'scan-k1',
          journeyId: 'welcome',
          variant: 'A',
          channel: 'email',
          status: 'claimed',
          claimedAt: AT,
          engaged: { delivered: LATER },
        },
      ]);
      expect([...data.messageStats].sort((a, b) => a.metric.localeCompare(b.metric))).toEqual([
        { journeyId: 'welcome', variant: 'A', metric: 'delivered', count: 1 },
        { journeyId: 'welcome', variant: 'A', metric: 'sent', count: 1 },
      ]);
    });

    it('reads the table’s approximate item count (dynalite keeps none: 0, as DynamoDB before its first refresh)', async () => {
      // Act
      const count = await approximateItemCount(table().doc, tableName);
      const missing = approximateItemCount(table().doc, `${tableName}-missing`);

      // Assess
      expect(count).toBe(table().engine === 'dynalite' ? 0 : 17);
      await expect(missing).rejects.toThrow(/not found/i);
    });
  });
}
