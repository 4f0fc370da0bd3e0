/**
 * Plain in-memory implementations of the storage ports, for domain tests (no mocking library),
 * with hooks to inject the faults the domain must survive: a crash before or after a write,
 * and a concurrent writer winning the version race.
 */
import type { IdentityMap, OrderLedger, OrderRecord, ProfileStore, WriteReceipt } from '../../shared/ports.js';
import type { Profile } from '../../shared/profiles/schema.js';
import { InMemoryProfiles } from '../../shared/journeys/simulation/in-memory-customer-stores.js';

const ONE_UNIT: WriteReceipt = { capacityUnits: 1 };

/** `sadakat simulate`'s profile store, counting writes at one unit each, with a fault hook. */
export class InMemoryProfileStore extends InMemoryProfiles implements ProfileStore {
  writes = 0;
  /** Called before each write; throw from it to simulate a crash or a lost race. */
  beforePut?: (profile: Profile, expectedVersion: number | undefined) => void;

  override async putProfile(
    profile: Profile,
    expectedVersion: number | undefined,
  ): Promise<{ profile: Profile; receipt: WriteReceipt }> {
    this.beforePut?.(profile, expectedVersion);
    const written = await super.putProfile(profile, expectedVersion);
    this.writes++;
    return { profile: written.profile, receipt: ONE_UNIT };
  }
}

export class InMemoryOrderLedger implements OrderLedger {
  readonly items = new Map<string, OrderRecord>();
  /** Called after the O# claim; throw from it to simulate a crash between claim and profile write. */
  afterClaim?: (order: OrderRecord) => void;

  private key(customerId: string, orderId: string): string {
    return `${customerId}\u0000${orderId}`;
  }

  async claimOrder(order: OrderRecord): Promise<{ status: 'new' | 'pending' | 'applied'; receipt: WriteReceipt }> {
    const key = this.key(order.customerId, order.orderId);
    const existing = this.items.get(key);
    if (existing) return { status: existing.status, receipt: ONE_UNIT };
    this.items.set(key, { ...order, status: 'pending' });
    this.afterClaim?.(order);
    return { status: 'new', receipt: ONE_UNIT };
  }

  async markOrderApplied(customerId: string, orderId: string): Promise<WriteReceipt> {
    const key = this.key(customerId, orderId);
    const existing = this.items.get(key);
    if (existing) this.items.set(key, { ...existing, status: 'applied' });
    return ONE_UNIT;
  }

  async getOrders(keys: readonly { customerId: string; orderId: string }[]): Promise<OrderRecord[]> {
    return keys.flatMap((key) => {
      const order = this.items.get(this.key(key.customerId, key.orderId));
      return order ? [{ ...order }] : [];
    });
  }

  async putOrders(orders: OrderRecord[]): Promise<WriteReceipt> {
    for (const order of orders) this.items.set(this.key(order.customerId, order.orderId), { ...order });
    return { capacityUnits: orders.length };
  }

  async listOrders(customerId: string): Promise<OrderRecord[]> {
    return [...this.items.values()]
      .filter((order) => order.customerId === customerId)
      .sort((a, b) => a.orderId.localeCompare(b.orderId));
  }
}

export class InMemoryIdentityMap implements IdentityMap {
  readonly links = new Map<string, string>();

  async resolve(anonymousIds: readonly string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    for (const id of anonymousIds) {
      const userId = this.links.get(id);
      if (userId) result.set(id, userId);
    }
    return result;
  }

  async link(anonymousId: string, userId: string): Promise<{ userId: string; receipt: WriteReceipt }> {
    const existing = this.links.get(anonymousId);
    if (existing) return { userId: existing, receipt: { capacityUnits: 0 } };
    this.links.set(anonymousId, userId);
    return { userId, receipt: ONE_UNIT };
  }
}

/** The stores `sadakat simulate` uses for refunds and tombstones serve the domain tests too. */
export { InMemoryRefunds, NO_ERASED_ORDERS } from '../../shared/journeys/simulation/in-memory-customer-stores.js';
