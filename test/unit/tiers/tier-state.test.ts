/**
 * Loyalty tiers (issue 22): qualification, the grace period's hysteresis, refunds demoting at
 * once, the next change handed to the expiry pass, the gap to the next tier, and the settings'
 * errors. Times are fixed instants; nothing reads the wall clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../shared/config/load-settings.js';
import { emptyProfile, type Profile } from '../../../shared/profiles/schema.js';
import { addToSpendMonths, windowTotals, shopMonth } from '../../../shared/tiers/spend-months.js';
import { tierSchema, type TierDefinition } from '../../../shared/tiers/tier-settings.js';
import {
  nextTierChange,
  qualifiedTier,
  tierGap,
  tierInputs,
  updateTier,
  type TierConfig,
} from '../../../shared/tiers/tier-state.js';

const DAY = 86_400_000;
const TIERS: TierDefinition[] = [
  tierSchema.parse({ id: 'bronze', minOrders12m: 1 }),
  tierSchema.parse({ id: 'silver', minSpend12m: 1000, graceDays: 30 }),
  tierSchema.parse({ id: 'gold', minSpend12m: 3000, minClv: 5000, graceDays: 30 }),
];
const CONFIG: TierConfig = { tiers: TIERS, timezone: 'Europe/Istanbul' };
const T0 = Date.parse('2026-03-10T09:00:00Z');

function withSpend(profile: Profile, atMs: number, amount: number, orders = amount > 0 ? 1 : 0): Profile {
  return {
    ...profile,
    spendMonths: addToSpendMonths(profile.spendMonths, new Date(atMs).toISOString(), CONFIG.timezone, amount, orders),
  };
}

/** One write at `atMs`: the change, then the tier brought up to date, as process-events does. */
function write(before: Profile, atMs: number, change: (p: Profile) => Profile = (p) => p): Profile {
  return updateTier(before, change(before), CONFIG, new Date(atMs));
}

describe('tier qualification', () => {
  it('gives the highest tier any of whose minimums is met', () => {
    expect(qualifiedTier(TIERS, { spend12m: 0, orders12m: 0 })).toBe(-1);
    expect(qualifiedTier(TIERS, { spend12m: 50, orders12m: 1 })).toBe(0);
    expect(qualifiedTier(TIERS, { spend12m: 1000, orders12m: 1 })).toBe(1);
    expect(qualifiedTier(TIERS, { spend12m: 10, orders12m: 1, clv: 6000 })).toBe(2);
  });

  it('counts the current month and the 11 before it, in the shop calendar', () => {
    // 2026-01-31T22:30Z is already February in Istanbul (+03:00).
    let months = addToSpendMonths(undefined, '2026-01-31T22:30:00Z', 'Europe/Istanbul', 700, 1);
    months = addToSpendMonths(months, '2025-02-15T12:00:00Z', 'Europe/Istanbul', 400, 1);
    const february = shopMonth(Date.parse('2026-02-05T00:00:00Z'), 'Europe/Istanbul');
    expect(windowTotals(months, february)).toEqual({ spend: 700, orders: 1 });
    expect(windowTotals(months, february - 1)).toEqual({ spend: 400, orders: 1 });
  });

  it('keeps 13 months of buckets and drops what is older than the newest month allows', () => {
    let months = undefined as ReturnType<typeof addToSpendMonths> | undefined;
    for (let month = 0; month < 20; month++)
      months = addToSpendMonths(months, new Date(Date.UTC(2025, month, 10)).toISOString(), 'UTC', 10, 1);
    expect(Object.keys(months ?? {})).toHaveLength(13);
    const late = addToSpendMonths(months, '2025-01-10T00:00:00Z', 'UTC', 999, 1);
    expect(late).toEqual(months);
  });
});

describe('updateTier', () => {
  it('promotes at once when a customer qualifies for a higher tier', () => {
    const profile = write(emptyProfile('u1', '2026-01-01T00:00:00Z'), T0, (p) => withSpend(p, T0, 1200));
    expect(profile.tier).toBe('silver');
    expect(profile.tierGraceUntil).toBeUndefined();
  });

  it('keeps the tier through the grace period when a month leaves the window, then demotes', () => {
    const silver = write(emptyProfile('u1', '2025-01-01T00:00:00Z'), T0, (p) => withSpend(p, T0, 1200));
    // 12 months on, the order's month has left the window: below silver (and bronze).
    const lapse = Date.parse('2027-03-01T00:00:00+03:00');
    const graced = write(silver, lapse);
    expect(graced.tier).toBe('silver');
    expect(graced.tierGraceUntil).toBe(new Date(lapse + 30 * DAY).toISOString());
    expect(write(graced, lapse + 29 * DAY).tier).toBe('silver');
    const demoted = write(graced, lapse + 30 * DAY);
    expect(demoted.tier).toBeUndefined();
    expect(demoted.tierGraceUntil).toBeUndefined();
  });

  it('does not flap around a boundary: back above within the grace period ends the grace', () => {
    const silver = write(emptyProfile('u1', '2025-01-01T00:00:00Z'), T0, (p) => withSpend(p, T0, 1000));
    const lapse = Date.parse('2027-03-01T00:00:00+03:00');
    const graced = write(silver, lapse);
    const back = write(graced, lapse + 10 * DAY, (p) => withSpend(p, lapse + 10 * DAY, 1000));
    expect(back.tier).toBe('silver');
    expect(back.tierGraceUntil).toBeUndefined();
  });

  it('demotes at once, without grace, when a refund takes the customer below the tier', () => {
    const silver = write(emptyProfile('u1', '2026-01-01T00:00:00Z'), T0, (p) => withSpend(p, T0, 1200));
    const refunded = write(silver, T0 + DAY, (p) => withSpend(p, T0 + DAY, -1200));
    // Still one order in the window: bronze (minOrders12m 1), not silver in grace.
    expect(refunded.tier).toBe('bronze');
    expect(refunded.tierGraceUntil).toBeUndefined();
  });

  it('a lower CLV score starts the grace period like time does', () => {
    const scored = { ...emptyProfile('u1', '2026-01-01T00:00:00Z'), clv: clv(6000) };
    const gold = write(scored, T0);
    expect(gold.tier).toBe('gold');
    const lower = write(gold, T0 + DAY, (p) => ({ ...p, clv: clv(100) }));
    expect(lower.tier).toBe('gold');
    expect(lower.tierGraceUntil).toBe(new Date(T0 + 31 * DAY).toISOString());
  });

  it('changes nothing and returns the same profile when nothing moves', () => {
    const silver = write(emptyProfile('u1', '2026-01-01T00:00:00Z'), T0, (p) => withSpend(p, T0, 1200));
    expect(updateTier(silver, silver, CONFIG, new Date(T0 + DAY))).toBe(silver);
  });
});

describe('nextTierChange', () => {
  it('is the month start at which the qualifying month leaves the window, then the grace end', () => {
    const silver = write(emptyProfile('u1', '2025-01-01T00:00:00Z'), T0, (p) => withSpend(p, T0, 1200));
    const lapse = Date.parse('2027-03-01T00:00:00+03:00');
    expect(nextTierChange(silver, CONFIG, T0 + DAY)).toBe(lapse);
    const graced = write(silver, lapse);
    expect(nextTierChange(graced, CONFIG, lapse)).toBe(lapse + 30 * DAY);
  });

  it('is never when no tier can change with time', () => {
    expect(nextTierChange(emptyProfile('u1', '2026-01-01T00:00:00Z'), CONFIG, T0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('tier hysteresis (property)', () => {
  // Spend steps of 0–2000 a month around the 1000 (silver) and 3000 (gold) boundaries, refunds
  // now and then, and rechecks at every instant nextTierChange names, as the expiry pass does.
  const step = fc.record({
    days: fc.integer({ min: 5, max: 70 }),
    amount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1200 }), fc.integer({ min: -600, max: -1 })),
  });

  it('never demotes by time before the grace period since the customer was first seen below', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        let profile = emptyProfile('u1', '2025-01-01T00:00:00Z');
        let now = T0;
        const belowSince = new Map<number, number>();
        const observe = (before: Profile, after: Profile, at: number, refund: boolean) => {
          const held = (p: Profile) => TIERS.findIndex((tier) => tier.id === p.tier);
          const qualified = qualifiedTier(TIERS, tierInputs(after, CONFIG, at));
          // Promotion is immediate: the tier held is never below the one qualified for.
          expect(held(after)).toBeGreaterThanOrEqual(qualified);
          for (let index = 0; index < TIERS.length; index++) {
            if (qualified >= index) belowSince.delete(index);
            else if (!belowSince.has(index)) belowSince.set(index, at);
          }
          const from = held(before);
          if (held(after) < from && !refund) {
            const grace = (TIERS[from] as TierDefinition).graceDays * DAY;
            expect(at - (belowSince.get(from) ?? at)).toBeGreaterThanOrEqual(grace);
          }
          if (held(after) > qualified) expect(after.tierGraceUntil).toBeDefined();
        };
        for (const { days, amount } of steps) {
          const until = now + days * DAY;
          // Rechecks the expiry pass would make before the next event.
          for (
            let due = nextTierChange(profile, CONFIG, now);
            due <= until;
            due = nextTierChange(profile, CONFIG, now)
          ) {
            const next = write(profile, due);
            observe(profile, next, due, false);
            profile = next;
            now = due;
          }
          now = until;
          const next = write(profile, now, (p) => withSpend(p, now, amount));
          observe(profile, next, now, amount < 0);
          profile = next;
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a customer who does nothing ends on the tier they qualify for, by rechecks alone', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let profile = emptyProfile('u1', '2025-01-01T00:00:00Z');
        let now = T0;
        for (const { days, amount } of steps) {
          now += days * DAY;
          profile = write(profile, now, (p) => withSpend(p, now, amount));
        }
        let rechecks = 0;
        for (
          let due = nextTierChange(profile, CONFIG, now);
          Number.isFinite(due);
          due = nextTierChange(profile, CONFIG, now)
        ) {
          profile = write(profile, due);
          now = due;
          rechecks++;
          expect(rechecks).toBeLessThan(40);
        }
        expect(profile.tier).toBe(TIERS[qualifiedTier(TIERS, tierInputs(profile, CONFIG, now))]?.id);
        expect(profile.tier).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});

describe('tierGap', () => {
  it('names the next tier up and the spend still missing', () => {
    const silver = write(emptyProfile('u1', '2026-01-01T00:00:00Z'), T0, (p) => withSpend(p, T0, 2580));
    expect(tierGap(silver, CONFIG, T0)).toEqual({ tier: 'gold', spend: 420 });
  });

  it('is undefined at the top tier', () => {
    const gold = write(emptyProfile('u1', '2026-01-01T00:00:00Z'), T0, (p) => withSpend(p, T0, 3000));
    expect(tierGap(gold, CONFIG, T0)).toBeUndefined();
  });
});

describe('settings.yaml tiers', () => {
  function errorsOf(lines: string[]): string[] {
    const result = parseSettings('settings.yaml', ['tiers:', ...lines].join('\n'));
    return result.ok ? [] : result.errors.map((error) => `${error.line}: ${error.reason}`);
  }

  it('reports a duplicate id and a minimum that does not rise, each at its line', () => {
    const errors = errorsOf([
      '  - { id: silver, minSpend12m: 1000 }',
      '  - { id: gold, minSpend12m: 800, graceDays: 30 }',
      '  - { id: gold, minOrders12m: 3 }',
    ]);
    expect(errors).toEqual([
      expect.stringMatching(/^3: .*minSpend12m 800 of "gold" is not above 1000 of "silver"/),
      expect.stringMatching(/^4: .*tier "gold" is listed twice/),
    ]);
  });

  it('reports a tier without a rule', () => {
    expect(errorsOf(['  - { id: vip, graceDays: 10 }'])).toEqual([
      expect.stringMatching(/^2: .*tier "vip" needs a rule/),
    ]);
  });
});

function clv(value12m: number): NonNullable<Profile['clv']> {
  return { pAlive: 0.9, expectedPurchases30d: 1, value12m, tier: 'high' };
}
