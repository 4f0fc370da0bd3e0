/**
 * Time-window memberships lapse with no event to say so: the expiry pass on the embedded engine
 * (the real segment-expiry handler over the `expiry` index, then process-events) removes them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExpiryPass } from '../../shared/local/scheduled-handlers.js';
import { startSpine, type Spine } from './spine-harness.js';

const DAY = 86_400_000;

describe('segment expiry on dynalite', () => {
  let spine: Spine;
  beforeEach(async () => {
    spine = await startSpine('dynalite');
  });
  afterEach(async () => {
    await spine?.stop();
  });

  const productAdded = (userId: string) => ({
    batch: [
      {
        type: 'track',
        messageId: `${userId}-added`,
        userId,
        event: 'Product Added',
        timestamp: spine.clock.now().toISOString(),
        properties: { product_id: 'bag-1', price: 80 },
      },
    ],
  });

  it('ends a cart_abandoned membership once its day has passed', async () => {
    // Prepare: Product Added, no order — cart_abandoned (Product Added within 1d)
    await spine.post('/v1/batch', productAdded('cart-1'));
    await spine.drain();
    const before = await spine.runtime.profiles.getProfile('cart-1');
    expect(before?.segments).toHaveProperty('cart_abandoned');
    expect(before?.nextExpiryAt).toBeDefined();

    // Act
    spine.clock.advance(2 * DAY);
    const pass = await runExpiryPass(spine.runtime);
    await spine.drain();

    // Assess
    const after = await spine.runtime.profiles.getProfile('cart-1');
    expect(pass).toMatchObject({ found: 1, enqueued: 1, complete: true });
    expect(after?.segments).not.toHaveProperty('cart_abandoned');
    expect(after?.nextExpiryAt).toBeUndefined();
    expect(after?.version).toBe((before?.version ?? 0) + 1);
  });

  it('does not find a membership before its lapse', async () => {
    // Prepare
    await spine.post('/v1/batch', productAdded('cart-2'));
    await spine.drain();

    // Act
    spine.clock.advance(DAY / 2);
    const pass = await runExpiryPass(spine.runtime);

    // Assess
    expect(pass).toMatchObject({ found: 0, enqueued: 0 });
    expect(spine.runtime.eventsQueue.depth).toBe(0);
    expect((await spine.runtime.profiles.getProfile('cart-2'))?.segments).toHaveProperty('cart_abandoned');
  });

  it('finds a membership at the very instant it may lapse', async () => {
    // Prepare
    await spine.post('/v1/batch', productAdded('cart-4'));
    await spine.drain();
    const { nextExpiryAt } = (await spine.runtime.profiles.getProfile('cart-4')) ?? {};

    // Act
    spine.clock.set(new Date(nextExpiryAt ?? 0));
    const pass = await runExpiryPass(spine.runtime);

    // Assess
    expect(pass).toMatchObject({ found: 1, enqueued: 1 });
  });

  it('never finds a profile whose segments have no time window', async () => {
    // Prepare: identify only — email_reachable, which time cannot end
    await spine.post('/v1/batch', {
      batch: [
        {
          type: 'identify',
          messageId: 'steady-identify',
          userId: 'steady',
          timestamp: spine.clock.now().toISOString(),
          traits: { email: 'steady@example.com', consent: { email: true } },
        },
      ],
    });
    await spine.drain();
    const profile = await spine.runtime.profiles.getProfile('steady');
    expect(profile?.segments).toHaveProperty('email_reachable');
    expect(profile?.nextExpiryAt).toBeUndefined();

    // Act
    spine.clock.advance(400 * DAY);
    const pass = await runExpiryPass(spine.runtime);

    // Assess
    expect(pass).toMatchObject({ shards: 16, found: 0, enqueued: 0 });
    expect(spine.runtime.eventsQueue.depth).toBe(0);
  });

  it('queues a lapse found by two passes only once', async () => {
    // Prepare
    await spine.post('/v1/batch', productAdded('cart-3'));
    await spine.drain();
    spine.clock.advance(2 * DAY);

    // Act: the second pass comes before process-events has caught up
    await runExpiryPass(spine.runtime);
    spine.clock.advance(60_000);
    const second = await runExpiryPass(spine.runtime);

    // Assess
    expect(second.enqueued).toBe(1);
    expect(spine.runtime.eventsQueue.depth).toBe(1);
  });
});
