/** Bulk order import: exactly once across re-runs and crashes, through the live reducer. */
import { beforeEach, describe, expect, it } from 'vitest';
import { importOrders, type HistoricalOrder, type ImportDeps } from '../../../shared/profiles/import-orders.js';
import { forgetCustomer } from '../../../shared/privacy/forget-customer.js';
import { InMemoryCustomerErasure } from '../../fakes/in-memory-erasure.js';
import {
  InMemoryIdentityMap,
  InMemoryOrderLedger,
  InMemoryProfileStore,
  NO_ERASED_ORDERS,
} from '../../fakes/in-memory-ports.js';
import { PepperedErasedOrders } from '../../../shared/privacy/erased-order.js';
import { TEST_PEPPER } from '../../fakes/test-pepper.js';

const clock = { now: () => new Date('2026-11-02T00:00:00Z') };

const history: HistoricalOrder[] = [
  { customerId: 'c1', timestamp: '2025-01-05', amount: 10, line: 2 },
  { customerId: 'c1', timestamp: '2025-01-05', amount: 5, line: 3 },
  { customerId: 'c1', timestamp: '2025-03-01', amount: 20, orderId: 'o-3' },
  { customerId: 'c2', timestamp: '2025-02-01T10:00:00Z', amount: 7, orderId: 'o-4' },
];

describe('importOrders', () => {
  let profiles: InMemoryProfileStore;
  let orders: InMemoryOrderLedger;
  let deps: ImportDeps;

  beforeEach(() => {
    profiles = new InMemoryProfileStore();
    orders = new InMemoryOrderLedger();
    deps = {
      profiles,
      orders,
      clock,
      settings: { trackedProperties: {}, timezone: 'UTC' },
      tombstones: NO_ERASED_ORDERS,
    };
  });

  it('folds each customer’s orders through the reducer, same-day orders merging into one order day', async () => {
    // Act
    const summary = await importOrders(deps, history);

    // Assess
    expect(summary).toMatchObject({ customers: 2, ordersImported: 4, ordersSkipped: 0 });
    expect((await profiles.getProfile('c1'))?.orders).toMatchObject({
      count: 3,
      revenue: 35,
      days: 2,
      firstAmount: 15,
      repeatRevenue: 20,
    });
    expect((await orders.listOrders('c1')).map((order) => order.status)).toEqual(['applied', 'applied', 'applied']);
  });

  it('leaves out the orders of a customer erased since the last import, and imports everyone else’s', async () => {
    // Prepare
    const identity = new InMemoryIdentityMap();
    const erasure = new InMemoryCustomerErasure({ profiles, orders, identity });
    deps = { ...deps, tombstones: new PepperedErasedOrders(erasure, TEST_PEPPER) };
    await importOrders(deps, history);
    await forgetCustomer({ profiles, identity, erasure, clock, pepper: TEST_PEPPER }, { customerId: 'c1' });
    const later: HistoricalOrder = { customerId: 'c2', timestamp: '2025-04-01', amount: 9, orderId: 'o-5' };

    // Act
    const again = await importOrders(deps, [...history, later]);

    // Assess
    expect(again).toMatchObject({ ordersImported: 1, ordersSkipped: 1, ordersErased: 3 });
    expect(await profiles.getProfile('c1')).toBeUndefined();
    expect((await profiles.getProfile('c2'))?.orders.count).toBe(2);
  });

  it('changes nothing when the same file is imported again', async () => {
    // Prepare
    await importOrders(deps, history);
    const writes = profiles.writes;

    // Act
    const again = await importOrders(deps, history);

    // Assess
    expect(again).toMatchObject({ ordersImported: 0, ordersSkipped: 4 });
    expect(profiles.writes).toBe(writes);
    expect((await profiles.getProfile('c1'))?.orders.count).toBe(3);
  });

  it('counts a row repeated in the same file once', async () => {
    // Act
    const summary = await importOrders(deps, [...history, history[2]!]);

    // Assess
    expect(summary.ordersSkipped).toBe(1);
    expect((await profiles.getProfile('c1'))?.orders.count).toBe(3);
  });

  it('applies the orders of an import that crashed before its profile write, once, on the re-run', async () => {
    // Prepare: the first run dies at c1's profile write, after its orders were written pending
    profiles.beforePut = (profile) => {
      if (profile.id === 'c1') throw new Error('crash');
    };
    await expect(importOrders(deps, history)).rejects.toThrow('crash');
    profiles.beforePut = undefined;
    expect((await orders.listOrders('c1')).every((order) => order.status === 'pending')).toBe(true);

    // Act
    await importOrders(deps, history);

    // Assess
    expect((await profiles.getProfile('c1'))?.orders.count).toBe(3);
    expect((await orders.listOrders('c1')).every((order) => order.status === 'applied')).toBe(true);
  });

  it('does not apply twice the orders of an import that crashed after its profile write', async () => {
    // Prepare: profiles written, but the final `applied` batch never ran
    const putOrders = orders.putOrders.bind(orders);
    orders.putOrders = async (batch) => {
      if (batch.some((order) => order.status === 'applied')) throw new Error('crash before applied');
      return putOrders(batch);
    };
    await expect(importOrders(deps, history)).rejects.toThrow('crash before applied');
    orders.putOrders = putOrders;

    // Act
    await importOrders(deps, history);

    // Assess
    expect((await profiles.getProfile('c1'))?.orders).toMatchObject({ count: 3, revenue: 35 });
    expect((await orders.listOrders('c1')).every((order) => order.status === 'applied')).toBe(true);
  });
});
