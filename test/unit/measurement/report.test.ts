import { describe, expect, it } from 'vitest';
import {
  buildReport,
  type ReportData,
  type ReportMessage,
  type ReportProfile,
  type TierConversion,
} from '../../../shared/measurement/report.js';
import { formatReportTable } from '../../../cli/report-table.js';
import { tierRateText } from '../../../shared/measurement/report-cells.js';
import { reportHtml } from '../../../shared/measurement/report-html.js';
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
const AFTER_SPLIT = '2026-11-02T13:00:00.000Z';

/** A ledger entry: an email of the journey sent at `at`, with its first engagement times. */
function message(
  customerId: string,
  variant: string | undefined,
  at: string,
  overrides: Partial<ReportMessage> = {},
): ReportMessage {
  return {
    customerId,
    journeyId: 'vnb',
    ...(variant ? { variant } : {}),
    channel: 'email',
    status: 'sent',
    claimedAt: at,
    engaged: {},
    ...overrides,
  };
}

function customer(id: string, variant: string | undefined, consent: ReportProfile['consent'] = {}): ReportProfile {
  return { id, experiments: variant ? { offer: { variant, assignedAt: SPLIT } } : {}, consent };
}

function data(overrides: Partial<ReportData> = {}): ReportData {
  return {
    profiles: [
      customer('a', 'reminder'),
      customer('b', 'discount'),
      customer('c', 'discount'),
      customer('h', undefined),
    ],
    runs: [
      { journeyId: 'vnb', customerId: 'a', holdout: false, enteredAt: ENTERED },
      { journeyId: 'vnb', customerId: 'b', holdout: false, enteredAt: ENTERED },
      { journeyId: 'vnb', customerId: 'c', holdout: false, enteredAt: ENTERED },
      { journeyId: 'vnb', customerId: 'h', holdout: true, enteredAt: ENTERED },
    ],
    orders: [],
    refunds: [],
    messages: [],
    messageStats: [],
    ...overrides,
  };
}

const options = { minimumDetectable: { effect: 0.02 }, asOf: '2027-01-01T00:00:00Z' };

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

  it('counts a non-order goal reached before the split only from entry, and the first one after the split for the variant', () => {
    // Prepare: b signed up before the split (the run's entry goal) and again after it.
    const signUp = journeyFrom(`
id: vnb
trigger: { event: Product Viewed }
goal: { event: Signed Up, within: 7d }
steps:
  - wait: 2h
  - split: { experiment: offer, variants: [{ id: reminder, weight: 50 }, { id: discount, weight: 50 }] }
  - send: { channel: email, template: t }
`);
    const runs = data().runs.map((run) =>
      run.customerId === 'b'
        ? { ...run, convertedAt: '2026-11-02T11:00:00.000Z', convertedAfterSplitAt: AFTER_SPLIT }
        : run,
    );

    // Act
    const [experiment, holdout] = buildReport([signUp], data({ runs }), options).journeys[0]?.comparisons ?? [];

    // Assess: one conversion in each table, none counted twice.
    expect(experiment?.arms.find((arm) => arm.arm === 'discount')?.converted).toBe(1);
    expect(holdout?.arms.find((arm) => arm.arm === 'journey')?.converted).toBe(1);
  });

  it('keeps message counters per arm under messages and lists refusals by reason; the holdout arm gets the holdout-variant counters', () => {
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
    const [experiment, holdout] =
      buildReport([journey], data({ messageStats }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms[1]).toMatchObject({
      arm: 'discount',
      messages: { sent: 2, opened: 1, delivered: 0 },
      refused: { no_consent: 3 },
    });
    expect(holdout?.arms.map((arm) => [arm.arm, arm.messages.sent, arm.refused])).toEqual([
      ['holdout', 0, { holdout: 1 }],
      ['journey', 3, { no_consent: 3 }],
    ]);
  });

  it('counts the funnel in customers: two emails to one customer, both opened, are one sent and one opened customer', () => {
    // Prepare
    const messages = [
      message('b', 'discount', AFTER_SPLIT, { engaged: { delivered: AFTER_SPLIT, opened: AFTER_SPLIT } }),
      message('b', 'discount', '2026-11-03T13:00:00.000Z', {
        engaged: { delivered: '2026-11-03T13:00:00.000Z', opened: '2026-11-03T14:00:00.000Z' },
      }),
      message('c', 'discount', AFTER_SPLIT, { engaged: { bounced: AFTER_SPLIT } }),
    ];

    // Act
    const [experiment] = buildReport([journey], data({ messages }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms[1]).toMatchObject({
      arm: 'discount',
      assigned: 2,
      sent: 2,
      delivered: 1,
      opened: 1,
      clicked: 0,
      bounced: 1,
    });
  });

  it('counts a sent customer only for a message that went out: failed and unknown sends are not sent', () => {
    const messages = [
      message('b', 'discount', AFTER_SPLIT, { status: 'failed' }),
      message('c', 'discount', AFTER_SPLIT, { status: 'unknown' }),
    ];

    const [experiment] = buildReport([journey], data({ messages }), options).journeys[0]?.comparisons ?? [];

    expect(experiment?.arms[1]?.sent).toBe(0);
  });

  it("counts a customer's messages in an experiment only from their assignment on, and in the holdout comparison from entry", () => {
    // Prepare: b got an email of the journey between entry and the split.
    const messages = [
      message('b', undefined, '2026-11-02T11:00:00.000Z', { engaged: { opened: '2026-11-02T11:30:00.000Z' } }),
    ];

    // Act
    const [experiment, holdout] = buildReport([journey], data({ messages }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms[1]).toMatchObject({ sent: 0, opened: 0 });
    expect(holdout?.arms[1]).toMatchObject({ arm: 'journey', sent: 1, opened: 1 });
  });

  it("does not count another journey's messages in this journey's funnel", () => {
    const messages = [message('b', 'discount', AFTER_SPLIT, { journeyId: 'other' })];

    const [experiment] = buildReport([journey], data({ messages }), options).journeys[0]?.comparisons ?? [];

    expect(experiment?.arms[1]?.sent).toBe(0);
  });

  it('counts the customers of an arm who were sent a message of another arm of the experiment', () => {
    // Prepare: b was first assigned discount, then (the variant renamed away and back) got a reminder email.
    const messages = [message('b', 'reminder', AFTER_SPLIT), message('c', 'discount', AFTER_SPLIT)];

    // Act
    const [experiment] = buildReport([journey], data({ messages }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms.map((arm) => [arm.arm, arm.crossedOver])).toEqual([
      ['reminder', 0],
      ['discount', 1],
    ]);
  });

  it('counts as unsubscribed a customer whose consent was revoked after an email of the journey, not one revoked before it', () => {
    // Prepare: a revoked before the split (and before any email), b after its email.
    const profiles = [
      customer('a', 'reminder', { email: { granted: false, at: '2026-11-01T00:00:00.000Z' } }),
      customer('b', 'discount', { email: { granted: false, at: '2026-11-03T00:00:00.000Z' } }),
      customer('c', 'discount', { sms: { granted: true, at: '2026-11-03T00:00:00.000Z' } }),
    ];
    const messages = [
      message('a', 'reminder', AFTER_SPLIT),
      message('b', 'discount', AFTER_SPLIT),
      message('c', 'discount', AFTER_SPLIT),
    ];

    // Act
    const [experiment] = buildReport([journey], data({ profiles, messages }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms.map((arm) => [arm.arm, arm.unsubscribed])).toEqual([
      ['reminder', 0],
      ['discount', 1],
    ]);
  });

  it('does not count a revocation after the assignment when the journey never sent the customer anything on that channel', () => {
    // Prepare: b unsubscribed from email after the split, but this journey only ever texted b.
    const profiles = [customer('b', 'discount', { email: { granted: false, at: '2026-11-03T00:00:00.000Z' } })];
    const messages = [message('b', 'discount', AFTER_SPLIT, { channel: 'sms' })];

    // Act
    const [experiment] = buildReport([journey], data({ profiles, messages }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms[1]?.unsubscribed).toBe(0);
  });

  it('attributes an unsubscribe once, to the journey whose email came last before it', () => {
    // Prepare: b is in both journeys; vnb emailed b, then the other journey did, then b unsubscribed.
    const other = { ...journey, id: 'other' };
    const profiles = [customer('b', 'discount', { email: { granted: false, at: '2026-11-04T00:00:00.000Z' } })];
    const runs = [
      { journeyId: 'vnb', customerId: 'b', holdout: false, enteredAt: ENTERED },
      { journeyId: 'other', customerId: 'b', holdout: false, enteredAt: ENTERED },
    ];
    const messages = [
      message('b', 'discount', AFTER_SPLIT),
      message('b', 'discount', '2026-11-03T09:00:00.000Z', { journeyId: 'other' }),
    ];

    // Act
    const report = buildReport([journey, other], data({ profiles, runs, messages }), options);

    // Assess
    const unsubscribed = report.journeys.map((entry) => [
      entry.journeyId,
      entry.comparisons[0]?.arms[1]?.unsubscribed,
      entry.comparisons[1]?.arms[1]?.unsubscribed,
    ]);
    expect(unsubscribed).toEqual([
      ['vnb', 0, 0],
      ['other', 1, 1],
    ]);
  });

  it('counts a customer who revoked email and sms after their messages as one unsubscribed customer', () => {
    const profiles = [
      customer('b', 'discount', {
        email: { granted: false, at: '2026-11-04T00:00:00.000Z' },
        sms: { granted: false, at: '2026-11-04T00:00:00.000Z' },
      }),
    ];
    const messages = [message('b', 'discount', AFTER_SPLIT), message('b', 'discount', AFTER_SPLIT, { channel: 'sms' })];

    const [experiment] = buildReport([journey], data({ profiles, messages }), options).journeys[0]?.comparisons ?? [];

    expect(experiment?.arms[1]?.unsubscribed).toBe(1);
  });

  it('gives the variant a lift, test, power and verdict against the control, and leaves the control without them', () => {
    // Prepare: 200 per arm; reminder converts 10, discount 30.
    const profiles = Array.from({ length: 400 }, (_, i) => customer(`c${i}`, i % 2 === 0 ? 'reminder' : 'discount'));
    const orders = profiles
      .filter((_, i) => (i % 2 === 0 ? i < 40 : i < 120))
      .map((profile) => ({ customerId: profile.id, at: '2026-11-03T00:00:00.000Z', amount: 100 }));

    // Act
    const [experiment] =
      buildReport([journey], data({ profiles, runs: [], orders }), options).journeys[0]?.comparisons ?? [];

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
    expect(experiment?.arms[1]).toMatchObject({
      converted: 1,
      revenue: 80,
      revenuePerCustomer: expect.objectContaining({ mean: 40 }),
    });
  });

  it('nets refunds of attributed orders out of the revenue, also when the refund came after the window', () => {
    // Prepare: b's 80.00 order in the window, 20.00 refunded three weeks later.
    const orders = [{ customerId: 'b', orderId: 'o1', at: '2026-11-03T00:00:00.000Z', amount: 80 }];
    const refunds = [{ orderId: 'o1', at: '2026-11-24T00:00:00.000Z', amount: 20 }];

    // Act
    const [experiment] = buildReport([journey], data({ orders, refunds }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms[1]).toMatchObject({
      converted: 1,
      grossRevenue: 80,
      refundedRevenue: 20,
      revenue: 60,
      revenuePerCustomer: expect.objectContaining({ mean: 30 }),
    });
  });

  it('ignores refunds of orders the arm was not credited with', () => {
    // Prepare: b's order came before the split; its refund must not reduce the arm's revenue.
    const orders = [
      { customerId: 'b', orderId: 'before', at: '2026-11-02T11:00:00.000Z', amount: 50 },
      { customerId: 'b', orderId: 'o2', at: '2026-11-03T00:00:00.000Z', amount: 30 },
    ];
    const refunds = [{ orderId: 'before', at: '2026-11-03T01:00:00.000Z', amount: 50 }];

    // Act
    const [experiment] = buildReport([journey], data({ orders, refunds }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms[1]).toMatchObject({ grossRevenue: 30, refundedRevenue: 0, revenue: 30 });
  });

  it('reads a refund without an amount as the whole order refunded', () => {
    const orders = [{ customerId: 'b', orderId: 'o1', at: '2026-11-03T00:00:00.000Z', amount: 80 }];
    const refunds = [{ orderId: 'o1', at: '2026-11-04T00:00:00.000Z' }];

    const [experiment] = buildReport([journey], data({ orders, refunds }), options).journeys[0]?.comparisons ?? [];

    expect(experiment?.arms[1]).toMatchObject({ converted: 1, grossRevenue: 80, refundedRevenue: 80, revenue: 0 });
  });

  it('reports only the journey asked for', () => {
    const report = buildReport([journey, { ...journey, id: 'other' }], data(), { ...options, journeyId: 'other' });

    expect(report.journeys.map((entry) => entry.journeyId)).toEqual(['other']);
  });
});

describe('buildReport: windows, priors and ratios (issue 21)', () => {
  it('keeps customers whose goal window is still open out of the rate, as maturing', () => {
    // Prepare: as of 3 days after the split, the 7-day window of every customer is open; c already ordered.
    const orders = [{ customerId: 'c', orderId: 'o1', at: AFTER_SPLIT, amount: 40 }];
    const asOf = '2026-11-05T12:00:00.000Z';

    // Act
    const [experiment] = buildReport([journey], data({ orders }), { ...options, asOf }).journeys[0]?.comparisons ?? [];

    // Assess: nobody counts yet, c's early order included — counting it would flatter the arm.
    expect(experiment?.arms.map((arm) => [arm.arm, arm.assigned, arm.maturing, arm.converted, arm.rate])).toEqual([
      ['reminder', 1, 1, 0, null],
      ['discount', 2, 2, 0, null],
    ]);
  });

  it('counts a customer once the window has closed, the window end included', () => {
    const orders = [{ customerId: 'c', orderId: 'o1', at: AFTER_SPLIT, amount: 40 }];
    const asOf = '2026-11-09T12:00:00.000Z'; // exactly 7 days after the split

    const [experiment] = buildReport([journey], data({ orders }), { ...options, asOf }).journeys[0]?.comparisons ?? [];

    expect(experiment?.arms.find((arm) => arm.arm === 'discount')).toMatchObject({
      maturing: 0,
      converted: 1,
      rate: expect.objectContaining({ rate: 0.5 }),
    });
  });

  it('reports revenue per customer with its interval and the shared prior in the JSON', () => {
    const orders = [
      { customerId: 'b', orderId: 'o1', at: AFTER_SPLIT, amount: 30 },
      { customerId: 'c', orderId: 'o2', at: AFTER_SPLIT, amount: 50 },
    ];

    const report = JSON.parse(JSON.stringify(buildReport([journey], data({ orders }), options))) as ReturnType<
      typeof buildReport
    >;
    const discount = report.journeys[0]?.comparisons[0]?.arms[1];

    expect(discount?.revenuePerCustomer).toEqual({
      mean: 40,
      standardError: 10,
      lower: expect.closeTo(40 - 1.959964 * 10, 4) as number,
      upper: expect.closeTo(40 + 1.959964 * 10, 4) as number,
    });
    expect(discount?.prior).toMatchObject({ kind: 'pooled', weight: 10 });
    expect(report.methods.revenuePerCustomer).toMatch(/normal approximation/);
  });

  it('checks the holdout share against holdoutPercent', () => {
    // Prepare: 1 holdout of 4 entrants is 25 % against 5 % expected — too few to flag; 40 of 100 is a mismatch.
    const runs = Array.from({ length: 100 }, (_, i) => ({
      journeyId: 'vnb',
      customerId: `r${i}`,
      holdout: i < 40,
      enteredAt: ENTERED,
    }));

    const small = buildReport([journey], data(), { ...options, holdoutPercent: 5 }).journeys[0]?.comparisons[1];
    const large = buildReport([journey], data({ runs }), { ...options, holdoutPercent: 5 }).journeys[0]?.comparisons[1];

    expect(small?.sampleRatio).toMatchObject({ degreesOfFreedom: 1, mismatch: false });
    expect(large?.sampleRatio?.mismatch).toBe(true);
    expect(large?.arms[1]?.verdict).toBe('sample_ratio_mismatch');
  });

  it('puts customers outside the split’s coverage in no experiment arm, messages included', () => {
    // Prepare: h entered, was outside coverage (no assignment) and was emailed without a variant.
    const messages = [message('h', undefined, AFTER_SPLIT)];
    const messageStats = [{ journeyId: 'vnb', variant: undefined, metric: 'sent', count: 1 }];

    // Act
    const [experiment, holdout] =
      buildReport([journey], data({ messages, messageStats }), options).journeys[0]?.comparisons ?? [];

    // Assess
    expect(experiment?.arms.map((arm) => [arm.arm, arm.assigned, arm.sent, arm.messages.sent])).toEqual([
      ['reminder', 1, 0, 0],
      ['discount', 2, 0, 0],
    ]);
    expect(holdout?.arms.find((arm) => arm.arm === 'journey')?.messages.sent).toBe(1);
  });

  it('says who is in each table’s arms', () => {
    const [experiment, holdout] = buildReport([journey], data(), options).journeys[0]?.comparisons ?? [];

    expect(experiment?.armDefinition).toMatch(
      /assigned a variant at the split .*outside the split's coverage are in no arm/,
    );
    expect(holdout?.armDefinition).toMatch(/all entrants outside the global holdout, whatever their variant/);
  });
});

describe('conversion by tier', () => {
  it("counts each tier's entrants outside the holdout by their tier at entry, in settings order, none first", async () => {
    // Prepare: a and c entered as gold, b below every tier, h (holdout) as gold; a and b bought in the window,
    // c only after it; d entered a day before the as-of time (window still open).
    const runs: ReportData['runs'] = [
      { journeyId: 'vnb', customerId: 'a', holdout: false, enteredAt: ENTERED, tier: 'gold' },
      { journeyId: 'vnb', customerId: 'b', holdout: false, enteredAt: ENTERED },
      { journeyId: 'vnb', customerId: 'c', holdout: false, enteredAt: ENTERED, tier: 'gold' },
      { journeyId: 'vnb', customerId: 'h', holdout: true, enteredAt: ENTERED, tier: 'gold' },
      { journeyId: 'vnb', customerId: 'd', holdout: false, enteredAt: '2026-12-31T00:00:00.000Z', tier: 'silver' },
    ];
    const orders: ReportData['orders'] = [
      { customerId: 'a', orderId: 'o1', at: AFTER_SPLIT, amount: 100 },
      { customerId: 'b', orderId: 'o2', at: AFTER_SPLIT, amount: 50 },
      { customerId: 'c', orderId: 'o3', at: '2026-11-20T00:00:00.000Z', amount: 80 },
      { customerId: 'h', orderId: 'o4', at: AFTER_SPLIT, amount: 70 },
    ];

    // Act
    const report = buildReport([journey], data({ runs, orders }), { ...options, tiers: ['bronze', 'silver', 'gold'] });

    // Assess
    const byTier = report.journeys[0]?.byTier ?? [];
    expect(byTier.map(({ tier, entered, maturing, converted }) => [tier, entered, maturing, converted])).toEqual([
      ['none', 1, 0, 1],
      ['silver', 1, 1, 0],
      ['gold', 2, 0, 1],
    ]);
    expect(byTier[2]?.rate?.rate).toBe(0.5);
    expect(byTier[1]?.rate).toBeNull();

    // Assess: the HTML report shows the same breakdown as a table under its caveat (the terminal's line, the JSON's rows).
    const html = await reportHtml(report);
    const tiers = html.slice(html.indexOf('<section class="by-tier">'));
    expect(tiers).toContain('not randomised');
    expect(tiers).toContain(
      '<th>tier at entry</th><th>entered</th><th>converted</th><th>window closed</th><th>rate [95% CI]</th><th>maturing</th>',
    );
    const gold = `<tr><td>gold</td><td>2</td><td>1</td><td>2</td><td>${tierRateText(byTier[2] as TierConversion)}</td><td>0</td></tr>`;
    expect(tiers).toContain(gold);
    expect(tiers).toContain('<tr><td>silver</td><td>1</td><td>0</td><td>0</td><td>—</td><td>1</td></tr>');
    expect(tiers).toContain('<tr><td>none</td><td>1</td><td>1</td><td>1</td><td>100.0% [');
    expect(formatReportTable(report, 200)).toContain(`gold 1/2 ${tierRateText(byTier[2] as TierConversion)}`);
  });

  it('is empty when no run carries a tier (a campaign without tiers)', async () => {
    const report = buildReport([journey], data(), options);
    expect(report.journeys[0]?.byTier).toEqual([]);
    expect(await reportHtml(report)).not.toContain('by-tier');
  });
});
