import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../../shared/profiles/reduce.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';
import { dayNumber, hourNumber } from '../../../shared/profiles/time-buckets.js';
import { InvalidTimestampError } from '../../../shared/profiles/timestamps.js';
import { settings } from './arbitraries.js';
import { track } from './event-builders.js';
import { fold, START } from './fold.js';

describe('event history', () => {
  it('numbers UTC days and hours from the epoch', () => {
    // Act / Assess
    expect(dayNumber('1970-01-02T00:00:00Z')).toBe(1);
    expect(hourNumber('1970-01-02T01:30:00Z')).toBe(25);
    expect(dayNumber('2026-03-02T23:59:59+03:00')).toBe(dayNumber('2026-03-02T20:59:59Z'));
  });

  it('counts any event name with its last time and day/hour buckets', () => {
    // Prepare
    const events = [
      track('Wishlist Shared', {}, '2026-03-02T09:10:00Z'),
      track('Wishlist Shared', {}, '2026-03-02T09:50:00Z'),
      track('Wishlist Shared', {}, '2026-03-03T01:00:00Z'),
    ];
    // Act
    const history = fold(events).events['Wishlist Shared'];
    // Assess
    const day = dayNumber('2026-03-02T00:00:00Z');
    const hour = hourNumber('2026-03-02T09:00:00Z');
    expect(history).toEqual({
      lastAt: '2026-03-03T01:00:00.000Z',
      count: 3,
      daily: { [day]: 2, [day + 1]: 1 },
      hourly: { [hour]: 2, [hour + 16]: 1 },
    });
  });

  it('keeps buckets only within 90 days and 48 hours of the newest time seen', () => {
    // January is outside the daily window; 49 hours before the newest is outside only the hourly one
    // Prepare
    const newest = '2026-06-01T12:00:00Z';
    const events = [
      track('Searched', {}, '2026-01-01T12:00:00Z'),
      track('Searched', {}, '2026-05-30T11:00:00Z'),
      track('Searched', {}, newest),
    ];
    // Act
    const history = fold(events).events.Searched;
    // Assess
    expect(history?.count).toBe(3);
    expect(Object.keys(history?.daily ?? {}).map(Number)).toEqual([
      dayNumber('2026-05-30T00:00:00Z'),
      dayNumber(newest),
    ]);
    expect(Object.keys(history?.hourly ?? {}).map(Number)).toEqual([hourNumber(newest)]);
  });

  it('counts a late event older than the window without a bucket', () => {
    // Prepare
    const profile = fold([track('Searched', {}, '2026-06-01T12:00:00Z')]);
    // Act
    const history = fold([track('Searched', {}, '2026-01-01T12:00:00Z')], profile).events.Searched;
    // Assess
    expect(history).toMatchObject({
      count: 2,
      lastAt: '2026-06-01T12:00:00.000Z',
      daily: { [dayNumber('2026-06-01T00:00:00Z')]: 1 },
    });
  });

  it('keeps histories of tracked property values, only for scalar values', () => {
    // Prepare
    const events = [
      track('Product Viewed', { product_id: 'p1', category: 'shoes', brand: 'x' }, '2026-03-02T09:00:00Z'),
      track('Product Viewed', { product_id: 'p2', category: 'shoes' }, '2026-03-02T10:00:00Z'),
      track('Product Viewed', { product_id: 'p3', category: { nested: true } }, '2026-03-02T11:00:00Z'),
    ];
    // Act
    const summary = fold(events).events['Product Viewed'];
    // Assess
    expect(Object.keys(summary?.props ?? {})).toEqual(['category=shoes']);
    expect(summary?.props?.['category=shoes']).toMatchObject({ count: 2, lastAt: '2026-03-02T10:00:00.000Z' });
  });

  it('keeps the 20 most recent values of a tracked property', () => {
    // Prepare
    const events = Array.from({ length: 25 }, (_, index) =>
      track(
        'Product Viewed',
        { product_id: 'p1', category: `c${index}` },
        new Date(Date.UTC(2026, 2, 2, index)).toISOString(),
      ),
    );
    // Act
    const props = fold(events).events['Product Viewed']?.props ?? {};
    // Assess
    expect(Object.keys(props).sort()).toEqual(
      Array.from({ length: 20 }, (_, index) => `category=c${index + 5}`).sort(),
    );
  });

  it('counts page and screen calls as Page Viewed and Screen Viewed, with the page name trackable', () => {
    // Prepare
    const page = { ...track('Home', {}, '2026-03-02T09:00:00Z'), type: 'page' as const };
    const screen = { ...track('Cart', {}, '2026-03-02T09:05:00Z'), type: 'screen' as const };
    // Act
    const profile = fold([page, screen]);
    // Assess
    expect(profile.events['Page Viewed']?.props).toHaveProperty(['name=Home']);
    expect(profile.events['Screen Viewed']?.count).toBe(1);
    expect(profile.events.Home).toBeUndefined();
  });

  it('sets updatedAt to the newest event time and leaves version alone', () => {
    // Prepare
    const profile = { ...emptyProfile('u1', START), version: 7 };
    // Act
    const result = fold([track('A', {}, '2026-03-02T09:00:00Z'), track('B', {}, '2026-03-01T09:00:00Z')], profile);
    // Assess
    expect(result.updatedAt).toBe('2026-03-02T09:00:00.000Z');
    expect(result.version).toBe(7);
  });

  it('refuses an event whose timestamp does not parse, naming the field', () => {
    // Act / Assess
    expect(() => applyEvent(emptyProfile('u1', START), track('A', {}, 'yesterday'), settings)).toThrow(
      InvalidTimestampError,
    );
    expect(() => applyEvent(emptyProfile('u1', START), track('A', {}, 'yesterday'), settings)).toThrow(
      /timestamp: "yesterday"/,
    );
  });
});
