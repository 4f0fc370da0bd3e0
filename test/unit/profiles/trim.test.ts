import { describe, expect, it } from 'vitest';
import { PROFILE_LIMITS } from '../../../shared/profiles/limits.js';
import { profileBytes, trimToBudget } from '../../../shared/profiles/trim.js';
import { track } from './event-builders.js';
import { fold } from './fold.js';

describe('trimToBudget', () => {
  it('returns the very profile when it fits', () => {
    // Prepare
    const profile = fold([track('A', {}, '2026-03-02T09:00:00Z')]);
    // Act / Assess
    expect(trimToBudget(profile)).toBe(profile);
  });

  it('drops the oldest hourly buckets first, leaving daily history and counts alone', () => {
    // Prepare: one event per hour over two days gives 48 hourly buckets
    const events = Array.from({ length: 48 }, (_, index) =>
      track('Searched', {}, new Date(Date.UTC(2026, 2, 2, index)).toISOString()),
    );
    const profile = fold(events);
    const budget = profileBytes(profile) - 100;
    // Act
    const trimmed = trimToBudget(profile, budget);
    // Assess
    const hourly = Object.keys(trimmed.events.Searched?.hourly ?? {}).map(Number);
    expect(profileBytes(trimmed)).toBeLessThanOrEqual(budget);
    expect(hourly.length).toBeLessThan(48);
    expect(Math.max(...hourly)).toBe(Math.max(...Object.keys(profile.events.Searched?.hourly ?? {}).map(Number)));
    expect(trimmed.events.Searched?.daily).toEqual(profile.events.Searched?.daily);
    expect(trimmed.events.Searched?.count).toBe(48);
  });

  it('drops custom event counters before e-commerce ones', () => {
    // Prepare: the e-commerce event is the oldest, so dropping by age alone would take it first
    const custom = Array.from({ length: 120 }, (_, index) => track(`Custom ${index}`, {}, '2026-03-02T09:00:00Z'));
    // Act: the reducer trims as it goes
    const profile = fold([track('Product Viewed', { product_id: 'p1' }, '2026-03-01T09:00:00Z'), ...custom]);
    // Assess
    expect(profileBytes(profile)).toBeLessThanOrEqual(PROFILE_LIMITS.maxProfileBytes);
    expect(Object.keys(profile.events).length).toBeLessThan(121);
    expect(profile.events['Product Viewed']?.count).toBe(1);
  });
});
