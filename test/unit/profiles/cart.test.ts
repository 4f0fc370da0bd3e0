import { describe, expect, it } from 'vitest';
import { track } from './event-builders.js';
import { fold } from './fold.js';

const added = (productId: string, at: string, extra: Record<string, unknown> = {}) =>
  track('Product Added', { product_id: productId, price: 10, ...extra }, at);
const removed = (productId: string, at: string) => track('Product Removed', { product_id: productId }, at);

describe('recent products', () => {
  it('keeps one entry per product with its latest time, newest first, capped at 10', () => {
    // Prepare
    const views = Array.from({ length: 12 }, (_, index) =>
      track(
        'Product Viewed',
        { product_id: `p${index}`, category: 'c' },
        new Date(Date.UTC(2026, 2, 2, index)).toISOString(),
      ),
    );
    const again = track('Product Viewed', { sku: 'p5' }, '2026-03-03T00:00:00Z');
    // Act
    const { viewed } = fold([...views, again]).recent;
    // Assess
    expect(viewed.map((entry) => entry.productId)).toEqual([
      'p5',
      'p11',
      'p10',
      'p9',
      'p8',
      'p7',
      'p6',
      'p4',
      'p3',
      'p2',
    ]);
    expect(viewed[0]).toEqual({ productId: 'p5', at: '2026-03-03T00:00:00.000Z' });
  });

  it('records added products in recent.carted', () => {
    // Act
    const { carted } = fold([added('p1', '2026-03-02T09:00:00Z', { category: 'shoes' })]).recent;
    // Assess
    expect(carted).toEqual([{ productId: 'p1', category: 'shoes', at: '2026-03-02T09:00:00.000Z' }]);
  });
});

describe('cart', () => {
  it('adds lines with quantity defaulting to 1 and sums the value', () => {
    // Act
    const { cart } = fold([
      added('p1', '2026-03-02T09:00:00Z'),
      added('p2', '2026-03-02T09:05:00Z', { quantity: 3, price: 2.5 }),
    ]);
    // Assess
    expect(cart.items).toEqual([
      { productId: 'p2', quantity: 3, price: 2.5, at: '2026-03-02T09:05:00.000Z' },
      { productId: 'p1', quantity: 1, price: 10, at: '2026-03-02T09:00:00.000Z' },
    ]);
    expect(cart).toMatchObject({ value: 17.5, updatedAt: '2026-03-02T09:05:00.000Z' });
  });

  it('removes a product added before the removal', () => {
    // Act
    const { cart } = fold([
      added('p1', '2026-03-02T09:00:00Z'),
      added('p1', '2026-03-02T09:01:00Z'),
      removed('p1', '2026-03-02T09:02:00Z'),
    ]);
    // Assess
    expect(cart.items).toEqual([]);
    expect(cart.value).toBe(0);
  });

  it('keeps an add that is newer than the removal', () => {
    // Act
    const { cart } = fold([added('p1', '2026-03-02T09:05:00Z'), removed('p1', '2026-03-02T09:02:00Z')]);
    // Assess
    expect(cart.items.map((line) => line.productId)).toEqual(['p1']);
  });

  it('keeps a product removed when its older add arrives late', () => {
    // Act
    const { cart } = fold([removed('p1', '2026-03-02T09:02:00Z'), added('p1', '2026-03-02T09:00:00Z')]);
    // Assess
    expect(cart.items).toEqual([]);
  });

  it('replaces the cart with a Checkout Started snapshot and keeps later adds', () => {
    // Prepare
    const snapshot = track(
      'Checkout Started',
      { products: [{ product_id: 'p2', price: 4, quantity: 2 }] },
      '2026-03-02T09:10:00Z',
    );
    // Act
    const { cart } = fold([added('p1', '2026-03-02T09:00:00Z'), added('p3', '2026-03-02T09:20:00Z'), snapshot]);
    // Assess
    expect(cart.items.map((line) => [line.productId, line.quantity])).toEqual([
      ['p3', 1],
      ['p2', 2],
    ]);
    expect(cart.value).toBe(18);
  });

  it('ignores a Cart Viewed without products', () => {
    // Act
    const { cart } = fold([
      added('p1', '2026-03-02T09:00:00Z'),
      track('Cart Viewed', { products: [] }, '2026-03-02T09:10:00Z'),
    ]);
    // Assess
    expect(cart.items.map((line) => line.productId)).toEqual(['p1']);
  });

  it('empties lines added up to an order and ignores late adds from before it', () => {
    // Prepare
    const orderAt = '2026-03-02T09:10:00Z';
    const events = [
      added('p1', '2026-03-02T09:00:00Z'),
      added('p2', '2026-03-02T09:20:00Z'),
      track('Order Completed', { order_id: 'o1', revenue: 10 }, orderAt),
      added('late', '2026-03-02T09:05:00Z'),
    ];
    // Act
    const { cart } = fold(events);
    // Assess
    expect(cart.items.map((line) => line.productId)).toEqual(['p2']);
    expect(cart.clearedAt).toBe('2026-03-02T09:10:00.000Z');
  });
});
