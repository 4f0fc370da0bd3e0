/**
 * The spine end to end on both real engines: Segment calls → ingest → FIFO queue →
 * process-events → DynamoDB profiles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableEngines, startSpine, type Spine } from './spine-harness.js';

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 2, 10, minute)).toISOString();

describe.each(availableEngines())('spine on %s', (engine) => {
  let spine: Spine;
  beforeAll(async () => {
    spine = await startSpine(engine);
  });
  afterAll(async () => {
    await spine?.stop();
  });

  it('gives identical profiles when the same batch is posted twice', async () => {
    // Prepare
    const batch = {
      batch: [
        {
          type: 'identify',
          messageId: 'twice-1',
          userId: 'twice',
          timestamp: at(0),
          traits: { email: 'Twice@Example.com', firstName: 'Ayşe' },
        },
        {
          type: 'track',
          messageId: 'twice-2',
          userId: 'twice',
          event: 'Product Viewed',
          timestamp: at(1),
          properties: { product_id: 'p1', category: 'shoes' },
        },
        {
          type: 'track',
          messageId: 'twice-3',
          userId: 'twice',
          event: 'Order Completed',
          timestamp: at(2),
          properties: { order_id: 'o-twice', revenue: 120 },
        },
      ],
    };
    await spine.post('/v1/batch', batch);
    await spine.drain();
    const first = await spine.runtime.profiles.getProfile('twice');

    // Act: a client retry after FIFO deduplication's five minutes have passed
    spine.clock.advance(10 * 60_000);
    await spine.post('/v1/batch', batch);
    await spine.drain();
    const second = await spine.runtime.profiles.getProfile('twice');

    // Assess
    expect(first?.orders.count).toBe(1);
    expect(first?.channels.email).toBe('twice@example.com');
    expect(second?.orders).toEqual(first?.orders);
    expect(second?.events).toEqual(first?.events);
    expect(second?.version).toBe(first?.version);
  });

  it('keeps the 99 good events of a batch and names the bad one', async () => {
    // Prepare
    const events = Array.from({ length: 100 }, (_, index) => ({
      type: 'track',
      messageId: `mixed-${index}`,
      userId: `mixed-${index % 10}`,
      event: 'Product Viewed',
      timestamp: at(3),
      properties: { product_id: `p${index}` },
    }));
    events[42] = { ...events[42]!, properties: { revenue: 'lots' } as never, event: 'Order Completed' };

    // Act
    const response = await spine.post('/v1/batch', { batch: events });
    await spine.drain();

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.accepted).toBe(99);
    expect(response.body.rejected).toHaveLength(1);
    expect(response.body.rejected?.[0]).toMatchObject({ index: 42, messageId: 'mixed-42' });
    expect(response.body.rejected?.[0]?.field).toContain('revenue');
    const viewed = await Promise.all(
      Array.from({ length: 10 }, (_, i) => spine.runtime.profiles.getProfile(`mixed-${i}`)),
    );
    expect(viewed.reduce((sum, profile) => sum + (profile?.events['Product Viewed']?.count ?? 0), 0)).toBe(99);
  });

  it('merges anonymous browsing into the customer at login', async () => {
    // Prepare: browsing before login
    await spine.post('/v1/batch', {
      batch: [
        {
          type: 'track',
          messageId: 'anon-1',
          anonymousId: 'visitor-9',
          event: 'Product Viewed',
          timestamp: at(5),
          properties: { product_id: 'bag-1', category: 'bags' },
        },
        {
          type: 'track',
          messageId: 'anon-2',
          anonymousId: 'visitor-9',
          event: 'Product Added',
          timestamp: at(6),
          properties: { product_id: 'bag-1', price: 80 },
        },
      ],
    });
    await spine.drain();

    // Act: login, then more anonymous-only events from the same browser
    await spine.post('/v1/identify', {
      messageId: 'login-1',
      userId: 'shopper-9',
      anonymousId: 'visitor-9',
      timestamp: at(7),
      traits: { email: 'shopper9@example.com' },
    });
    await spine.drain();
    await spine.post('/v1/track', {
      messageId: 'anon-3',
      anonymousId: 'visitor-9',
      event: 'Product Viewed',
      timestamp: at(8),
      properties: { product_id: 'bag-2', category: 'bags' },
    });
    await spine.drain();

    // Assess
    const profile = await spine.runtime.profiles.getProfile('shopper-9');
    expect(profile?.events['Product Viewed']?.count).toBe(2);
    expect(profile?.recent.carted.map((item) => item.productId)).toEqual(['bag-1']);
    expect(profile?.anonymousIds).toEqual(['visitor-9']);
    const anonymous = await spine.runtime.profiles.getProfile('anon:visitor-9');
    expect(anonymous?.mergedInto).toBe('shopper-9');
  });

  it('counts an order re-posted with a new messageId once', async () => {
    // Prepare
    const order = (messageId: string) => ({
      messageId,
      userId: 'repost',
      event: 'Order Completed',
      timestamp: at(9),
      properties: { order_id: 'o-repost', revenue: 50 },
    });

    // Act
    await spine.post('/v1/track', order('repost-a'));
    await spine.drain();
    await spine.post('/v1/track', order('repost-b'));
    await spine.drain();

    // Assess
    const profile = await spine.runtime.profiles.getProfile('repost');
    expect(profile?.orders).toMatchObject({ count: 1, revenue: 50 });
    expect((await spine.runtime.orders.listOrders('repost')).map((o) => o.status)).toEqual(['applied']);
  });
});
