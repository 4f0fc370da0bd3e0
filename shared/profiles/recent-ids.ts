/**
 * Entries of the profile's recent-id ring (DESIGN "Events": redelivery changes nothing). Ids are
 * stored as a kind letter plus 60 bits of their sha256: a Segment messageId is a 36-character
 * UUID, and 24 of them would take most of the 1 KB a profile write should cost. Within a ring of
 * 24 entries a false "already applied" would need a 60-bit collision.
 */
import { createHash } from 'node:crypto';
import type { NormalizedEvent } from '../events/event.js';
import { MESSAGE_ORDER_PREFIX, orderFromEvent } from './order-from-event.js';

/** `e` an event's messageId, `o` an order id, `i` an order import batch. */
export type RecentIdKind = 'e' | 'o' | 'i';

export function recentId(kind: RecentIdKind, id: string): string {
  return `${kind}${createHash('sha256').update(id, 'utf8').digest('base64url').slice(0, 10)}`;
}

/**
 * Ids that mark the event as applied: its messageId, and for an order its order id too, so an
 * order re-posted with a new messageId is still a duplicate.
 */
export function appliedIds(event: NormalizedEvent): string[] {
  const order = orderFromEvent(event);
  const eventId = recentId('e', event.messageId);
  // An order without `order_id` is named by its messageId: the event id already marks it.
  return order && !order.orderId.startsWith(MESSAGE_ORDER_PREFIX) ? [eventId, recentId('o', order.orderId)] : [eventId];
}
