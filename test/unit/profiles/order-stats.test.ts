import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../../shared/profiles/reduce.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';
import { dayNumber } from '../../../shared/profiles/time-buckets.js';
import { settings } from './arbitraries.js';
import { order, track } from './event-builders.js';
import { fold, START } from './fold.js';

describe('order stats', () => {
  it('merges orders of the same UTC day into one order day', () => {
    // Prepare
    const events = [
      order('o1', 10, '2026-03-02T09:00:00Z'),
      order('o2', 5, '2026-03-02T18:00:00Z'),
      order('o3', 20, '2026-03-03T10:00:00Z'),
    ];
    // Act
    const { orders } = fold(events);
    // Assess
    expect(orders).toEqual({
      count: 3,
      revenue: 35,
      firstAt: '2026-03-02T09:00:00.000Z',
      lastAt: '2026-03-03T10:00:00.000Z',
      days: 2,
      firstAmount: 15,
      repeatRevenue: 20,
      dayNumbers: [dayNumber('2026-03-02T00:00:00Z'), dayNumber('2026-03-03T00:00:00Z')],
    });
  });

  it('moves the old first day into repeat revenue when a late order lands on an earlier day', () => {
    // Prepare
    const events = [order('o1', 10, '2026-03-05T12:00:00Z'), order('o2', 20, '2026-03-07T12:00:00Z')];
    // Act
    const { orders } = fold([...events, order('late', 3, '2026-03-02T12:00:00Z')]);
    // Assess
    expect(orders).toMatchObject({
      count: 3,
      revenue: 33,
      days: 3,
      firstAmount: 3,
      repeatRevenue: 30,
      firstAt: '2026-03-02T12:00:00.000Z',
      lastAt: '2026-03-07T12:00:00.000Z',
    });
  });

  it('does not count an order of amount zero or less, but counts the event', () => {
    // Prepare
    const events = [order('free', 0, '2026-03-02T09:00:00Z'), order('negative', -5, '2026-03-03T09:00:00Z')];
    // Act
    const profile = fold(events);
    // Assess
    expect(profile.orders).toEqual(emptyProfile('u1', START).orders);
    expect(profile.events['Order Completed']?.count).toBe(2);
  });

  it('takes the amount from revenue, else total, else the products', () => {
    // Prepare
    const products = [
      { product_id: 'p1', price: 2.5, quantity: 2 },
      { sku: 'p2', price: 1 },
    ];
    const events = [
      track('Order Completed', { order_id: 'a', revenue: 7, total: 100, products }, '2026-03-02T09:00:00Z'),
      track('Order Completed', { order_id: 'b', total: 11 }, '2026-03-03T09:00:00Z'),
      track('Order Completed', { order_id: 'c', products }, '2026-03-04T09:00:00Z'),
    ];
    // Act
    const { orders } = fold(events);
    // Assess
    expect(orders.revenue).toBe(7 + 11 + 6);
  });

  it('sums money without floating-point drift', () => {
    // Prepare
    const events = Array.from({ length: 10 }, (_, index) =>
      order(`o${index}`, 0.1, `2026-03-${String(index + 1).padStart(2, '0')}T09:00:00Z`),
    );
    // Act
    const { orders } = fold(events);
    // Assess
    expect(orders.revenue).toBe(1);
    expect(orders.repeatRevenue).toBe(0.9);
  });

  it('treats an order re-posted with a new messageId as a duplicate', () => {
    // Prepare
    const profile = fold([order('o1', 10, '2026-03-02T09:00:00Z')]);
    // Act
    const result = applyEvent(profile, order('o1', 10, '2026-03-02T09:00:00Z'), settings);
    // Assess
    expect(result).toEqual({ applied: false, reason: 'duplicate' });
  });

  it('records refunds as a count and a positive amount', () => {
    // Prepare
    const events = [
      track('Order Refunded', { order_id: 'o1', total: 12.5 }, '2026-03-02T09:00:00Z'),
      track('Order Refunded', { order_id: 'o1', revenue: -2.5 }, '2026-03-03T09:00:00Z'),
    ];
    // Act
    const profile = fold([order('o1', 15, '2026-03-01T09:00:00Z'), ...events]);
    // Assess: refunds of an order are not duplicates of it
    expect(profile.refunds).toEqual({ count: 2, amount: 15 });
    expect(profile.orders.count).toBe(1);
  });
});
