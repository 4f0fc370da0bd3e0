/**
 * Exactly once for orders, after an erasure: the `O#` items are gone, so a replayed old order
 * would be claimed as new. process-events asks this before claiming an order; a hit is a
 * duplicate. One eventually consistent GetItem of a small key per order (docs/decisions.md
 * "Privacy" weighs it against a marker on re-created profiles).
 */
import { customerHash, orderHash } from './erasure-hashes.js';
import type { OrderTombstones } from './ports.js';

export function isErasedOrder(tombstones: OrderTombstones, customerId: string, orderId: string): Promise<boolean> {
  return tombstones.hasOrderTombstone(customerHash(customerId), orderHash(customerId, orderId));
}

/** The orders among these that were erased with their customer, as `customerId\u0000orderId`. */
export async function erasedOrders(
  tombstones: OrderTombstones,
  orders: readonly { customerId: string; orderId: string }[],
): Promise<Set<string>> {
  if (orders.length === 0) return new Set();
  const hashed = orders.map(({ customerId, orderId }) => ({
    key: `${customerId}\u0000${orderId}`,
    customerHash: customerHash(customerId),
    orderHash: orderHash(customerId, orderId),
  }));
  const found = await tombstones.findOrderTombstones(hashed);
  return new Set(hashed.filter((order) => found.has(order.orderHash)).map((order) => order.key));
}
