import { describe, expect, it } from 'vitest';
import { evaluateAll, evaluateChanged } from '../../../shared/segments/evaluate.js';
import { applySegmentMemberships } from '../../../shared/segments/membership-hook.js';
import { spreadOffsetMs } from '../../../shared/spread.js';
import type { Profile } from '../../../shared/profiles/schema.js';
import { DAY, eventsAt, HOUR, iso, NOW, profileWith } from './profiles.js';
import { compileYaml } from './rule-harness.js';

const granted = { granted: true, at: '2026-01-01T00:00:00Z' };

const { compiled } = compileYaml(
  [
    '- id: viewed_not_bought',
    '  all:',
    '    - { event: Product Viewed, within: 7d }',
    '    - not: { event: Order Completed, within: 7d }',
    '    - consent: email',
    '- id: repeat',
    '  attr: orders.count',
    '  gte: 2',
    '- id: repeat_emailable',
    '  all: [{ segment: repeat }, { consent: email }]',
    '- id: lapsed_60d',
    '  attr: orders.lastAt',
    '  olderThan: 60d',
    '',
  ].join('\n'),
);

const clone = (profile: Profile): Profile => structuredClone(profile);

describe('evaluateChanged', () => {
  it('enters a segment when its inputs change to match, stamping enteredAt', () => {
    // Prepare
    const before = profileWith((p) => void (p.orders.count = 1));
    const after = clone(before);
    after.orders.count = 2;
    // Act
    const result = evaluateChanged(compiled, before, after, NOW);
    // Assess
    expect(result.entered).toEqual(['repeat']);
    expect(result.memberships.repeat).toEqual({ enteredAt: iso(NOW) });
  });

  it('keeps the first enteredAt while the customer stays in', () => {
    // Prepare
    const before = profileWith((p) => {
      p.orders.count = 2;
      p.segments.repeat = { enteredAt: '2026-02-01T00:00:00.000Z' };
    });
    const after = clone(before);
    after.orders.count = 3;
    // Act
    const result = evaluateChanged(compiled, before, after, NOW);
    // Assess
    expect(result.memberships.repeat).toEqual({ enteredAt: '2026-02-01T00:00:00.000Z' });
    expect(result.entered).toEqual([]);
  });

  it('does not evaluate a segment whose inputs did not change', () => {
    // Prepare: stored membership that the rule would no longer grant (only a re-evaluation could drop it)
    const before = profileWith((p) => void (p.segments.repeat = { enteredAt: '2026-02-01T00:00:00.000Z' }));
    const after = clone(before);
    after.traits.plan = 'gold';
    // Act
    const result = evaluateChanged(compiled, before, after, NOW);
    // Assess
    expect(result.exited).toEqual([]);
    expect(result.memberships.repeat).toBeDefined();
  });

  it('re-evaluates a segment when an input of a segment it references changes', () => {
    // Prepare
    const before = profileWith((p) => {
      p.orders.count = 1;
      p.consent.email = granted;
    });
    const after = clone(before);
    after.orders.count = 2;
    // Act
    const result = evaluateChanged(compiled, before, after, NOW);
    // Assess
    expect(result.entered).toEqual(['repeat', 'repeat_emailable']);
  });

  it('exits a segment when consent is revoked', () => {
    // Prepare
    const before = profileWith((p) => {
      p.orders.count = 2;
      p.consent.email = granted;
      p.segments.repeat = { enteredAt: iso(NOW - DAY) };
      p.segments.repeat_emailable = { enteredAt: iso(NOW - DAY) };
    });
    const after = clone(before);
    after.consent.email = { ...granted, granted: false };
    // Act
    const result = evaluateChanged(compiled, before, after, NOW);
    // Assess
    expect(result.exited).toEqual(['repeat_emailable']);
    expect(Object.keys(result.memberships)).toEqual(['repeat']);
  });

  it('always re-evaluates time-window segments, even with no input change', () => {
    // Prepare: the last order turns 60 days old right now; nothing else changed
    const before = profileWith((p) => void (p.orders.lastAt = iso(NOW - 60 * DAY)));
    const after = clone(before);
    // Act
    const result = evaluateChanged(compiled, before, after, NOW);
    // Assess
    expect(result.entered).toEqual(['lapsed_60d']);
  });

  it('drops memberships of segments no longer defined', () => {
    // Prepare
    const profile = profileWith((p) => void (p.segments.retired = { enteredAt: iso(NOW - DAY) }));
    // Act
    const result = evaluateAll(compiled, profile, NOW);
    // Assess
    expect(result.memberships).toEqual({});
    expect(result.exited).toEqual([]);
  });

  it('reports the inputs of a segment transitively through references', () => {
    // Act
    const inputs = [...(compiled.byId.get('repeat_emailable')?.inputs.keys() ?? [])];
    // Assess
    expect(inputs).toEqual(['orders.count', 'consent.email', 'suppressed.email']);
  });
});

describe('a lapse at 00:00 UTC, spread (decision 177)', () => {
  it('is rechecked at the customer’s offset within `spreadMinutes`; other lapses and no spread stay as they are', () => {
    // Prepare: a viewer whose daily window lapses at midnight
    const viewer = profileWith((p) => {
      p.consent.email = granted;
      p.events['Product Viewed'] = eventsAt(NOW - DAY);
    });
    const midnight = evaluateAll(compiled, viewer, NOW).nextExpiryAt ?? '';
    expect(Date.parse(midnight) % DAY).toBe(0);

    // Act
    const spread = applySegmentMemberships({ ...compiled, spreadMinutes: 30 }, undefined, clone(viewer), new Date(NOW));
    const unspread = applySegmentMemberships(
      { ...compiled, spreadMinutes: 0 },
      undefined,
      clone(viewer),
      new Date(NOW),
    );

    // Assess
    expect(spread.profile.nextExpiryAt).toBe(iso(Date.parse(midnight) + spreadOffsetMs(viewer.id, 30)));
    expect(unspread.profile.nextExpiryAt).toBe(midnight);
  });
});

describe('nextExpiryAt', () => {
  it('is when the last view leaves the 7-day window for a viewed-not-bought member', () => {
    // Prepare: views 3 days and 1 day ago (daily buckets)
    const profile = profileWith((p) => {
      p.consent.email = granted;
      p.events['Product Viewed'] = eventsAt(NOW - 3 * DAY, NOW - DAY);
    });
    // Act
    const result = evaluateAll(compiled, profile, NOW);
    // Assess: the day bucket of "1 day ago" ends at midnight, and counts for 7 more days
    const lastBucketEnd = (Math.floor((NOW - DAY) / DAY) + 1) * DAY;
    expect(result.memberships.viewed_not_bought).toBeDefined();
    expect(result.nextExpiryAt).toBe(iso(lastBucketEnd + 7 * DAY));
  });

  it('is when a recent order leaves the window that keeps a viewer out', () => {
    // Prepare: viewed today, ordered 2 days ago: out now, in once the order is 7 days old
    const profile = profileWith((p) => {
      p.consent.email = granted;
      p.events['Product Viewed'] = eventsAt(NOW - HOUR);
      p.events['Order Completed'] = eventsAt(NOW - 2 * DAY);
    });
    // Act
    const result = evaluateAll(compiled, profile, NOW);
    // Assess
    const orderBucketEnd = (Math.floor((NOW - 2 * DAY) / DAY) + 1) * DAY;
    expect(result.memberships.viewed_not_bought).toBeUndefined();
    expect(result.nextExpiryAt).toBe(iso(orderBucketEnd + 7 * DAY));
  });

  it('is when the last order turns 60 days old for lapsed_60d', () => {
    // Prepare
    const profile = profileWith((p) => void (p.orders.lastAt = iso(NOW - 10 * DAY)));
    // Act
    const result = evaluateAll(compiled, profile, NOW);
    // Assess
    expect(result.nextExpiryAt).toBe(iso(NOW + 50 * DAY));
  });

  it('is absent when no time window can change any answer', () => {
    // Prepare: no views (nothing can lapse) and a long-lapsed customer (stays lapsed)
    const profile = profileWith((p) => void (p.orders.lastAt = iso(NOW - 100 * DAY)));
    // Act
    const result = evaluateAll(compiled, profile, NOW);
    // Assess
    expect(result.nextExpiryAt).toBeUndefined();
  });

  it('ignores windows of a false `all` that another, timeless clause keeps false', () => {
    // Prepare: viewed yesterday but no email consent: only new data can change the answer
    const { compiled: single } = compileYaml(
      ['- id: vnb', '  all:', '    - { event: Product Viewed, within: 7d }', '    - consent: email', ''].join('\n'),
    );
    const profile = profileWith((p) => void (p.events['Product Viewed'] = eventsAt(NOW - DAY)));
    // Act
    const result = evaluateAll(single, profile, NOW);
    // Assess
    expect(result.nextExpiryAt).toBeUndefined();
  });

  it('uses hourly buckets for windows up to 48 hours', () => {
    // Prepare
    const { compiled: hourly } = compileYaml(['- id: recent', '  event: Cart Viewed', '  within: 2h', ''].join('\n'));
    const profile = profileWith((p) => void (p.events['Cart Viewed'] = eventsAt(NOW - 30 * 60_000)));
    // Act
    const result = evaluateAll(hourly, profile, NOW);
    // Assess
    const bucketEnd = (Math.floor((NOW - 30 * 60_000) / HOUR) + 1) * HOUR;
    expect(result.nextExpiryAt).toBe(iso(bucketEnd + 2 * HOUR));
  });
});
