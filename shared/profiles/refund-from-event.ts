/**
 * The refund an `Order Refunded` event carries, kept per order (`R#<orderId>#<messageId>` under
 * the customer) so the A/B report can net it out of the order it reverses. The profile's
 * `refunds` totals stay as they are; this record only adds the order id and the time.
 */
import { ECOMMERCE_EVENTS, type NormalizedEvent } from '../events/event.js';
import type { WriteReceipt } from '../ports.js';
import { readId } from './event-properties.js';
import { amountOf } from './order-from-event.js';

export interface RefundRecord {
  customerId: string;
  orderId: string;
  at: string;
  /** Positive; absent when the event names no amount, which refunds the whole order. */
  amount?: number;
  /** The event that carried it: one refund event is one record, however often it is delivered. */
  messageId: string;
}

export interface RefundLedger {
  /** An idempotent put: a redelivered event writes the same item again. */
  recordRefund(refund: RefundRecord): Promise<WriteReceipt>;
}

/** Undefined for any event other than a track `Order Refunded` naming its `order_id`. */
export function refundFromEvent(event: NormalizedEvent, customerId: string): RefundRecord | undefined {
  if (event.type !== 'track' || event.event !== ECOMMERCE_EVENTS.orderRefunded) return undefined;
  const orderId = readId(event.properties.order_id);
  if (orderId === undefined) return undefined;
  // Some storefronts send refunds as negative revenue (as reduce.ts reads them).
  const amount = Math.abs(amountOf(event.properties));
  return { customerId, orderId, at: event.timestamp, messageId: event.messageId, ...(amount > 0 ? { amount } : {}) };
}
