/**
 * process-events' domain: the one writer of customer state — exactly-once orders under crashes
 * and redelivery, identity merges, version-conflict retries.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../shared/events/event.js';
import type { CustomerMessage } from '../../../shared/events/messages.js';
import { INTERNAL_SOURCE } from '../../../shared/events/messages.js';
import { VersionConflictError } from '../../../shared/ports.js';
import { processCustomerMessage, type ProcessDeps } from '../../../shared/profiles/process-customer-message.js';
import { defaultSettings } from '../../../shared/config/settings.js';
import { compileSegments } from '../../../shared/segments/evaluate.js';
import { parseSegmentDefinitions } from '../../../shared/segments/parse.js';
import {
  InMemoryIdentityMap,
  InMemoryOrderLedger,
  InMemoryProfileStore,
  InMemoryRefunds,
  NO_ERASED_ORDERS,
} from '../../fakes/in-memory-ports.js';

const clock = { now: () => new Date('2026-11-02T12:00:00Z') };

function track(
  messageId: string,
  ids: { userId?: string; anonymousId?: string },
  event: string,
  properties: Record<string, unknown>,
  minute = 0,
): NormalizedEvent {
  const timestamp = new Date(Date.UTC(2026, 10, 2, 10, minute)).toISOString();
  return {
    type: 'track',
    messageId,
    ...ids,
    event,
    properties,
    traits: {},
    context: {},
    timestamp,
    receivedAt: timestamp,
  };
}

function message(customerId: string, event: NormalizedEvent): CustomerMessage {
  return { kind: 'event', customerId, event, source: INTERNAL_SOURCE };
}

describe('processCustomerMessage', () => {
  let profiles: InMemoryProfileStore;
  let orders: InMemoryOrderLedger;
  let identity: InMemoryIdentityMap;
  let deps: ProcessDeps;

  beforeEach(() => {
    profiles = new InMemoryProfileStore();
    orders = new InMemoryOrderLedger();
    identity = new InMemoryIdentityMap();
    deps = {
      profiles,
      orders,
      identity,
      clock,
      settings: { trackedProperties: {}, timezone: 'UTC' },
      tombstones: NO_ERASED_ORDERS,
      refunds: new InMemoryRefunds(),
      journeys: null,
    };
  });

  it('applies an order once and marks its O# item applied', async () => {
    // Prepare
    const order = message('u1', track('m1', { userId: 'u1' }, 'Order Completed', { order_id: 'o1', revenue: 40 }));

    // Act
    const outcome = await processCustomerMessage(deps, order);

    // Assess
    expect(outcome.status).toBe('applied');
    expect((await profiles.getProfile('u1'))?.orders).toMatchObject({ count: 1, revenue: 40, days: 1 });
    expect((await orders.listOrders('u1'))[0]?.status).toBe('applied');
  });

  it('skips an order re-posted under a new messageId', async () => {
    // Prepare
    await processCustomerMessage(
      deps,
      message('u1', track('m1', { userId: 'u1' }, 'Order Completed', { order_id: 'o1', revenue: 40 })),
    );

    // Act
    const outcome = await processCustomerMessage(
      deps,
      message('u1', track('m2', { userId: 'u1' }, 'Order Completed', { order_id: 'o1', revenue: 40 })),
    );

    // Assess
    expect(outcome.status).toBe('duplicate');
    expect((await profiles.getProfile('u1'))?.orders.count).toBe(1);
  });

  it('gives an order without order_id a stable id from its messageId, counted once when redelivered', async () => {
    // Prepare
    const order = message('u1', track('m9', { userId: 'u1' }, 'Order Completed', { revenue: 25 }));

    // Act
    await processCustomerMessage(deps, order);
    const again = await processCustomerMessage(deps, order);

    // Assess: one O# item (what the A/B report reads) and one order in the profile.
    expect(again.status).toBe('duplicate');
    expect(await orders.listOrders('u1')).toEqual([expect.objectContaining({ orderId: 'msg:m9', amount: 25 })]);
    expect((await profiles.getProfile('u1'))?.orders).toMatchObject({ count: 1, revenue: 25 });
  });

  it('re-applies an order whose first attempt crashed after the claim, exactly once', async () => {
    // Prepare: the first delivery dies between the O# claim and the profile write
    const order = message('u1', track('m1', { userId: 'u1' }, 'Order Completed', { order_id: 'o1', revenue: 40 }));
    orders.afterClaim = () => {
      throw new Error('crash after claim');
    };
    await expect(processCustomerMessage(deps, order)).rejects.toThrow('crash after claim');
    orders.afterClaim = undefined;
    expect((await orders.listOrders('u1'))[0]?.status).toBe('pending');

    // Act: the queue redelivers
    const outcome = await processCustomerMessage(deps, order);

    // Assess
    expect(outcome.status).toBe('applied');
    expect((await profiles.getProfile('u1'))?.orders.count).toBe(1);
    expect((await orders.listOrders('u1'))[0]?.status).toBe('applied');
  });

  it('does not count twice an order whose first attempt crashed after the profile write', async () => {
    // Prepare: the profile write succeeded but markApplied never ran
    const order = message('u1', track('m1', { userId: 'u1' }, 'Order Completed', { order_id: 'o1', revenue: 40 }));
    const markApplied = orders.markOrderApplied.bind(orders);
    orders.markOrderApplied = async () => {
      throw new Error('crash before applied');
    };
    await expect(processCustomerMessage(deps, order)).rejects.toThrow('crash before applied');
    orders.markOrderApplied = markApplied;

    // Act
    const outcome = await processCustomerMessage(deps, order);

    // Assess
    expect(outcome.status).toBe('duplicate');
    expect((await profiles.getProfile('u1'))?.orders.count).toBe(1);
    expect((await orders.listOrders('u1'))[0]?.status).toBe('applied');
  });

  it('retries a write that lost the version race and keeps both changes', async () => {
    // Prepare: a concurrent writer lands between this handler's read and write, once
    await processCustomerMessage(
      deps,
      message('u1', track('m1', { userId: 'u1' }, 'Product Viewed', { product_id: 'p1' })),
    );
    let raced = false;
    profiles.beforePut = (profile, expectedVersion) => {
      if (raced) return;
      raced = true;
      const stored = profiles.items.get(profile.id);
      if (stored) profiles.items.set(profile.id, { ...stored, traits: { vip: true }, version: stored.version + 1 });
      throw new VersionConflictError(profile.id, expectedVersion);
    };

    // Act
    await processCustomerMessage(
      deps,
      message('u1', track('m2', { userId: 'u1' }, 'Product Viewed', { product_id: 'p2' }, 1)),
    );

    // Assess
    const profile = await profiles.getProfile('u1');
    expect(profile?.events['Product Viewed']?.count).toBe(2);
    expect(profile?.traits.vip).toBe(true);
  });

  it('merges an anonymous profile into the customer once, even when the identify is redelivered', async () => {
    // Prepare
    await processCustomerMessage(
      deps,
      message('anon:a1', track('m1', { anonymousId: 'a1' }, 'Product Viewed', { product_id: 'p1' })),
    );
    const login: NormalizedEvent = {
      ...track('m2', { userId: 'u1', anonymousId: 'a1' }, '', {}, 2),
      type: 'identify',
      traits: { email: 'u1@example.com' },
    };
    delete login.event;

    // Act
    const first = await processCustomerMessage(deps, message('u1', login));
    const again = await processCustomerMessage(deps, message('u1', login));

    // Assess
    expect(first.merge).toBe('merged');
    expect(again.merge).toBe('already_merged');
    const profile = await profiles.getProfile('u1');
    expect(profile?.events['Product Viewed']?.count).toBe(1);
    expect(profile?.anonymousIds).toEqual(['a1']);
    expect((await profiles.getProfile('anon:a1'))?.mergedInto).toBe('u1');
  });

  it('routes an anonymous event queued before the login to the customer', async () => {
    // Prepare: the event was routed to the anonymous profile at ingest, then the login was processed first
    await processCustomerMessage(
      deps,
      message('anon:a1', track('m1', { anonymousId: 'a1' }, 'Product Viewed', { product_id: 'p1' })),
    );
    const login: NormalizedEvent = { ...track('m2', { userId: 'u1', anonymousId: 'a1' }, '', {}, 2), type: 'identify' };
    await processCustomerMessage(deps, message('u1', login));

    // Act
    const outcome = await processCustomerMessage(
      deps,
      message('anon:a1', track('m3', { anonymousId: 'a1' }, 'Product Viewed', { product_id: 'p2' }, 3)),
    );

    // Assess
    expect(outcome.customerId).toBe('u1');
    expect((await profiles.getProfile('u1'))?.events['Product Viewed']?.count).toBe(2);
    expect((await profiles.getProfile('anon:a1'))?.events['Product Viewed']?.count).toBe(1);
  });

  it('keeps the first owner of an anonymous id when a second customer claims it', async () => {
    // Prepare
    await processCustomerMessage(
      deps,
      message('anon:a1', track('m1', { anonymousId: 'a1' }, 'Product Viewed', { product_id: 'p1' })),
    );
    await processCustomerMessage(
      deps,
      message('u1', { ...track('m2', { userId: 'u1', anonymousId: 'a1' }, '', {}, 2), type: 'identify' }),
    );

    // Act
    const outcome = await processCustomerMessage(
      deps,
      message('u2', { ...track('m3', { userId: 'u2', anonymousId: 'a1' }, '', {}, 3), type: 'identify' }),
    );

    // Assess
    expect(outcome.merge).toBe('linked_elsewhere');
    expect((await profiles.getProfile('u2'))?.events['Product Viewed']).toBeUndefined();
    expect((await profiles.getProfile('u1'))?.events['Product Viewed']?.count).toBe(1);
  });

  it('moves the anonymous visitor’s orders under the customer so a re-posted order is still skipped', async () => {
    // Prepare: a guest checkout, then login
    await processCustomerMessage(
      deps,
      message('anon:a1', track('m1', { anonymousId: 'a1' }, 'Order Completed', { order_id: 'g1', revenue: 25 })),
    );
    await processCustomerMessage(
      deps,
      message('u1', { ...track('m2', { userId: 'u1', anonymousId: 'a1' }, '', {}, 2), type: 'identify' }),
    );

    // Act: the shop re-posts the order with the userId
    const outcome = await processCustomerMessage(
      deps,
      message('u1', track('m3', { userId: 'u1' }, 'Order Completed', { order_id: 'g1', revenue: 25 }, 4)),
    );

    // Assess
    expect(outcome.status).toBe('duplicate');
    expect((await profiles.getProfile('u1'))?.orders).toMatchObject({ count: 1, revenue: 25 });
  });

  it('acknowledges journey messages without touching the profile until journeys exist', async () => {
    // Act
    const outcome = await processCustomerMessage(deps, {
      kind: 'wake',
      customerId: 'u1',
      journeyId: 'j',
      runId: 'r',
      dueAt: '2026-11-02T12:00:00Z',
    });

    // Assess
    expect(outcome.status).toBe('ignored');
    expect(profiles.writes).toBe(0);
  });
});

describe('processCustomerMessage with segment rules', () => {
  it('puts a customer into the segments their merged anonymous history qualifies for, at login', async () => {
    // Prepare: a rule on browsing, and browsing done anonymously
    const segments = compileSegments(
      parseSegmentDefinitions([{ id: 'browsers', event: 'Product Viewed' }]).definitions,
      defaultSettings,
    );
    const published: string[][] = [];
    const deps: ProcessDeps = {
      profiles: new InMemoryProfileStore(),
      orders: new InMemoryOrderLedger(),
      identity: new InMemoryIdentityMap(),
      clock,
      settings: { trackedProperties: {}, timezone: 'UTC' },
      segments,
      segmentChanges: { publish: (changes) => void published.push(changes.entered) },
      tombstones: NO_ERASED_ORDERS,
      refunds: new InMemoryRefunds(),
      journeys: null,
    };
    await processCustomerMessage(
      deps,
      message('anon:a1', track('m1', { anonymousId: 'a1' }, 'Product Viewed', { product_id: 'p1' })),
    );

    // Act
    await processCustomerMessage(
      deps,
      message('u1', { ...track('m2', { userId: 'u1', anonymousId: 'a1' }, '', {}, 2), type: 'identify' }),
    );

    // Assess
    const user = await deps.profiles.getProfile('u1');
    expect(Object.keys(user?.segments ?? {})).toEqual(['browsers']);
    expect(published).toContainEqual(['browsers']);
    const anonymous = await deps.profiles.getProfile('anon:a1');
    expect(anonymous?.segments).toEqual({});
    expect(anonymous?.nextExpiryAt).toBeUndefined();
  });
});
