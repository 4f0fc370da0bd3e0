/**
 * Erasure (shared/privacy/forget-customer.ts) on the in-memory fakes: what goes, what stays
 * (hashed tombstones only), and that a replayed old order is not counted again while a new one is.
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../shared/events/event.js';
import type { CustomerMessage } from '../../../shared/events/messages.js';
import { INTERNAL_SOURCE } from '../../../shared/events/messages.js';
import { InMemoryJourneyStore } from '../../../shared/journeys/in-memory-journey-store.js';
import { newRun } from '../../../shared/journeys/run.js';
import { customerHash } from '../../../shared/privacy/erasure-hashes.js';
import {
  ErasureRequestError,
  forgetCustomer,
  MAX_PASSES,
  type ForgetDeps,
} from '../../../shared/privacy/forget-customer.js';
import { processCustomerMessage, type ProcessDeps } from '../../../shared/profiles/process-customer-message.js';
import {
  InMemoryCapCounters,
  InMemoryDueQueue,
  InMemorySendLedger,
  InMemorySuppressionList,
} from '../../fakes/in-memory-channels.js';
import { InMemoryCustomerErasure } from '../../fakes/in-memory-erasure.js';
import {
  InMemoryIdentityMap,
  InMemoryOrderLedger,
  InMemoryProfileStore,
  InMemoryRefunds,
} from '../../fakes/in-memory-ports.js';
import { PepperedErasedOrders } from '../../../shared/privacy/erased-order.js';
import { TEST_PEPPER } from '../../fakes/test-pepper.js';

const clock = { now: () => new Date('2026-11-02T12:00:00Z') };

function event(
  messageId: string,
  ids: { userId?: string; anonymousId?: string },
  minute: number,
  fields: Partial<NormalizedEvent>,
): CustomerMessage {
  const timestamp = new Date(Date.UTC(2026, 10, 2, 10, minute)).toISOString();
  const customerId = ids.userId ?? `anon:${ids.anonymousId}`;
  return {
    kind: 'event',
    source: INTERNAL_SOURCE,
    customerId,
    event: {
      type: 'track',
      messageId,
      ...ids,
      properties: {},
      traits: {},
      context: {},
      timestamp,
      receivedAt: timestamp,
      ...fields,
    },
  };
}
const order = (
  messageId: string,
  ids: { userId?: string; anonymousId?: string },
  orderId: string,
  revenue: number,
  minute = 0,
) => event(messageId, ids, minute, { event: 'Order Completed', properties: { order_id: orderId, revenue } });
const viewed = (messageId: string, ids: { userId?: string; anonymousId?: string }, minute = 0) =>
  event(messageId, ids, minute, { event: 'Product Viewed', properties: { product_id: 'p1' } });
const login = (messageId: string, userId: string, anonymousId: string, minute = 0) =>
  event(messageId, { userId, anonymousId }, minute, {
    type: 'identify',
    traits: { email: `${userId}@example.com`, phone: '+905551234567' },
  });

describe('forgetCustomer', () => {
  let profiles: InMemoryProfileStore;
  let orders: InMemoryOrderLedger;
  let identity: InMemoryIdentityMap;
  let runs: InMemoryJourneyStore;
  let ledger: InMemorySendLedger;
  let caps: InMemoryCapCounters;
  let due: InMemoryDueQueue;
  let suppression: InMemorySuppressionList;
  let erasure: InMemoryCustomerErasure;
  let process: ProcessDeps;
  let forget: ForgetDeps;

  beforeEach(() => {
    profiles = new InMemoryProfileStore();
    orders = new InMemoryOrderLedger();
    identity = new InMemoryIdentityMap();
    runs = new InMemoryJourneyStore();
    ledger = new InMemorySendLedger();
    caps = new InMemoryCapCounters();
    due = new InMemoryDueQueue();
    suppression = new InMemorySuppressionList();
    erasure = new InMemoryCustomerErasure({ profiles, orders, identity, runs, ledger, caps, due });
    process = {
      profiles,
      orders,
      identity,
      clock,
      settings: { trackedProperties: {}, timezone: 'UTC' },
      tombstones: new PepperedErasedOrders(erasure, TEST_PEPPER),
      refunds: new InMemoryRefunds(),
      journeys: null,
    };
    forget = { profiles, identity, erasure, clock, suppression, pepper: TEST_PEPPER };
  });

  /** u1 browses anonymously as dev-one, logs in (merge), orders twice, is in a journey with a send. */
  async function customerWithHistory(): Promise<void> {
    for (const message of [
      viewed('m1', { anonymousId: 'dev-one' }, 1),
      order('m2', { anonymousId: 'dev-one' }, 'o-anon', 15, 2),
      login('m3', 'u1', 'dev-one', 3),
      order('m4', { userId: 'u1' }, 'o1', 40, 4),
      order('m5', { userId: 'u1' }, 'o2', 60, 5),
      login('m6', 'u1', 'dev-two', 6),
    ]) {
      await processCustomerMessage(process, message);
    }
    await runs.putRun(newRun('welcome', 'r1', 'u1', false, '2026-11-02T10:00:00Z'), undefined);
    await ledger.claim({
      customerId: 'u1',
      messageId: 'msg1',
      channel: 'email',
      journeyId: 'welcome',
      runId: 'r1',
      stepId: 'step-1',
      claimedAt: '2026-11-02T10:10:00Z',
    });
    await caps.add('u1', ['email', 'all'], 20394);
  }

  it('removes the profile, merged anonymous profile, identity links, orders, runs, ledger entries and cap counters, and counts each kind', async () => {
    // Prepare
    await customerWithHistory();

    // Act
    const report = await forgetCustomer(forget, { customerId: 'u1' });

    // Assess
    expect(report.found).toBe(true);
    expect(report.removed).toEqual({
      profile: 1,
      anonymousProfiles: 1,
      identityLinks: 2,
      // o-anon under anon:dev-one and its copy under u1, o1, o2
      orders: 4,
      journeyRuns: 1,
      sendLedgerEntries: 1,
      deferredSends: 0,
      sendDecisions: 0,
      capCounters: 2,
      other: 0,
    });
    expect(report.remaining).toBe(0);
    expect(await erasure.listCustomerItems('u1')).toEqual([]);
    expect(await erasure.listCustomerItems('anon:dev-one')).toEqual([]);
    expect(identity.links.size).toBe(0);
  });

  it('keeps only hashes: no customer id, anonymous id, order id, email or phone in any tombstone', async () => {
    // Prepare
    await customerWithHistory();

    // Act
    const report = await forgetCustomer(forget, { customerId: 'u1' });

    // Assess
    const kept = JSON.stringify(
      [...erasure.tombstones].map(([hash, stone]) => [hash, [...stone.erasedAt], [...stone.orders]]),
    );
    for (const raw of ['u1', 'dev-one', 'o-anon', 'o1', 'o2', 'example.com', '5551234567'])
      expect(kept).not.toContain(raw);
    expect(erasure.tombstones.get(customerHash(TEST_PEPPER, 'u1'))?.orders.size).toBe(3);
    expect(report.kept.orderTombstones).toBe(4);
  });

  it('does not count a replayed old order again, but counts a new order of the re-created profile', async () => {
    // Prepare
    await customerWithHistory();
    await forgetCustomer(forget, { customerId: 'u1' });

    // Act
    const replayed = await processCustomerMessage(process, order('m4', { userId: 'u1' }, 'o1', 40, 4));
    const fresh = await processCustomerMessage(process, order('m9', { userId: 'u1' }, 'o3', 25, 9));

    // Assess
    expect(replayed.status).toBe('duplicate');
    expect(fresh.status).toBe('applied');
    expect((await profiles.getProfile('u1'))?.orders).toMatchObject({ count: 1, revenue: 25 });
    expect((await orders.listOrders('u1')).map((stored) => stored.orderId)).toEqual(['o3']);
  });

  it('does not count a replayed anonymous order again once the identity link is gone', async () => {
    // Prepare
    await customerWithHistory();
    await forgetCustomer(forget, { customerId: 'u1' });

    // Act
    const replayed = await processCustomerMessage(process, order('m2', { anonymousId: 'dev-one' }, 'o-anon', 15, 2));

    // Assess
    expect(replayed.status).toBe('duplicate');
    expect(await profiles.getProfile('anon:dev-one')).toBeUndefined();
  });

  it('does not refuse the same order id of another customer', async () => {
    // Prepare
    await customerWithHistory();
    await forgetCustomer(forget, { customerId: 'u1' });

    // Act
    const other = await processCustomerMessage(process, order('m20', { userId: 'u2' }, 'o1', 40, 4));

    // Assess
    expect(other.status).toBe('applied');
  });

  it('refuses every replayed order of an erased customer and no order of anyone else (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9#:_-]{1,16}$/), { minLength: 1, maxLength: 8 }),
        fc.stringMatching(/^[a-z0-9]{1,8}$/),
        async (orderIds, otherId) => {
          // Prepare
          const fakes = {
            profiles: new InMemoryProfileStore(),
            orders: new InMemoryOrderLedger(),
            identity: new InMemoryIdentityMap(),
          };
          const store = new InMemoryCustomerErasure(fakes);
          const deps: ProcessDeps = {
            ...fakes,
            clock,
            settings: { trackedProperties: {}, timezone: 'UTC' },
            tombstones: new PepperedErasedOrders(store, TEST_PEPPER),
            refunds: new InMemoryRefunds(),
            journeys: null,
          };
          for (const [index, orderId] of orderIds.entries())
            await processCustomerMessage(deps, order(`m${index}`, { userId: 'u1' }, orderId, 10));

          // Act
          await forgetCustomer({ ...fakes, erasure: store, clock, pepper: TEST_PEPPER }, { customerId: 'u1' });
          const replays = await Promise.all(
            orderIds.map((orderId, index) =>
              processCustomerMessage(deps, order(`r${index}`, { userId: 'u1' }, orderId, 10)),
            ),
          );
          const others = await Promise.all(
            orderIds.map((orderId, index) =>
              processCustomerMessage(deps, order(`x${index}`, { userId: `other-${otherId}` }, orderId, 10)),
            ),
          );

          // Assess
          expect(replays.every((outcome) => outcome.status === 'duplicate')).toBe(true);
          expect(others.every((outcome) => outcome.status === 'applied')).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('costs process-events one tombstone read per order and none for other events', async () => {
    // Act
    await customerWithHistory();

    // Assess: three orders (one anonymous), four other events
    expect(erasure.tombstoneReads).toBe(3);
  });

  it('never deletes an anonymous id linked to another customer', async () => {
    // Prepare
    await customerWithHistory();
    await processCustomerMessage(process, login('m30', 'u2', 'dev-other'));

    // Act
    await forgetCustomer(forget, { customerId: 'u1' });

    // Assess
    expect(identity.links.get('dev-other')).toBe('u2');
    expect(await profiles.getProfile('u2')).toBeDefined();
  });

  it('removes deferred sends', async () => {
    // Prepare
    await customerWithHistory();
    await due.defer(
      { customerId: 'u1', messageId: 'msg2' } as Parameters<InMemoryDueQueue['defer']>[0],
      '2026-11-03T07:00:00Z',
    );

    // Act
    const report = await forgetCustomer(forget, { customerId: 'u1' });

    // Assess
    expect(report.removed.deferredSends).toBe(1);
    expect(due.items.size).toBe(0);
  });

  it('reports in a dry run what a real run removes, and changes nothing', async () => {
    // Prepare
    await customerWithHistory();
    const before = JSON.stringify([...profiles.items, ...orders.items, ...identity.links]);

    // Act
    const dry = await forgetCustomer(forget, { customerId: 'u1', dryRun: true });

    // Assess
    expect(JSON.stringify([...profiles.items, ...orders.items, ...identity.links])).toBe(before);
    expect(erasure.tombstones.size).toBe(0);
    const real = await forgetCustomer(forget, { customerId: 'u1' });
    expect(dry.removed).toEqual(real.removed);
    expect(dry.kept.orderTombstones).toBe(real.kept.orderTombstones);
    expect(dry.dryRun).toBe(true);
  });

  it('reports nothing found for an unknown customer and writes no tombstone', async () => {
    // Act
    const report = await forgetCustomer(forget, { customerId: 'nobody' });

    // Assess
    expect(report.found).toBe(false);
    expect(Object.values(report.removed).every((count) => count === 0)).toBe(true);
    expect(erasure.tombstones.size).toBe(0);
  });

  it('names the earlier erasure when the same customer is forgotten again', async () => {
    // Prepare
    await customerWithHistory();
    await forgetCustomer(forget, { customerId: 'u1' });

    // Act
    const again = await forgetCustomer(forget, { customerId: 'u1' });

    // Assess
    expect(again.found).toBe(false);
    expect(again.previousErasures).toEqual(['2026-11-02T12:00:00.000Z']);
  });

  it('sweeps again when a writer changes the profile between the read and the delete', async () => {
    // Prepare: an in-flight event lands just before the profile delete, once
    await customerWithHistory();
    let raced = false;
    erasure.beforeProfileDelete = (customerId) => {
      if (raced || customerId !== 'u1') return;
      raced = true;
      const stored = profiles.items.get('u1');
      if (stored) profiles.items.set('u1', { ...stored, version: (stored.version ?? 0) + 1 });
      void orders.claimOrder({
        customerId: 'u1',
        orderId: 'o-late',
        at: '2026-11-02T11:00:00Z',
        amount: 5,
        products: [],
        messageId: 'm-late',
        status: 'pending',
      });
    };

    // Act
    const report = await forgetCustomer(forget, { customerId: 'u1' });

    // Assess
    expect(raced).toBe(true);
    expect(report.removed.profile).toBe(1);
    expect(report.removed.orders).toBe(5);
    expect(await erasure.listCustomerItems('u1')).toEqual([]);
    const replayed = await processCustomerMessage(process, order('m-late', { userId: 'u1' }, 'o-late', 5));
    expect(replayed.status).toBe('duplicate');
  });

  it(`reports what is left when a writer keeps re-creating the profile for ${MAX_PASSES} sweeps`, async () => {
    // Prepare
    await customerWithHistory();
    erasure.beforeProfileDelete = () => {
      const stored = profiles.items.get('u1');
      if (stored) profiles.items.set('u1', { ...stored, version: (stored.version ?? 0) + 1 });
    };

    // Act
    const report = await forgetCustomer(forget, { customerId: 'u1' });

    // Assess
    expect(report.remaining).toBe(1);
    expect(report.removed.profile).toBe(0);
  });

  it('puts the email and phone on the suppression list when asked to', async () => {
    // Prepare
    await customerWithHistory();

    // Act
    const report = await forgetCustomer(forget, { customerId: 'u1', suppressAddresses: true });

    // Assess
    expect(report.kept.suppressedAddresses).toBe(2);
    expect(await suppression.isSuppressed('u1@example.com')).toBe(true);
    expect(await suppression.isSuppressed('+905551234567')).toBe(true);
  });

  it('forgets an anonymous visitor: its profile and its own identity link', async () => {
    // Prepare
    await processCustomerMessage(process, viewed('m1', { anonymousId: 'dev-nine' }));

    // Act
    const report = await forgetCustomer(forget, { customerId: 'anon:dev-nine' });

    // Assess
    expect(report.removed.profile).toBe(1);
    expect(await profiles.getProfile('anon:dev-nine')).toBeUndefined();
  });

  it('refuses an empty customer id, naming the field', async () => {
    // Act / Assess
    await expect(forgetCustomer(forget, { customerId: ' ' })).rejects.toThrow(ErasureRequestError);
    await expect(forgetCustomer(forget, { customerId: '' })).rejects.toThrow('customerId');
  });
});
