/**
 * The customer partition's other adapters on a real engine: journey runs (version conditions,
 * their wakes and the due index entries of older runs), the expiry index over every shard, scheduled passes' slots, refunds, and
 * erasure of everything a customer's partition and identity links hold, with its tombstones.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoCapCounters } from '../../../../shared/aws/dynamo-cap-counters.js';
import { DynamoCustomerErasure } from '../../../../shared/aws/dynamo-customer-erasure.js';
import { DynamoDueSends } from '../../../../shared/aws/dynamo-due-sends.js';
import { DynamoExpiryIndex } from '../../../../shared/aws/dynamo-expiry-index.js';
import { DynamoIdentityMap } from '../../../../shared/aws/dynamo-identity-map.js';
import { CorruptJourneyRunError, DynamoJourneyStore } from '../../../../shared/aws/dynamo-journey-store.js';
import { DynamoOrderLedger } from '../../../../shared/aws/dynamo-order-ledger.js';
import { DynamoPassSlots } from '../../../../shared/aws/dynamo-pass-slots.js';
import { DynamoProfileStore } from '../../../../shared/aws/dynamo-profile-store.js';
import { DynamoRefundLedger } from '../../../../shared/aws/dynamo-refund-ledger.js';
import { DynamoSendDecisions } from '../../../../shared/aws/dynamo-send-decisions.js';
import { DynamoSendLedger } from '../../../../shared/aws/dynamo-send-ledger.js';
import { dueShardKey, journeyKey, passSlotKey, shardOf, WAKE_CURSOR_KEY } from '../../../../shared/aws/table.js';
import type { DueRun } from '../../../../shared/journeys/journey-store.js';
import { newRun } from '../../../../shared/journeys/run.js';
import { VirtualClock } from '../../../../shared/local/virtual-clock.js';
import { emptyProfile } from '../../../../shared/profiles/schema.js';
import { sendRequest } from '../../../unit/channels/send-harness.js';
import { NO_WAIT } from '../../../adapters/dynamo-mock.js';
import { AT, collect, type EngineContext } from './context.js';

/** One whole journey-tick pass up to `until`, settled; the due runs of customers whose id starts with `prefix`. */
async function duePass(runs: DynamoJourneyStore, until: string, prefix: string): Promise<DueRun[]> {
  const pass = await runs.openPass();
  const all = await Promise.all(Array.from({ length: pass.shards }, (_, shard) => collect(pass.due(shard, until, 2))));
  await pass.settle([]);
  return all.flat().filter((due) => due.customerId.startsWith(prefix));
}

/** The table is shared by the file's tests: each pass test starts as journey-tick's first pass does, without a cursor. */
async function forgetCursor(doc: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await doc.send(new DeleteCommand({ TableName: tableName, Key: WAKE_CURSOR_KEY }));
}

/** Two customer ids of one shard. */
function sameShard(prefix: string): [string, string] {
  const byShard = new Map<number, string>();
  for (let n = 0; ; n++) {
    const id = `${prefix}${n}`;
    const other = byShard.get(shardOf(id));
    if (other !== undefined) return [other, id];
    byShard.set(shardOf(id), id);
  }
}

export function customerAdapterContracts(table: EngineContext): void {
  describe('DynamoJourneyStore', () => {
    it('writes a run once per version; a waiting run is due through its wake, once the time comes, until a pass settles past it', async () => {
      // Prepare
      const { doc, tableName } = table();
      const runs = new DynamoJourneyStore(doc, tableName, { clock: { now: () => new Date(AT) } });
      await forgetCursor(doc, tableName);
      const run = newRun('welcome', 'r1', 'runner-1', false, AT);
      const wakeAt = '2026-11-02T12:00:00.000Z';

      // Act
      const created = await runs.putRun(run, undefined);
      const createdTwice = await runs.putRun(run, undefined);
      const waiting = await runs.putRun({ ...created.run, status: 'waiting', stepId: 'wait', wakeAt }, 0);
      const stale = await runs.putRun({ ...created.run, status: 'exited' }, 0);
      const listed = await runs.listRuns('runner-1');
      const stored = await doc.send(
        new GetCommand({ TableName: tableName, Key: journeyKey('runner-1', 'welcome', 'r1') }),
      );
      const early = await duePass(runs, '2026-11-02T11:59:59.999Z', 'runner-1');
      const onTime = await duePass(runs, wakeAt, 'runner-1');
      await runs.putRun({ ...waiting.run, status: 'completed', endedAt: wakeAt }, 1);
      const later = await duePass(runs, '2026-11-03T12:00:00.000Z', 'runner-1');

      // Assess
      expect([created.written, createdTwice.written, waiting.written, stale.written]).toEqual([
        true,
        false,
        true,
        false,
      ]);
      expect(created.receipt.capacityUnits).toBeGreaterThan(0);
      expect(listed).toEqual([
        {
          ...run,
          status: 'waiting',
          stepId: 'wait',
          wakeAt,
          wakeScheduled: { customerId: 'runner-1', wakeAt },
          version: 1,
        },
      ]);
      // The run is in no index: a further wait writes a wake, it moves no index entry
      expect(stored.Item).not.toHaveProperty('duePK');
      expect(early).toEqual([]);
      expect(onTime).toEqual([{ customerId: 'runner-1', journeyId: 'welcome', runId: 'r1', wakeAt }]);
      // The wake is still stored (its TTL removes it), but the cursor has moved past it
      expect(later).toEqual([]);
      expect((await runs.listRuns('runner-1'))[0]).toMatchObject({ status: 'completed', version: 2 });
    });

    it('reads a shard cut short again from its last wake, and keeps waking runs written before the wake items', async () => {
      // Prepare: two customers of one shard waiting for the same time, and a run of the old shape in the due index
      const { doc, tableName } = table();
      const runs = new DynamoJourneyStore(doc, tableName, { clock: { now: () => new Date(AT) } });
      await forgetCursor(doc, tableName);
      const wakeAt = '2026-11-04T09:00:00.000Z';
      const [first, second] = sameShard('cut-');
      for (const customerId of [first, second])
        await runs.putRun({ ...newRun('welcome', 'r1', customerId, false, AT), status: 'waiting', wakeAt }, undefined);
      const legacy = { ...newRun('welcome', 'r0', 'legacy-1', false, AT), status: 'waiting' as const, wakeAt };
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...journeyKey('legacy-1', 'welcome', 'r0'), ...legacy, duePK: dueShardKey('legacy-1') },
        }),
      );

      // Act: a pass that hands on one wake of the shard and stops, then two whole passes
      const shard = shardOf(first);
      const cut = await runs.openPass();
      for await (const _due of cut.due(shard, wakeAt, 1)) break;
      await cut.settle([]);
      const resumed = await duePass(runs, wakeAt, 'cut-');
      const legacyDue = await duePass(runs, wakeAt, 'legacy-');
      await runs.putRun({ ...legacy, status: 'completed', endedAt: wakeAt }, 0);
      const legacyEnded = await duePass(runs, wakeAt, 'legacy-');

      // Assess: the wakes of the millisecond the pass stopped in are read again (a copy is harmless)
      expect(resumed.map((due) => due.customerId).sort()).toEqual([first, second].sort());
      expect(legacyDue).toEqual([{ customerId: 'legacy-1', journeyId: 'welcome', runId: 'r0', wakeAt }]);
      expect(legacyEnded).toEqual([]);
    });

    it('does not read the due index for runs of a table created with wakes, and keeps saying so', async () => {
      // Prepare: a cursor as ensureTable writes it for a new table, and (by hand) a run of the old shape
      const { doc, tableName } = table();
      const runs = new DynamoJourneyStore(doc, tableName, { clock: { now: () => new Date(AT) } });
      await doc.send(
        new PutCommand({ TableName: tableName, Item: { ...WAKE_CURSOR_KEY, shards: {}, legacyDue: false } }),
      );
      const wakeAt = '2026-11-05T09:00:00.000Z';
      const legacy = { ...newRun('welcome', 'r0', 'fresh-legacy', false, AT), status: 'waiting' as const, wakeAt };
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...journeyKey('fresh-legacy', 'welcome', 'r0'), ...legacy, duePK: dueShardKey('fresh-legacy') },
        }),
      );

      // Act
      const first = await duePass(runs, wakeAt, 'fresh-');
      const cursor = await doc.send(new GetCommand({ TableName: tableName, Key: WAKE_CURSOR_KEY }));

      // Assess
      expect(first).toEqual([]);
      expect(cursor.Item).toMatchObject({ legacyDue: false, shards: expect.objectContaining({ 0: wakeAt }) });
    });

    it('refuses a stored run that no longer matches the schema', async () => {
      // Prepare
      const { doc, tableName } = table();
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...journeyKey('runner-corrupt', 'welcome', 'r1'), journeyId: 'welcome', status: 'lost' },
        }),
      );

      // Act
      const listing = new DynamoJourneyStore(doc, tableName).listRuns('runner-corrupt');

      // Assess
      await expect(listing).rejects.toBeInstanceOf(CorruptJourneyRunError);
    });
  });

  describe('DynamoExpiryIndex', () => {
    it('lists profiles whose next expiry has come, from every shard, earliest first within a shard', async () => {
      // Prepare
      const { doc, tableName } = table();
      const profiles = new DynamoProfileStore(doc, tableName);
      const expiry = new DynamoExpiryIndex(doc, tableName);
      const nextExpiry: Record<string, string | undefined> = {
        'lapse-a': '2026-11-02T11:00:00.000Z',
        'lapse-b': '2026-11-02T10:30:00.000Z',
        'lapse-c': '2026-11-02T12:00:00.000Z',
        'lapse-d': '2026-11-02T13:00:00.000Z',
        'lapse-none': undefined,
      };
      for (const [id, at] of Object.entries(nextExpiry))
        await profiles.putProfile({ ...emptyProfile(id, AT), nextExpiryAt: at }, undefined);

      // Act
      const shards = await Promise.all(
        Array.from({ length: expiry.shards }, async (_, shard) =>
          (await collect(expiry.due(shard, '2026-11-02T12:00:00.000Z', 1))).filter((due) =>
            due.customerId.startsWith('lapse-'),
          ),
        ),
      );

      // Assess
      expect(
        shards
          .flat()
          .map((due) => [due.customerId, due.nextExpiryAt])
          .sort(),
      ).toEqual([
        ['lapse-a', '2026-11-02T11:00:00.000Z'],
        ['lapse-b', '2026-11-02T10:30:00.000Z'],
        ['lapse-c', '2026-11-02T12:00:00.000Z'],
      ]);
      for (const shard of shards)
        expect(shard.map((due) => due.nextExpiryAt)).toEqual(shard.map((due) => due.nextExpiryAt).sort());
      await expect(collect(expiry.due(-1, AT, 1))).rejects.toBeInstanceOf(RangeError);
    });
  });

  describe('DynamoPassSlots', () => {
    it('claims each slot of a pass once and keeps it a week', async () => {
      // Prepare
      const { doc, tableName } = table();
      const slots = new DynamoPassSlots(doc, tableName, new VirtualClock(new Date(AT)));

      // Act
      const claims = [
        await slots.claim('contract-pass', '2026-11-02T10:00:00Z'),
        await slots.claim('contract-pass', '2026-11-02T10:00:00Z'),
        await slots.claim('contract-pass', '2026-11-02T11:00:00Z'),
        await slots.claim('other-pass', '2026-11-02T10:00:00Z'),
      ];
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: passSlotKey('contract-pass', '2026-11-02T10:00:00Z') }),
      );

      // Assess
      expect(claims).toEqual([true, false, true, true]);
      expect(Item).toMatchObject({ claimedAt: AT, ttl: Date.parse(AT) / 1000 + 7 * 24 * 3600 });
    });
  });

  describe('DynamoRefundLedger', () => {
    it('keeps one item per refund event: a redelivery rewrites it, a second refund adds one', async () => {
      // Prepare
      const { doc, tableName } = table();
      const refunds = new DynamoRefundLedger(doc, tableName);
      const refund = { customerId: 'refunder', orderId: 'o-9', messageId: 'e-1', at: AT, amount: 20 };

      // Act
      const receipt = await refunds.recordRefund(refund);
      await refunds.recordRefund(refund);
      await refunds.recordRefund({ ...refund, messageId: 'e-2', amount: 5 });
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :refund)',
          ExpressionAttributeValues: { ':pk': 'C#refunder', ':refund': 'R#' },
          ConsistentRead: true,
        }),
      );

      // Assess
      expect(receipt.capacityUnits).toBeGreaterThan(0);
      expect(Items.map((item) => [item.SK, item.amount])).toEqual([
        ['R#o-9#e-1', 20],
        ['R#o-9#e-2', 5],
      ]);
    });
  });

  describe('DynamoCustomerErasure', () => {
    it('lists every item of a customer by kind, deletes them, and unlinks only links that name the customer', async () => {
      // Prepare: one item of every kind, and an anonymous id another customer linked first.
      const { doc, tableName } = table();
      const erasure = new DynamoCustomerErasure(doc, tableName, NO_WAIT);
      const identity = new DynamoIdentityMap(doc, tableName);
      await new DynamoProfileStore(doc, tableName).putProfile(emptyProfile('erased', AT), undefined);
      await new DynamoOrderLedger(doc, tableName).claimOrder({
        customerId: 'erased',
        orderId: 'o-1',
        at: AT,
        amount: 10,
        products: [],
        messageId: 'e-o-1',
        status: 'pending',
      });
      await new DynamoJourneyStore(doc, tableName).putRun(newRun('welcome', 'r1', 'erased', false, AT), undefined);
      await new DynamoSendLedger(doc, tableName).claim({
        customerId: 'erased',
        messageId: 'm-1',
        channel: 'email',
        journeyId: 'welcome',
        runId: 'r1',
        stepId: 's1',
        claimedAt: AT,
      });
      await new DynamoCapCounters(doc, tableName).add('erased', ['email'], 20_394);
      await new DynamoSendDecisions(doc, tableName).record({
        customerId: 'erased',
        messageId: 'm-2',
        journeyId: 'welcome',
        runId: 'r1',
        stepId: 's2',
        channel: 'sms',
        reason: 'no_consent',
        decidedAt: AT,
      });
      await new DynamoDueSends(doc, tableName).defer(sendRequest({ customerId: 'erased' }), AT);
      await identity.link('anon-erased', 'erased');
      await identity.link('anon-shared', 'first-owner');

      // Act
      const items = await erasure.listCustomerItems('erased');
      const linked = await erasure.linkedAnonymousIds('erased');
      const unlinked = await erasure.unlinkAnonymousIds('erased', ['anon-erased', 'anon-shared', 'anon-erased']);
      const staleDelete = await erasure.deleteProfile('erased', 3);
      const profileDelete = await erasure.deleteProfile('erased', 0);
      await erasure.deleteCustomerItems(
        'erased',
        items.map((item) => item.sortKey),
      );

      // Assess
      expect(items.map(({ kind, orderId, version }) => ({ kind, orderId, version })).sort(byKind)).toEqual([
        { kind: 'cap_counter' },
        { kind: 'deferred_send' },
        { kind: 'identity_link' },
        { kind: 'journey_run' },
        { kind: 'order', orderId: 'o-1' },
        { kind: 'profile', version: 0 },
        { kind: 'send_decision' },
        { kind: 'send_ledger' },
      ]);
      expect(linked).toEqual(['anon-erased']);
      expect(unlinked).toBe(1);
      expect(await identity.resolve(['anon-erased', 'anon-shared'])).toEqual(new Map([['anon-shared', 'first-owner']]));
      expect([staleDelete, profileDelete]).toEqual([false, true]);
      expect(await erasure.listCustomerItems('erased')).toEqual([]);
    });

    it('keeps tombstones by hash: each erasure’s time, and finds erased orders in one batch', async () => {
      // Prepare
      const { doc, tableName } = table();
      const erasure = new DynamoCustomerErasure(doc, tableName, NO_WAIT);

      // Act
      await erasure.putTombstone({ customerHash: 'h-1', erasedAt: AT, orderHashes: ['oh-1', 'oh-2', 'oh-1'] });
      await erasure.putTombstone({ customerHash: 'h-1', erasedAt: '2026-11-03T10:00:00.000Z', orderHashes: [] });
      const times = await erasure.erasedAt('h-1');
      const found = await erasure.findOrderTombstones([
        { customerHash: 'h-1', orderHash: 'oh-1' },
        { customerHash: 'h-1', orderHash: 'oh-3' },
        { customerHash: 'h-2', orderHash: 'oh-2' },
      ]);

      // Assess
      expect(times).toEqual([AT, '2026-11-03T10:00:00.000Z']);
      expect(found).toEqual(new Set(['oh-1']));
      expect(await erasure.erasedAt('h-unknown')).toEqual([]);
    });
  });
}

function byKind(a: { kind: string }, b: { kind: string }): number {
  return a.kind.localeCompare(b.kind);
}
