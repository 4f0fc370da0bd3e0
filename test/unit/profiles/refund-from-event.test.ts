import { describe, expect, it } from 'vitest';
import { refundFromEvent } from '../../../shared/profiles/refund-from-event.js';
import { order, track } from './event-builders.js';

const AT = '2026-11-09T10:00:00.000Z';

describe('refundFromEvent', () => {
  it('records the order id, time and amount of an Order Refunded, positive even when sent as negative revenue', () => {
    // Prepare
    const event = track('Order Refunded', { order_id: 'o1', revenue: -25.5 }, AT);

    // Act
    const refund = refundFromEvent(event, 'u1');

    // Assess
    expect(refund).toEqual({ customerId: 'u1', orderId: 'o1', at: AT, amount: 25.5, messageId: event.messageId });
  });

  it('leaves the amount out when the event names none: the whole order was refunded', () => {
    const refund = refundFromEvent(track('Order Refunded', { order_id: 'o1' }, AT), 'u1');

    expect(refund).not.toHaveProperty('amount');
    expect(refund?.orderId).toBe('o1');
  });

  it('records nothing for a refund without an order id, nor for any other event', () => {
    expect(refundFromEvent(track('Order Refunded', { revenue: 10 }, AT), 'u1')).toBeUndefined();
    expect(refundFromEvent(order('o1', 10, AT), 'u1')).toBeUndefined();
  });
});
