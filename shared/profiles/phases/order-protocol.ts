/**
 * The exactly-once protocol for orders (DESIGN "Events"), in two phases around the profile write:
 *
 *   O#<orderId> put `pending` (attribute_not_exists) → profile write (skipped when the order id is
 *   already in the recent-id ring) → O# marked `applied`.
 *
 * A crash after the claim leaves `pending`, and the redelivered message re-applies it; an
 * `applied` order is skipped, so a re-posted order never counts twice. An erased customer's
 * replayed order (a tombstone) is skipped before it is claimed.
 */
import { ECOMMERCE_EVENTS, type NormalizedEvent } from '../../events/event.js';
import type { OrderRecord } from '../../ports.js';
import { orderFromEvent } from '../order-from-event.js';
import type { Phase } from './message-state.js';

/** Phase 3: claim the order before the profile counts it. */
export const claimOrder: Phase = async (deps, state) => {
  if (state.message.kind !== 'event') return 'next';
  const record = orderRecordOf(state.message.event, state.customerId);
  if (!record) return 'next';
  if (await deps.tombstones.isErased(record.customerId, record.orderId)) {
    state.status = 'duplicate';
    return 'done';
  }
  const claim = await deps.orders.claimOrder(record);
  state.capacityUnits += claim.receipt.capacityUnits;
  if (claim.status === 'applied') {
    state.status = 'duplicate';
    return 'done';
  }
  state.order = record;
  return 'next';
};

/** Phase 6: the profile counted the order (or already had): mark it applied. */
export const markOrderApplied: Phase = async (deps, state) => {
  if (state.order)
    state.capacityUnits += (
      await deps.orders.markOrderApplied(state.order.customerId, state.order.orderId)
    ).capacityUnits;
  return 'next';
};

function orderRecordOf(event: NormalizedEvent, customerId: string): OrderRecord | undefined {
  if (event.type !== 'track' || event.event !== ECOMMERCE_EVENTS.orderCompleted) return undefined;
  const order = orderFromEvent(event);
  if (order === undefined || !(order.amount > 0)) return undefined;
  return {
    customerId,
    orderId: order.orderId,
    at: event.timestamp,
    amount: order.amount,
    products: order.products,
    messageId: event.messageId,
    status: 'pending',
    ...(order.currency !== undefined ? { currency: order.currency } : {}),
  };
}
