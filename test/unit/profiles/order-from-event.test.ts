import { describe, expect, it } from 'vitest';
import { orderFromEvent } from '../../../shared/profiles/order-from-event.js';
import { track } from './event-builders.js';

describe('orderFromEvent', () => {
  it('reads the order id, currency and product lines of Order Completed', () => {
    // Prepare
    const event = track(
      'Order Completed',
      {
        order_id: 1001,
        currency: 'try',
        products: [
          { product_id: 'p1', price: '19.90', quantity: 2, category: 'shoes' },
          { sku: 'S-2', price: 5 },
          { name: 'no id' },
          { id: 7, price: 1, quantity: 0 },
        ],
      },
      '2026-03-02T09:00:00Z',
    );
    // Act
    const order = orderFromEvent(event);
    // Assess
    expect(order).toEqual({
      orderId: '1001',
      amount: 44.8,
      currency: 'TRY',
      products: [
        { productId: 'p1', quantity: 2, price: 19.9, category: 'shoes' },
        { productId: 'S-2', quantity: 1, price: 5 },
      ],
    });
  });

  it('is undefined for any other event', () => {
    // Act / Assess
    expect(
      orderFromEvent(track('Order Refunded', { order_id: 'o1', total: 5 }, '2026-03-02T09:00:00Z')),
    ).toBeUndefined();
  });

  it('has amount zero when nothing states one', () => {
    // Act
    const order = orderFromEvent(track('Order Completed', { order_id: 'o1' }, '2026-03-02T09:00:00Z'));
    // Assess
    expect(order).toEqual({ orderId: 'o1', amount: 0, products: [] });
  });
});
