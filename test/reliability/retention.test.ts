/**
 * Retention on the real handlers and the embedded engine (dynalite, which never deletes by TTL:
 * exactly the window in which DynamoDB has not deleted an expired item yet). An anonymous
 * visitor's profile carries a TTL refreshed by every write; once it has passed, every reader
 * treats the profile as gone and the visitor's next event starts a new one in its place.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanProfiles } from '../../shared/aws/dynamo-profile-scan.js';
import { profileKey } from '../../shared/aws/table.js';
import { DAY_MS } from '../../shared/privacy/retention.js';
import { type Spine, startSpine } from '../e2e/spine-harness.js';

describe('retention of anonymous profiles (dynalite)', () => {
  let spine: Spine;
  const track = (anonymousId: string, messageId: string, event = 'Product Viewed', properties = {}) =>
    spine.post('/v1/batch', {
      batch: [{ type: 'track', anonymousId, messageId, event, timestamp: spine.clock.now().toISOString(), properties }],
    });
  const storedTtl = async (customerId: string) => {
    const { Item } = await spine.runtime.doc.send(
      new GetCommand({ TableName: spine.runtime.tableName, Key: profileKey(customerId) }),
    );
    return Item?.ttl as number | undefined;
  };
  const seconds = (at: Date, days: number) => Math.floor((at.getTime() + days * DAY_MS) / 1000);

  beforeAll(async () => {
    spine = await startSpine('dynalite');
  });
  afterAll(async () => {
    await spine?.stop();
  });

  it('stamps 90 days on a visitor, moves it on with every write, and never stamps a buyer', async () => {
    // Prepare
    await track('visitor', 'v-1');
    await track('buyer', 'b-1', 'Order Completed', { order_id: 'o-1', revenue: 30 });
    await spine.drain();

    // Act
    spine.clock.advance(10 * DAY_MS);
    await track('visitor', 'v-2');
    await spine.drain();

    // Assess
    expect(await storedTtl('anon:visitor')).toBe(seconds(spine.clock.now(), 90));
    expect((await spine.runtime.profiles.getProfile('anon:buyer'))?.orders.count).toBe(1);
    expect(await storedTtl('anon:buyer')).toBeUndefined();
  });

  it('once the TTL has passed, reads ignore the profile and the next event starts a new one in its place', async () => {
    // Act
    spine.clock.advance(91 * DAY_MS);
    const lapsed = await spine.runtime.profiles.getProfile('anon:visitor');
    const scanned: string[] = [];
    for await (const profile of scanProfiles(spine.runtime.doc, spine.runtime.tableName, undefined, spine.clock.now())
      .profiles)
      scanned.push(profile.id);
    await track('visitor', 'v-3');
    await spine.drain();
    const fresh = await spine.runtime.profiles.getProfile('anon:visitor');

    // Assess
    expect(lapsed).toBeUndefined();
    expect(scanned).toEqual(['anon:buyer']);
    expect(fresh?.version).toBe(0);
    expect(fresh?.events['Product Viewed']?.count).toBe(1);
    expect(await storedTtl('anon:visitor')).toBe(seconds(spine.clock.now(), 90));
  });
});
