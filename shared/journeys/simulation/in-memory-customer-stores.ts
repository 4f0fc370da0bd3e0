/**
 * The customer storage ports in memory, with the table's conditional-write semantics: what
 * `sadakat simulate` runs the real process-events code on, without an engine.
 */
import {
  VersionConflictError,
  type IdentityMap,
  type OrderLedger,
  type OrderRecord,
  type ProfileStore,
  type WriteReceipt,
} from '../../ports.js';
import type { ErasedOrders } from '../../privacy/erased-order.js';
import type { RefundLedger, RefundRecord } from '../../profiles/refund-from-event.js';
import type { Profile } from '../../profiles/schema.js';

const NO_CAPACITY: WriteReceipt = { capacityUnits: 0 };

export class InMemoryProfiles implements ProfileStore {
  readonly items = new Map<string, Profile>();

  async getProfile(customerId: string): Promise<Profile | undefined> {
    const stored = this.items.get(customerId);
    return stored ? structuredClone(stored) : undefined;
  }

  async getProfiles(customerIds: readonly string[]): Promise<Map<string, Profile>> {
    const found = new Map<string, Profile>();
    for (const id of customerIds) {
      const stored = this.items.get(id);
      if (stored) found.set(id, structuredClone(stored));
    }
    return found;
  }

  async putProfile(profile: Profile, expectedVersion: number | undefined) {
    if (this.items.get(profile.id)?.version !== expectedVersion)
      throw new VersionConflictError(profile.id, expectedVersion);
    const written = { ...structuredClone(profile), version: expectedVersion === undefined ? 0 : expectedVersion + 1 };
    this.items.set(profile.id, written);
    return { profile: structuredClone(written), receipt: NO_CAPACITY };
  }
}

export class InMemoryOrders implements OrderLedger {
  private readonly items = new Map<string, OrderRecord>();

  async claimOrder(order: OrderRecord) {
    const key = `${order.customerId}\n${order.orderId}`;
    const existing = this.items.get(key);
    if (existing) return { status: existing.status, receipt: NO_CAPACITY };
    this.items.set(key, { ...order, status: 'pending' });
    return { status: 'new' as const, receipt: NO_CAPACITY };
  }

  async markOrderApplied(customerId: string, orderId: string) {
    const stored = this.items.get(`${customerId}\n${orderId}`);
    if (stored) stored.status = 'applied';
    return NO_CAPACITY;
  }

  async putOrders(orders: OrderRecord[]) {
    for (const order of orders) this.items.set(`${order.customerId}\n${order.orderId}`, { ...order });
    return NO_CAPACITY;
  }

  async getOrders(keys: readonly { customerId: string; orderId: string }[]) {
    return keys.flatMap(({ customerId, orderId }) => {
      const stored = this.items.get(`${customerId}\n${orderId}`);
      return stored ? [{ ...stored }] : [];
    });
  }

  async listOrders(customerId: string) {
    return [...this.items.values()].filter((order) => order.customerId === customerId);
  }
}

export class InMemoryIdentities implements IdentityMap {
  private readonly links = new Map<string, string>();

  async resolve(anonymousIds: readonly string[]) {
    const found = new Map<string, string>();
    for (const id of anonymousIds) {
      const userId = this.links.get(id);
      if (userId !== undefined) found.set(id, userId);
    }
    return found;
  }

  async link(anonymousId: string, userId: string) {
    const existing = this.links.get(anonymousId);
    if (existing === undefined) this.links.set(anonymousId, userId);
    return { userId: existing ?? userId, receipt: NO_CAPACITY };
  }
}

/** Per-order refund records, kept in memory (the A/B report's net revenue reads them). */
export class InMemoryRefunds implements RefundLedger {
  readonly records: RefundRecord[] = [];

  async recordRefund(refund: RefundRecord) {
    // Keyed like the table's `R#<orderId>#<messageId>`: a redelivered event is the same record.
    if (!this.records.some((kept) => kept.orderId === refund.orderId && kept.messageId === refund.messageId))
      this.records.push(refund);
    return NO_CAPACITY;
  }
}

/** Tombstones of a store nobody was ever erased from. */
export const NO_ERASED_ORDERS: ErasedOrders = {
  isErased: async () => false,
  erasedAmong: async () => new Set<string>(),
};
