/**
 * The order an `Order Completed` event carries (DESIGN "Events"): what the profile's order stats
 * and the `O#<orderId>` ledger record.
 */
import { ECOMMERCE_EVENTS, type NormalizedEvent } from '../events/event.js';
import type { OrderLine } from '../ports.js';
import { addMoney, multiplyMoney, roundMoney } from './money.js';
import { readId, readNumber, readProductLines, readText } from './event-properties.js';

export interface EventOrder {
  /** The event's `order_id`, or — when it names none — `msg:<messageId>` (see below). */
  orderId: string;
  /** revenue ?? total ?? Σ price × quantity of the products; ≤ 0 means "not an order" (DESIGN "RFM"). */
  amount: number;
  currency?: string;
  products: OrderLine[];
}

/**
 * Undefined for any event other than a track `Order Completed`. An order without `order_id`
 * gets the stable id `msg:<messageId>`: a redelivered event has the same messageId, so the order
 * is claimed in the `O#` ledger (and counted in the profile and the A/B report) exactly once,
 * instead of reaching the profile but never the report.
 */
export function orderFromEvent(event: NormalizedEvent): EventOrder | undefined {
  if (event.type !== 'track' || event.event !== ECOMMERCE_EVENTS.orderCompleted) return undefined;
  const properties = event.properties;
  const products = readProductLines(properties.products) ?? [];
  const orderId = readId(properties.order_id) ?? `${MESSAGE_ORDER_PREFIX}${event.messageId}`;
  const currency = readText(properties.currency)?.toUpperCase();
  return {
    amount: amountOf(properties, products),
    products,
    orderId,
    ...(currency !== undefined ? { currency } : {}),
  };
}

export const MESSAGE_ORDER_PREFIX = 'msg:';

/** The money an order or refund event names: `revenue`, else `total`, else the sum of its lines. */
export function amountOf(
  properties: Record<string, unknown>,
  products = readProductLines(properties.products) ?? [],
): number {
  const stated = readNumber(properties.revenue) ?? readNumber(properties.total);
  if (stated !== undefined) return roundMoney(stated);
  return addMoney(...products.map((line) => multiplyMoney(line.price, line.quantity)));
}
