/**
 * One calendar-day rule (docs/decisions.md 84): order days in profiles, the refresh's as-of date
 * and the CLI's transactions are all dates of the shop's `defaultTimezone`.
 */
import { describe, expect, it } from 'vitest';
import { dayOfDate, shopDate, shopDay } from '../../../shared/analytics/calendar-day.js';
import { planRefresh } from '../../../shared/analytics/refresh/plan.js';
import { purchaseHistory } from '../../../shared/analytics/refresh/purchase-history.js';
import { mergeProfiles } from '../../../shared/profiles/merge.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';
import { order } from '../profiles/event-builders.js';
import { fold } from '../profiles/fold.js';

const day = (date: string): number => {
  const parsed = dayOfDate(date);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.day;
};
const istanbul = { trackedProperties: {}, timezone: 'Europe/Istanbul' };
const utc = { trackedProperties: {}, timezone: 'UTC' };

describe("the shop's calendar", () => {
  it('gives an instant the date it has in the shop’s zone', () => {
    // Assess: 20:59 UTC is 23:59 in Istanbul, 21:00 UTC is already the next day there.
    expect(shopDay('2026-03-01T20:59:00Z', 'Europe/Istanbul')).toBe(day('2026-03-01'));
    expect(shopDay('2026-03-01T21:00:00Z', 'Europe/Istanbul')).toBe(day('2026-03-02'));
    expect(shopDay('2026-03-01T21:00:00Z', 'UTC')).toBe(day('2026-03-01'));
  });

  it('follows daylight saving time', () => {
    // New York: UTC−5 in winter, UTC−4 from 2026-03-08 02:00 local.
    expect(shopDay('2026-03-08T04:30:00Z', 'America/New_York')).toBe(day('2026-03-07'));
    expect(shopDay('2026-03-09T03:30:00Z', 'America/New_York')).toBe(day('2026-03-08'));
    expect(shopDay('2026-03-09T04:30:00Z', 'America/New_York')).toBe(day('2026-03-09'));
  });

  it('counts order days on the shop’s dates in the profile', () => {
    // Prepare: two orders an hour apart, either side of midnight in Istanbul, the same UTC date.
    const orders = [order('o1', 10, '2026-03-01T20:30:00.000Z'), order('o2', 5, '2026-03-01T21:30:00.000Z')];

    // Act
    const inIstanbul = fold(orders, emptyProfile('u1', '2026-01-01T00:00:00.000Z'), istanbul);
    const inUtc = fold(orders, emptyProfile('u1', '2026-01-01T00:00:00.000Z'), utc);

    // Assess
    expect(inIstanbul.orders).toMatchObject({ days: 2, firstAmount: 10, repeatRevenue: 5 });
    expect(inIstanbul.orders.dayNumbers).toEqual([day('2026-03-01'), day('2026-03-02')]);
    expect(inUtc.orders).toMatchObject({ days: 1, firstAmount: 15, repeatRevenue: 0 });
  });

  it('merges first-day amounts on the shop’s dates', () => {
    // Prepare: the anonymous profile's order is the user's first day in Istanbul, not in UTC.
    const user = fold(
      [order('o1', 10, '2026-03-01T21:30:00.000Z')],
      emptyProfile('u1', '2026-01-01T00:00:00.000Z'),
      istanbul,
    );
    const visitor = fold(
      [order('o2', 7, '2026-03-01T20:30:00.000Z')],
      emptyProfile('anon:a1', '2026-01-01T00:00:00.000Z'),
      istanbul,
    );

    // Act
    const merged = mergeProfiles(user, visitor, 'Europe/Istanbul');

    // Assess
    expect(merged.orders).toMatchObject({ days: 2, firstAmount: 7, repeatRevenue: 10 });
  });

  it('plans the refresh on the shop’s date and carries the zone to every slice', () => {
    // Act: 22:30 UTC on 4 February is already 5 February in Istanbul.
    const plan = planRefresh({ now: new Date('2026-02-04T22:30:00Z'), timezone: 'Europe/Istanbul', itemCount: 0 });

    // Assess
    expect(plan.asOf).toBe('2026-02-05');
    expect(plan.slices.every((slice) => slice.timezone === 'Europe/Istanbul')).toBe(true);
    expect(shopDate(new Date('2026-02-04T22:30:00Z'), 'UTC')).toBe('2026-02-04');
  });

  it('measures recency and T in the shop’s days', () => {
    // Prepare: first order late on 1 March in Istanbul terms (21:30 UTC = 00:30 on 2 March there).
    const profile = fold(
      [order('o1', 10, '2026-03-01T21:30:00.000Z')],
      emptyProfile('u1', '2026-01-01T00:00:00.000Z'),
      istanbul,
    );

    // Act
    const inIstanbul = purchaseHistory(profile.orders, day('2026-03-10'), 'Europe/Istanbul');
    const inUtc = purchaseHistory(profile.orders, day('2026-03-10'), 'UTC');

    // Assess
    expect(inIstanbul).toMatchObject({ recency: 8, TDays: 8, firstDay: day('2026-03-02') });
    expect(inUtc).toMatchObject({ recency: 9, TDays: 9 });
  });
});
