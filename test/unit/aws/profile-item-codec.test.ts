/** Profile timestamps stored as epoch milliseconds (issue 19): read back exactly, and the item smaller. */
import { describe, expect, it } from 'vitest';
import { itemSize } from '../../../shared/aws/item-size.js';
import { readStoredProfile, storedAttribute } from '../../../shared/aws/profile-item-codec.js';
import { emptyProfile, profileSchema, type Profile } from '../../../shared/profiles/schema.js';

const AT = '2026-11-02T11:31:14.313Z';

function sample(): Profile {
  return profileSchema.parse({
    ...emptyProfile('c-1', '2026-09-02T09:31:41.086Z'),
    updatedAt: AT,
    traits: { birthday: '1990-04-01T00:00:00.000Z', plan: 'gold' },
    orders: {
      count: 1,
      revenue: 136.08,
      firstAt: AT,
      lastAt: AT,
      days: 1,
      firstAmount: 136.08,
      repeatRevenue: 0,
      dayNumbers: [20698],
    },
    events: {
      'Product Viewed': {
        lastAt: AT,
        count: 1,
        daily: { '20759': 1 },
        hourly: { '498227': 1 },
        props: { 'category=bags': { lastAt: AT, count: 1, daily: { '20759': 1 }, hourly: { '498227': 1 } } },
      },
    },
    cart: { items: [{ productId: 'sku-032', quantity: 1, price: 515.53, at: AT }], value: 515.53, updatedAt: AT },
    segments: { viewed_not_bought: { enteredAt: '2026-11-02T12:00:00.000Z' } },
    consent: { email: { granted: true, at: AT } },
    experiments: { 'vnb-offer': { variant: 'reminder', assignedAt: AT } },
    nextExpiryAt: '2026-11-10T00:00:00.000Z',
    createdAt: '2026-09-02T09:31:41.086Z',
  });
}

function stored(profile: Profile): Record<string, unknown> {
  return Object.fromEntries(Object.entries(profile).map(([name, value]) => [name, storedAttribute(name, value)]));
}

describe('profile item codec', () => {
  it('reads back exactly the profile it stored, and stores it in fewer bytes', () => {
    // Act
    const profile = sample();
    const item = stored(profile);

    // Assess
    expect(profileSchema.parse(readStoredProfile(item))).toEqual(profile);
    expect((item.cart as { updatedAt: unknown }).updatedAt).toBe(Date.parse(AT));
    expect(itemSize(item)).toBeLessThan(itemSize(profile as unknown as Record<string, unknown>) - 10 * 16);
  });

  it('keeps the expiry index key, trait values and timestamps not in toISOString form as strings', () => {
    // Act
    const item = stored({ ...sample(), updatedAt: '2026-11-02T11:31:14Z' });

    // Assess
    expect(item.nextExpiryAt).toBe('2026-11-10T00:00:00.000Z');
    expect((item.traits as Record<string, unknown>).birthday).toBe('1990-04-01T00:00:00.000Z');
    expect(item.updatedAt).toBe('2026-11-02T11:31:14Z');
    expect(readStoredProfile(item).updatedAt).toBe('2026-11-02T11:31:14Z');
  });
});
