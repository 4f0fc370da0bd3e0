import { describe, expect, it } from 'vitest';
import { buildReport, type ReportData, type ReportProfile } from '../../../shared/measurement/report.js';
import { journeyFrom } from '../journeys/journey-builders.js';

const journey = journeyFrom(`
id: vnb
trigger: { event: Product Viewed }
goal: { event: Order Completed, within: 7d }
steps:
  - wait: 2h
  - id: offer
    split: { experiment: offer, variants: [{ id: reminder, weight: 50 }, { id: discount, weight: 50 }] }
  - id: mail
    send: { channel: email, template: t }
`);

const ENTERED = '2026-11-02T10:00:00.000Z';
const SPLIT = '2026-11-02T12:00:00.000Z';

function customer(id: string, variant: string | undefined, consent: ReportProfile['consent'] = {}): ReportProfile {
  return { id, experiments: variant ? { offer: { variant, assignedAt: SPLIT } } : {}, consent };
}

function data(overrides: Partial<ReportData> = {}): ReportData {
  return {
    profiles: [customer('a', 'reminder'), customer('b', 'discount'), customer('c', 'discount'), customer('h', undefined)],
    runs: [
      { journeyId: 'vnb', customerId: 'a', holdout: false, enteredAt: ENTERED },
      { journeyId: 'vnb', customerId: 'b', holdout: false, enteredAt: ENTERED },
      { journeyId: 'vnb', customerId: 'c', holdout: false, enteredAt: ENTERED },
      { journeyId: 'vnb', customerId: 'h', holdout: true, enteredAt: ENTERED },
    ],
    orders: [],
    messageStats: [],
    ...overrides,
  };
}

const options = { minimumDetectableEffect: 0.02 };

describe('buildReport', () => {
  it('puts each assigned customer in the arm of their assignment, control first', () => {
    // Act
    const report = buildReport([journey], data(), options);

    // Assess
    const experiment = report.journeys[0]?.comparisons[0];
    expect(experiment?.arms.map((arm) => [arm.arm, arm.assigned])).toEqual([
      ['reminder', 1],
      ['discount', 2],
    ]);
    expect(report.journeys[0]?.entered).toBe(4);
  });

  it('compares the holdout with all entrants from entry, so an order between entry and split counts only there', () => {
    // Prepare: b ordered an hour after entering, before the split assigned it.
    const orders = [{ customerId: 'b', at: '2026-11-02T11:00:00.000Z', amount: 40 }];

    // Act
    const [experiment, holdout] = buildReport([journey], data({ orders }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms.find((arm) => arm.arm === 'discount')?.converted).toBe(0);
    expect(holdout?.arms.map((arm) => [arm.arm, arm.assigned, arm.converted, arm.revenue])).toEqual([
      ['holdout', 1, 0, 0],
      ['journey', 3, 1, 40],
    ]);
  });

  it('sums message counters per arm and lists refusals by reason; the holdout arm gets the holdout-variant counters', () => {
    // Prepare
    const messageStats = [
      { journeyId: 'vnb', variant: 'discount', metric: 'sent', count: 2 },
      { journeyId: 'vnb', variant: 'discount', metric: 'opened', count: 1 },
      { journeyId: 'vnb', variant: 'discount', metric: 'no_consent', count: 3 },
      { journeyId: 'vnb', variant: 'reminder', metric: 'sent', count: 1 },
      { journeyId: 'vnb', variant: 'holdout', metric: 'holdout', count: 1 },
      { journeyId: 'other', variant: 'discount', metric: 'sent', count: 9 },
    ];

    // Act
    const [experiment, holdout] = buildReport([journey], data({ messageStats }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms[1]).toMatchObject({ arm: 'discount', sent: 2, opened: 1, refused: { no_consent: 3 } });
    expect(holdout?.arms.map((arm) => [arm.arm, arm.sent, arm.refused])).toEqual([
      ['holdout', 0, { holdout: 1 }],
      ['journey', 3, { no_consent: 3 }],
    ]);
  });

  it('counts as unsubscribed only consent revoked after the assignment', () => {
    // Prepare
    const profiles = [
      customer('a', 'reminder', { email: { granted: false, at: '2026-11-01T00:00:00.000Z' } }),
      customer('b', 'discount', { email: { granted: false, at: '2026-11-03T00:00:00.000Z' } }),
      customer('c', 'discount', { sms: { granted: true, at: '2026-11-03T00:00:00.000Z' } }),
    ];

    // Act
    const [experiment] = buildReport([journey], data({ profiles }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms.map((arm) => [arm.arm, arm.unsubscribed])).toEqual([
      ['reminder', 0],
      ['discount', 1],
    ]);
  });

  it('gives the variant a lift, test, power and verdict against the control, and leaves the control without them', () => {
    // Prepare: 200 per arm; reminder converts 10, discount 30.
    const profiles = Array.from({ length: 400 }, (_, i) => customer(`c${i}`, i % 2 === 0 ? 'reminder' : 'discount'));
    const orders = profiles.filter((_, i) => (i % 2 === 0 ? i < 40 : i < 120)).map((profile) => ({ customerId: profile.id, at: '2026-11-03T00:00:00.000Z', amount: 100 }));

    // Act
    const [experiment] = buildReport([journey], data({ profiles, runs: [], orders }), options).journeys[0]?.comparisons ?? [];

    // Assess
    const [control, variant] = experiment?.arms ?? [];
    expect(control).toMatchObject({ assigned: 200, converted: 20, lift: null, pValue: null, verdict: null });
    expect(variant).toMatchObject({ assigned: 200, converted: 60, revenue: 6000, verdict: 'winner' });
    expect(variant?.lift).toBeCloseTo(2, 10);
    expect(variant?.power).toBeGreaterThan(0);
    expect(experiment?.sampleRatio?.mismatch).toBe(false);
  });

  it('spreads revenue over every assigned customer of the arm, buyers and non-buyers', () => {
    // Prepare
    const orders = [{ customerId: 'b', at: '2026-11-03T00:00:00.000Z', amount: 80 }];

    // Act
    const [experiment] = buildReport([journey], data({ orders }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms[1]).toMatchObject({ converted: 1, revenue: 80, revenuePerCustomer: 40 });
  });

  it('reports only the journey asked for', () => {
    const report = buildReport([journey, { ...journey, id: 'other' }], data(), { ...options, journeyId: 'other' });

    expect(report.journeys.map((entry) => entry.journeyId)).toEqual(['other']);
  });
});
