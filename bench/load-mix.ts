/**
 * The load bench's traffic: storefront sessions of new customers, each one Segment batch — an
 * identify with email consent, a few product views, sometimes a cart, and about a third end in
 * an order. A first order puts the customer in `new_customers`, whose welcome journey sends at
 * once, so every ordering session has an event with a send decision. Timestamps are the moment
 * of posting (journeys and segment windows read them against the real clock).
 */
import { SeededRandom } from '../shared/local/seeded-random.js';

export interface Session {
  /** Events in the batch (the rate counts events, not requests). */
  calls: Record<string, unknown>[];
}

const PRODUCTS = Array.from({ length: 40 }, (_, index) => `sku-${String(index).padStart(3, '0')}`);
const FIRST_NAMES = ['Ayşe', 'Mehmet', 'Zeynep', 'Can', 'Elif', 'Emre'];

export class LoadMix {
  private readonly random: SeededRandom;
  private sessions = 0;

  /** `runTag` keeps customer and message ids unique across runs sharing a data folder. */
  constructor(
    private readonly runTag: string,
    seed = 7,
  ) {
    this.random = new SeededRandom(seed);
  }

  /** The next session, stamped `at`. */
  next(at: Date): Session {
    const random = this.random;
    const userId = `load-${this.runTag}-${this.sessions++}`;
    const timestamp = at.toISOString();
    let sequence = 0;
    const messageId = (): string => `${userId}-${sequence++}`;
    const calls: Record<string, unknown>[] = [
      {
        type: 'identify',
        messageId: messageId(),
        userId,
        timestamp,
        traits: {
          email: `${userId}@example.com`,
          firstName: random.pick(FIRST_NAMES),
          consent: { email: true, sms: random.chance(0.5), timestamp },
        },
      },
    ];
    const product = (): string => random.pick(PRODUCTS);
    for (let views = random.int(1, 4); views > 0; views--) {
      calls.push({
        type: 'track',
        messageId: messageId(),
        userId,
        event: 'Product Viewed',
        timestamp,
        properties: { product_id: product(), category: 'shoes' },
      });
    }
    if (random.chance(0.4)) {
      calls.push({
        type: 'track',
        messageId: messageId(),
        userId,
        event: 'Product Added',
        timestamp,
        properties: { product_id: product(), price: 250, quantity: 1 },
      });
    }
    if (random.chance(0.35)) {
      calls.push({
        type: 'track',
        messageId: messageId(),
        userId,
        event: 'Order Completed',
        timestamp,
        properties: {
          order_id: `${userId}-o1`,
          revenue: random.int(100, 2000),
          currency: 'TRY',
          products: [{ product_id: product(), quantity: 1, price: 250 }],
        },
      });
    }
    return { calls };
  }
}
