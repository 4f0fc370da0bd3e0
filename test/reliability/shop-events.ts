/**
 * A seeded stream of Segment calls from a small shop: identifies, views, carts and orders per
 * customer, and some orders re-posted under a new messageId (a client replay) that must count
 * once. Every call carries its own messageId, so two pipelines receive the very same events.
 */
import { SeededRandom } from '../../shared/local/seeded-random.js';

export interface ShopEvents {
  calls: Record<string, unknown>[];
  customerIds: string[];
  /** Distinct orders (replays excluded) per customer. */
  ordersPerCustomer: Map<string, number>;
  replays: number;
}

export function shopEvents(options: { customers: number; seed: number; idPrefix?: string }): ShopEvents {
  const random = new SeededRandom(options.seed);
  const prefix = options.idPrefix ?? 'c';
  const calls: Record<string, unknown>[] = [];
  const customerIds: string[] = [];
  const ordersPerCustomer = new Map<string, number>();
  let replays = 0;
  const start = Date.UTC(2026, 10, 1, 8, 0);
  for (let customer = 0; customer < options.customers; customer++) {
    const userId = `${prefix}-${customer}`;
    customerIds.push(userId);
    let minute = 0;
    const at = () => new Date(start + (minute += 1 + Math.floor(random.next() * 30)) * 60_000).toISOString();
    let sequence = 0;
    const messageId = () => `${userId}-m${sequence++}`;
    calls.push({
      type: 'identify',
      messageId: messageId(),
      userId,
      timestamp: at(),
      traits: { email: `${userId}@example.com`, firstName: 'Ayşe', phone: '+905551112233' },
    });
    const steps = 3 + Math.floor(random.next() * 6);
    let orders = 0;
    for (let step = 0; step < steps; step++) {
      const roll = random.next();
      const product = `p${Math.floor(random.next() * 20)}`;
      if (roll < 0.5) {
        calls.push({
          type: 'track',
          messageId: messageId(),
          userId,
          event: 'Product Viewed',
          timestamp: at(),
          properties: { product_id: product, category: 'shoes' },
        });
      } else if (roll < 0.7) {
        calls.push({
          type: 'track',
          messageId: messageId(),
          userId,
          event: 'Product Added',
          timestamp: at(),
          properties: { product_id: product, price: 10 },
        });
      } else {
        const order = {
          type: 'track',
          userId,
          event: 'Order Completed',
          timestamp: at(),
          properties: {
            order_id: `${userId}-o${orders++}`,
            revenue: 10 + Math.floor(random.next() * 200),
            currency: 'TRY',
            products: [{ product_id: product, quantity: 1, price: 10 }],
          },
        };
        calls.push({ ...order, messageId: messageId() });
        if (random.next() < 0.3) {
          calls.push({ ...order, messageId: messageId() });
          replays++;
        }
      }
    }
    ordersPerCustomer.set(userId, orders);
  }
  return { calls, customerIds, ordersPerCustomer, replays };
}

/** Splits calls into Segment batches of at most `size`. */
export function batches<T>(calls: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < calls.length; index += size) result.push(calls.slice(index, index + size));
  return result;
}
