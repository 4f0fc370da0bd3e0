import { describe, expect, it } from 'vitest';
import { mergeProfiles } from '../../../shared/profiles/merge.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';
import { identify, order, track } from './event-builders.js';
import { fold, START } from './fold.js';

const anonymousStart = (id = 'a1') => emptyProfile(`anon:${id}`, '2025-11-01T00:00:00.000Z');

describe('mergeProfiles', () => {
  it('sums counters and orders, moving the first day to the anonymous earlier order', () => {
    // Prepare
    const user = fold([
      order('o2', 20, '2026-03-05T09:00:00Z'),
      track('Product Viewed', { product_id: 'p1' }, '2026-03-05T08:00:00Z'),
    ]);
    const anonymous = fold(
      [order('o1', 5, '2026-03-01T09:00:00Z'), track('Product Viewed', { product_id: 'p2' }, '2026-03-01T08:00:00Z')],
      anonymousStart(),
    );
    // Act
    const merged = mergeProfiles(user, anonymous, 'UTC');
    // Assess
    expect(merged.orders).toMatchObject({
      count: 2,
      revenue: 25,
      days: 2,
      firstAmount: 5,
      repeatRevenue: 20,
      firstAt: '2026-03-01T09:00:00.000Z',
    });
    expect(merged.events['Product Viewed']?.count).toBe(2);
    expect(merged.recent.viewed.map((entry) => entry.productId)).toEqual(['p1', 'p2']);
  });

  it('keeps the target id and version, the earlier createdAt, and records the anonymous ids', () => {
    // Prepare
    const user = { ...fold([]), version: 4, anonymousIds: ['a0'] };
    const anonymous = { ...fold([], anonymousStart()), anonymousIds: ['a-older'], version: 9 };
    // Act
    const merged = mergeProfiles(user, anonymous, 'UTC');
    // Assess
    expect(merged).toMatchObject({ id: 'u1', version: 4, createdAt: '2025-11-01T00:00:00.000Z', updatedAt: START });
    expect(merged.anonymousIds).toEqual(['a0', 'a-older', 'a1']);
  });

  it('lets the newer identify field win on either side', () => {
    // Prepare
    const user = fold([identify({ email: 'user@example.com', firstName: 'Ayşe' }, '2026-03-02T09:00:00Z')]);
    const anonymous = fold(
      [identify({ email: 'newer@example.com', plan: 'gold' }, '2026-03-03T09:00:00Z')],
      anonymousStart(),
    );
    // Act
    const merged = mergeProfiles(user, anonymous, 'UTC');
    // Assess
    expect(merged.channels.email).toBe('newer@example.com');
    expect(merged.name.first).toBe('Ayşe');
    expect(merged.traits).toEqual({ plan: 'gold' });
  });

  it('takes the later consent decision', () => {
    // Prepare
    const user = fold([identify({ consent: { email: false } }, '2026-03-04T09:00:00Z')]);
    const anonymous = fold(
      [identify({ consent: { email: true, sms: true, timestamp: '2026-03-03T09:00:00Z' } }, '2026-03-03T09:00:00Z')],
      anonymousStart(),
    );
    // Act
    const merged = mergeProfiles(user, anonymous, 'UTC');
    // Assess
    expect(merged.consent).toEqual({
      email: { granted: false, at: '2026-03-04T09:00:00.000Z' },
      sms: { granted: true, at: '2026-03-03T09:00:00.000Z' },
    });
  });

  it('carries the anonymous applied ids so a redelivered anonymous event is a duplicate after the merge', () => {
    // Prepare
    const late = track('Product Viewed', { product_id: 'p2' }, '2026-03-01T08:00:00Z');
    const anonymous = fold([late], anonymousStart());
    // Act
    const merged = mergeProfiles(fold([]), anonymous, 'UTC');
    // Assess
    expect(fold([late], merged)).toEqual(merged);
  });

  it('counts the source twice when merged twice — callers guard with anonymousIds', () => {
    // Prepare
    const anonymous = fold([track('Product Viewed', { product_id: 'p2' }, '2026-03-01T08:00:00Z')], anonymousStart());
    // Act
    const twice = mergeProfiles(mergeProfiles(fold([]), anonymous, 'UTC'), anonymous, 'UTC');
    // Assess
    expect(twice.events['Product Viewed']?.count).toBe(2);
    expect(twice.anonymousIds).toEqual(['a1']);
  });
});
