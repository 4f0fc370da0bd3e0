/**
 * Exactly once for orders, after an erasure: the `O#` items are gone, so a replayed old order
 * would be claimed as new. process-events asks this before claiming an order; a hit is a
 * duplicate. One eventually consistent read of two small keys per order (docs/decisions.md
 * "Privacy" weighs it against a marker on re-created profiles): the peppered hash, and the bare
 * sha256 that tombstones written before the pepper carry (DESIGN "Trust": no tombstone is lost).
 */
import { customerHash, legacyCustomerHash, legacyOrderHash, orderHash } from './erasure-hashes.js';
import type { PepperSource } from './pepper.js';
import type { OrderTombstones } from './ports.js';

/** What process-events and imports ask: was this order erased with its customer? */
export interface ErasedOrders {
  isErased(customerId: string, orderId: string): Promise<boolean>;
  /** The orders among these that were erased with their customer, as `customerId\u0000orderId`. */
  erasedAmong(orders: readonly { customerId: string; orderId: string }[]): Promise<Set<string>>;
}

export class PepperedErasedOrders implements ErasedOrders {
  constructor(
    private readonly tombstones: OrderTombstones,
    private readonly pepper: PepperSource,
  ) {}

  async isErased(customerId: string, orderId: string): Promise<boolean> {
    return (await this.erasedAmong([{ customerId, orderId }])).size > 0;
  }

  async erasedAmong(orders: readonly { customerId: string; orderId: string }[]): Promise<Set<string>> {
    if (orders.length === 0) return new Set();
    const pepper = await this.pepper.get();
    const keyed = orders.flatMap(({ customerId, orderId }) => {
      const key = `${customerId}\u0000${orderId}`;
      return [
        {
          key,
          customerHash: customerHash(pepper, customerId),
          orderHash: orderHash(pepper, customerId, orderId),
        },
        { key, customerHash: legacyCustomerHash(customerId), orderHash: legacyOrderHash(customerId, orderId) },
      ];
    });
    const found = await this.tombstones.findOrderTombstones(keyed);
    return new Set(keyed.filter((order) => found.has(order.orderHash)).map((order) => order.key));
  }
}
