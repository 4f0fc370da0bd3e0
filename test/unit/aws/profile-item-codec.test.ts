/**
 * Profile timestamps stored as epoch milliseconds, and the profile as one compressed document
 * (issue 19): read back exactly, and the item smaller.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { itemSize } from '../../../shared/aws/item-size.js';
import { PROFILE_DICTIONARY_1 } from '../../../shared/aws/profile-dictionary.js';
import {
  packProfileDocument,
  readStoredProfile,
  storedAttribute,
  unpackProfileItem,
} from '../../../shared/aws/profile-item-codec.js';
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

describe('compressed profile document', () => {
  it('opens to exactly the attributes it packed, beside the plain ones, in under half the bytes', () => {
    // Prepare
    const { version, nextExpiryAt, ...rest } = stored(sample());

    // Act
    const p1 = packProfileDocument(rest);
    const opened = unpackProfileItem({ PK: 'C#c-1', SK: 'PROFILE', version, nextExpiryAt, p1 });

    // Assess
    expect(profileSchema.parse(readStoredProfile(opened))).toEqual(sample());
    expect(opened).toMatchObject({ PK: 'C#c-1', version: 0, nextExpiryAt: '2026-11-10T00:00:00.000Z' });
    expect(itemSize({ version, nextExpiryAt, p1 }) * 2).toBeLessThan(itemSize(stored(sample())));
  });

  it('reads an item written before the document, with its attributes plain, as it is', () => {
    // Prepare
    const item = { PK: 'C#c-1', SK: 'PROFILE', ...stored(sample()) };

    // Act / Assess
    expect(unpackProfileItem(item)).toBe(item);
  });

  it('refuses a document that is not the compressed profile', () => {
    // Act / Assess
    expect(() => unpackProfileItem({ p1: 'text' })).toThrow(/p1 is not binary/);
    expect(() => unpackProfileItem({ p1: new Uint8Array([7, 7, 7]) })).toThrow();
  });

  it('keeps the dictionary of format 1 byte for byte (every stored p1 needs it; a new one is p2)', () => {
    // Act
    const hash = createHash('sha256').update(PROFILE_DICTIONARY_1, 'utf8').digest('hex');

    // Assess
    expect(hash).toBe('37651b6fb0eb1ba9e897f0a3ca71b9e13bc0ebc1cd74d536600d7de25fe4054c');
  });
});
