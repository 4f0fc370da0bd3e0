import { describe, expect, it } from 'vitest';
import { DAY, eventsAt, HOUR, iso, NOW, profileWith } from './profiles.js';
import { matches } from './rule-harness.js';

const twoOrders = profileWith((p) => {
  p.orders.count = 2;
  p.traits = { plan: 'gold', nps: 6, vip: true, note: null };
  p.rfm = { r: 5, f: 4, m: 3, segment: 'champions' };
  p.recommendations = ['sku-1', 'sku-2'];
  p.channels.email = 'a@example.com';
});

describe('attribute comparisons', () => {
  it.each([
    ['{ attr: orders.count, eq: 2 }', true],
    ['{ attr: orders.count, eq: 3 }', false],
    ['{ attr: orders.count, ne: 3 }', true],
    ['{ attr: orders.count, ne: 2 }', false],
    ['{ attr: orders.count, lt: 3 }', true],
    ['{ attr: orders.count, lt: 2 }', false],
    ['{ attr: orders.count, lte: 2 }', true],
    ['{ attr: orders.count, lte: 1 }', false],
    ['{ attr: orders.count, gt: 1 }', true],
    ['{ attr: orders.count, gt: 2 }', false],
    ['{ attr: orders.count, gte: 2 }', true],
    ['{ attr: orders.count, gte: 3 }', false],
    ['{ attr: orders.count, between: [2, 2] }', true],
    ['{ attr: orders.count, between: [3, 9] }', false],
  ])('%s is %s for two orders', (rule, expected) => {
    // Act
    const result = matches(rule, twoOrders);
    // Assess
    expect(result).toBe(expected);
  });

  it('is false for a numeric comparison on a missing number', () => {
    // Act
    const result = matches('{ attr: clv.pAlive, lt: 0.3 }', twoOrders);
    // Assess
    expect(result).toBe(false);
  });

  it('is false for a numeric comparison on a trait holding text', () => {
    // Act
    const result = matches('{ attr: traits.plan, gt: 1 }', twoOrders);
    // Assess
    expect(result).toBe(false);
  });
});

describe('in, contains, exists', () => {
  it.each([
    ['{ attr: rfm.segment, in: [champions, loyal_customers] }', true],
    ['{ attr: rfm.segment, in: [at_risk, hibernating] }', false],
    ['{ attr: traits.plan, in: [gold, 3, true] }', true],
    ['{ attr: traits.missing, in: [gold, null] }', true],
    ['{ attr: recommendations, contains: sku-2 }', true],
    ['{ attr: recommendations, contains: sku-9 }', false],
    ['{ attr: channels.email, contains: "@example.com" }', true],
    ['{ attr: channels.email, contains: "@example.org" }', false],
    ['{ attr: traits.plan, exists: true }', true],
    ['{ attr: traits.note, exists: true }', false],
    ['{ attr: traits.note, exists: false }', true],
    ['{ attr: clv.pAlive, exists: false }', true],
    ['{ attr: traits.note, eq: null }', true],
    ['{ attr: traits.absent, eq: null }', true],
    ['{ attr: traits.vip, eq: true }', true],
    ['{ attr: traits.nps, lte: 6 }', true],
  ])('%s is %s', (rule, expected) => {
    // Act
    const result = matches(rule, twoOrders);
    // Assess
    expect(result).toBe(expected);
  });
});

describe('time comparisons', () => {
  const lastOrder = profileWith((p) => {
    p.orders.lastAt = iso(NOW - 60 * DAY);
  });

  it('olderThan holds from the moment the age reaches the duration', () => {
    // Act
    const before = matches('{ attr: orders.lastAt, olderThan: 60d }', lastOrder, NOW - 1);
    const at = matches('{ attr: orders.lastAt, olderThan: 60d }', lastOrder, NOW);
    // Assess
    expect([before, at]).toEqual([false, true]);
  });

  it('newerThan holds until the age reaches the duration', () => {
    // Act
    const before = matches('{ attr: orders.lastAt, newerThan: 60d }', lastOrder, NOW - 1);
    const at = matches('{ attr: orders.lastAt, newerThan: 60d }', lastOrder, NOW);
    // Assess
    expect([before, at]).toEqual([true, false]);
  });

  it('neither holds for a missing timestamp', () => {
    // Prepare
    const noOrders = profileWith();
    // Act
    const older = matches('{ attr: orders.lastAt, olderThan: 60d }', noOrders);
    const newer = matches('{ attr: orders.lastAt, newerThan: 60d }', noOrders);
    // Assess
    expect([older, newer]).toEqual([false, false]);
  });
});

describe('event history', () => {
  const viewer = profileWith((p) => {
    p.events['Product Viewed'] = {
      ...eventsAt(NOW - 3 * HOUR, NOW - 30 * HOUR, NOW - 10 * DAY),
      props: { 'category=shoes': eventsAt(NOW - 3 * HOUR) },
    };
  });

  it.each([
    ['{ event: Product Viewed }', true],
    ['{ event: Order Completed }', false],
    ['{ event: Product Viewed, count: { gte: 3 } }', true],
    ['{ event: Product Viewed, count: { gt: 3 } }', false],
    ['{ event: Product Viewed, within: 7d }', true],
    ['{ event: Product Viewed, within: 7d, count: { eq: 2 } }', true],
    ['{ event: Product Viewed, within: 14d, count: { eq: 3 } }', true],
    ['{ event: Product Viewed, within: 2h }', false],
    ['{ event: Product Viewed, within: 4h, count: { eq: 1 } }', true],
    ['{ event: Product Viewed, within: 48h, count: { between: [2, 2] } }', true],
    ['{ event: Product Viewed, within: 7d, category: shoes }', true],
    ['{ event: Product Viewed, within: 7d, category: bags }', false],
    ['{ event: Product Viewed, category: shoes, count: { gte: 2 } }', false],
    ['{ not: { event: Order Completed, within: 7d } }', true],
  ])('%s is %s', (rule, expected) => {
    // Act
    const result = matches(rule, viewer);
    // Assess
    expect(result).toBe(expected);
  });

  it('counts the whole hour bucket where the window starts', () => {
    // Prepare: an event 2h29m ago, inside the hour bucket where a 2h window starts
    const hourStart = Math.floor(NOW / HOUR) * HOUR;
    const profile = profileWith((p) => {
      p.events['Cart Viewed'] = eventsAt(hourStart - 2 * HOUR + 1);
    });
    // Act
    const result = matches('{ event: Cart Viewed, within: 2h }', profile, hourStart + 30 * 60_000);
    // Assess
    expect(result).toBe(true);
  });

  it('does not count a newest event in the hour bucket just before the window starts', () => {
    // Prepare: the only event 1 ms before the hour bucket where a 2h window starts
    const hourStart = Math.floor(NOW / HOUR) * HOUR;
    const profile = profileWith((p) => {
      p.events['Cart Viewed'] = eventsAt(hourStart - 2 * HOUR - 1);
    });
    // Act
    const result = matches('{ event: Cart Viewed, within: 2h }', profile, hourStart + 30 * 60_000);
    // Assess
    expect(result).toBe(false);
  });

  it('counts the newest event once even when trimming dropped its bucket', () => {
    // Prepare: lastAt 3h ago, but the hourly buckets are gone (the 8 KB cap trims them first)
    const profile = profileWith((p) => {
      p.events['Cart Viewed'] = { ...eventsAt(NOW - 3 * HOUR, NOW - 5 * HOUR), hourly: {} };
    });
    // Act
    const exactlyOnce = matches('{ event: Cart Viewed, within: 4h, count: { eq: 1 } }', profile);
    // Assess
    expect(exactlyOnce).toBe(true);
  });

  it('ignores buckets newer than the newest event', () => {
    // Prepare: an inconsistent history (lastAt 10 days ago, a bucket of today)
    const profile = profileWith((p) => {
      p.events['Cart Viewed'] = { ...eventsAt(NOW - HOUR), lastAt: iso(NOW - 10 * DAY) };
    });
    // Act
    const result = matches('{ event: Cart Viewed, within: 7d }', profile);
    // Assess
    expect(result).toBe(false);
  });
});

describe('consent and reachability', () => {
  const granted = { granted: true, at: '2026-01-01T00:00:00Z' };

  it.each([
    [
      'email consent granted',
      (p: ReturnType<typeof profileWith>) => void (p.consent.email = granted),
      '{ consent: email }',
      true,
    ],
    [
      'email consent revoked',
      (p: ReturnType<typeof profileWith>) => void (p.consent.email = { ...granted, granted: false }),
      '{ consent: email }',
      false,
    ],
    [
      'email consent but suppressed',
      (p: ReturnType<typeof profileWith>) => void ((p.consent.email = granted), (p.suppressed.email = true)),
      '{ consent: email }',
      false,
    ],
    [
      'email consent without address',
      (p: ReturnType<typeof profileWith>) => void (p.consent.email = granted),
      '{ reachable: email }',
      false,
    ],
    [
      'email consent and address',
      (p: ReturnType<typeof profileWith>) => void ((p.consent.email = granted), (p.channels.email = 'a@example.com')),
      '{ reachable: email }',
      true,
    ],
    [
      'sms consent and phone',
      (p: ReturnType<typeof profileWith>) => void ((p.consent.sms = granted), (p.channels.phone = '+905551112233')),
      '{ reachable: sms }',
      true,
    ],
    [
      'sms phone, opted out',
      (p: ReturnType<typeof profileWith>) =>
        void ((p.consent.sms = granted), (p.channels.phone = '+905551112233'), (p.suppressed.sms = true)),
      '{ reachable: sms }',
      false,
    ],
    [
      'push consent, disabled device',
      (p: ReturnType<typeof profileWith>) =>
        void ((p.consent.push = granted),
        p.channels.push.push({ token: 't', platform: 'ios', enabled: false, at: granted.at })),
      '{ reachable: push }',
      false,
    ],
    [
      'push consent, enabled device',
      (p: ReturnType<typeof profileWith>) =>
        void ((p.consent.push = granted),
        p.channels.push.push({ token: 't', platform: 'ios', enabled: true, at: granted.at })),
      '{ reachable: push }',
      true,
    ],
  ])('%s: %s is %s', (_name, setup, rule, expected) => {
    // Prepare
    const profile = profileWith(setup);
    // Act
    const result = matches(rule, profile);
    // Assess
    expect(result).toBe(expected);
  });
});

describe('combinators and references', () => {
  it.each([
    ['{ all: [{ attr: orders.count, eq: 2 }, { attr: traits.plan, eq: gold }] }', true],
    ['{ all: [{ attr: orders.count, eq: 2 }, { attr: traits.plan, eq: silver }] }', false],
    ['{ any: [{ attr: orders.count, eq: 9 }, { attr: traits.plan, eq: gold }] }', true],
    ['{ any: [{ attr: orders.count, eq: 9 }, { attr: traits.plan, eq: silver }] }', false],
    ['{ not: { attr: orders.count, eq: 2 } }', false],
  ])('%s is %s', (rule, expected) => {
    // Act
    const result = matches(rule, twoOrders);
    // Assess
    expect(result).toBe(expected);
  });
});
