import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attribute, type Assignment, type GoalEvent } from '../../../shared/measurement/attribution.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const at = (iso: string) => new Date(iso).toISOString();
const assigned = (customerId: string, arm: string, when: string): Assignment => ({ customerId, arm, at: at(when) });
const order = (customerId: string, when: string, revenue: number): GoalEvent => ({ customerId, at: at(when), revenue });

describe('attribute', () => {
  it('does not count a conversion before the assignment', () => {
    // Act
    const [arm] = attribute([assigned('c1', 'A', '2026-11-02T10:00Z')], [order('c1', '2026-11-02T09:59Z', 50)], WEEK);

    // Assess
    expect(arm).toMatchObject({ assigned: 1, conversions: 0, revenue: 0 });
  });

  it('does not count an order at the very instant of assignment (it started the journey)', () => {
    const [arm] = attribute([assigned('c1', 'A', '2026-11-02T10:00Z')], [order('c1', '2026-11-02T10:00Z', 50)], WEEK);

    expect(arm?.conversions).toBe(0);
  });

  it('does not count a conversion after the window, but counts one at its last instant', () => {
    // Act
    const arms = attribute(
      [assigned('late', 'A', '2026-11-02T10:00Z'), assigned('edge', 'A', '2026-11-02T10:00Z')],
      [order('late', '2026-11-09T10:00:00.001Z', 40), order('edge', '2026-11-09T10:00Z', 30)],
      WEEK,
    );

    // Assess
    expect(arms[0]).toMatchObject({ assigned: 2, conversions: 1, revenue: 30 });
  });

  it('counts two orders in the window as one conversion with the revenue of both', () => {
    const [arm] = attribute(
      [assigned('c1', 'A', '2026-11-02T10:00Z')],
      [order('c1', '2026-11-03T10:00Z', 19.99), order('c1', '2026-11-05T10:00Z', 10.02)],
      WEEK,
    );

    expect(arm).toMatchObject({
      conversions: 1,
      revenue: 30.01,
      buyerRevenue: [30.01],
      dailyConversions: { '2026-11-03': 1 },
    });
  });

  it("keeps only each customer's first assignment (intent to treat)", () => {
    // Prepare: re-entered a month later into the other arm, and converted then.
    const assignments = [assigned('c1', 'B', '2026-12-02T10:00Z'), assigned('c1', 'A', '2026-11-02T10:00Z')];

    // Act
    const arms = attribute(assignments, [order('c1', '2026-12-03T10:00Z', 80)], WEEK, ['A', 'B']);

    // Assess
    expect(arms.map((arm) => [arm.arm, arm.assigned, arm.conversions])).toEqual([
      ['A', 1, 0],
      ['B', 0, 0],
    ]);
  });

  it('nets refunds out of the revenue but keeps the conversion, with gross and refunded beside it', () => {
    // Prepare: a 100.00 order in the window, 30.00 of it refunded.
    const refunded: GoalEvent = { ...order('c1', '2026-11-03T10:00Z', 100), refunded: 30 };

    // Act
    const [arm] = attribute([assigned('c1', 'A', '2026-11-02T10:00Z')], [refunded], WEEK);

    // Assess
    expect(arm).toMatchObject({
      conversions: 1,
      grossRevenue: 100,
      refundedRevenue: 30,
      revenue: 70,
      buyerRevenue: [70],
    });
  });

  it('never nets an order below zero, whatever the refunds say', () => {
    const [arm] = attribute(
      [assigned('c1', 'A', '2026-11-02T10:00Z')],
      [{ ...order('c1', '2026-11-03T10:00Z', 40), refunded: 55 }],
      WEEK,
    );

    expect(arm).toMatchObject({ grossRevenue: 40, refundedRevenue: 40, revenue: 0, buyerRevenue: [0] });
  });

  it('ignores goal events of customers who were never assigned', () => {
    const [arm] = attribute(
      [assigned('c1', 'A', '2026-11-02T10:00Z')],
      [order('stranger', '2026-11-03T10:00Z', 80)],
      WEEK,
    );

    expect(arm).toMatchObject({ assigned: 1, conversions: 0 });
  });

  it('never counts more conversions than assigned customers, nor a customer twice', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            customer: fc.integer({ min: 0, max: 9 }),
            arm: fc.constantFrom('A', 'B'),
            day: fc.integer({ min: 0, max: 20 }),
          }),
        ),
        fc.array(
          fc.record({
            customer: fc.integer({ min: 0, max: 12 }),
            day: fc.integer({ min: 0, max: 30 }),
            revenue: fc.integer({ min: 0, max: 500 }),
          }),
        ),
        (rawAssignments, rawGoals) => {
          const base = Date.parse('2026-11-01T00:00Z');
          const arms = attribute(
            rawAssignments.map((a) => ({
              customerId: `c${a.customer}`,
              arm: a.arm,
              at: new Date(base + a.day * DAY).toISOString(),
            })),
            rawGoals.map((g) => ({
              customerId: `c${g.customer}`,
              at: new Date(base + g.day * DAY + 1).toISOString(),
              revenue: g.revenue,
            })),
            WEEK,
          );
          const customers = new Set(rawAssignments.map((a) => a.customer));
          expect(arms.reduce((sum, arm) => sum + arm.assigned, 0)).toBe(customers.size);
          for (const arm of arms) {
            expect(arm.conversions).toBeLessThanOrEqual(arm.assigned);
            expect(arm.buyerRevenue.length).toBe(arm.conversions);
          }
        },
      ),
    );
  });
});
