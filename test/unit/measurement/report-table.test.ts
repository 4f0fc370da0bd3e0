import { describe, expect, it } from 'vitest';
import { formatReportTable } from '../../../cli/report-table.js';
import { buildReport, type ReportProfile } from '../../../shared/measurement/report.js';
import { journeyFrom } from '../journeys/journey-builders.js';

const journey = journeyFrom(`
id: vnb
trigger: { event: Product Viewed }
goal: { event: Order Completed, within: 7d }
steps:
  - id: offer
    split: { experiment: offer, variants: [{ id: reminder, weight: 50 }, { id: discount, weight: 50 }] }
`);

function customers(reminder: number, discount: number): ReportProfile[] {
  return Array.from({ length: reminder + discount }, (_, i) => ({
    id: `c${i}`,
    experiments: { offer: { variant: i < reminder ? 'reminder' : 'discount', assignedAt: '2026-11-02T10:00:00.000Z' } },
    consent: {},
  }));
}

describe('formatReportTable', () => {
  it('warns about a sample ratio mismatch when a 50/50 split came out 300/100', () => {
    // Act
    const text = formatReportTable(
      buildReport(
        [journey],
        { profiles: customers(300, 100), runs: [], orders: [], refunds: [], messages: [], messageStats: [] },
        { minimumDetectable: { effect: 0.02 }, asOf: '2027-01-01T00:00:00Z' },
      ),
    );

    // Assess
    expect(text).toContain('sample ratio mismatch');
  });

  it('prints no mismatch warning for a balanced split, and one row per arm with the control marked', () => {
    // Act
    const text = formatReportTable(
      buildReport(
        [journey],
        { profiles: customers(200, 205), runs: [], orders: [], refunds: [], messages: [], messageStats: [] },
        { minimumDetectable: { effect: 0.02 }, asOf: '2027-01-01T00:00:00Z' },
      ),
    );

    // Assess
    expect(text).not.toContain('sample ratio mismatch');
    expect(text).toMatch(/reminder\s+200 .*control/);
    expect(text).toMatch(/discount\s+205 .*not_enough_data/);
  });

  it('prints message counts and refusals apart from the customer columns, and the refunds behind the net revenue', () => {
    // Prepare: one discount customer got two emails and refunded 25.00 of a 100.00 order.
    const profiles = customers(1, 1);
    const messages = [0, 1].map((hour) => ({
      customerId: 'c1',
      journeyId: 'vnb',
      variant: 'discount',
      channel: 'email' as const,
      status: 'sent' as const,
      claimedAt: `2026-11-02T1${hour + 1}:00:00.000Z`,
      engaged: {},
    }));
    const messageStats = [
      { journeyId: 'vnb', variant: 'discount', metric: 'sent', count: 2 },
      { journeyId: 'vnb', variant: 'discount', metric: 'no_consent', count: 1 },
    ];
    const orders = [{ customerId: 'c1', orderId: 'o1', at: '2026-11-03T10:00:00.000Z', amount: 100 }];
    const refunds = [{ orderId: 'o1', at: '2026-11-20T10:00:00.000Z', amount: 25 }];

    // Act
    const text = formatReportTable(
      buildReport(
        [journey],
        { profiles, runs: [], orders, refunds, messages, messageStats },
        { minimumDetectable: { effect: 0.02 }, asOf: '2027-01-01T00:00:00Z' },
      ),
    );

    // Assess
    expect(text).toMatch(/discount\s+1\s+0\s+1 /);
    expect(text).toContain('discount messages: sent 2; refused: no_consent 1');
    expect(text).toContain('discount revenue: gross 100.00 − refunded 25.00 = net 75.00');
  });

  it('fits 100 columns by leaving out low-value columns, and shows them all when wide', () => {
    // Prepare
    const report = buildReport(
      [journey],
      { profiles: customers(200, 205), runs: [], orders: [], refunds: [], messages: [], messageStats: [] },
      { minimumDetectable: { effect: 0.02 }, asOf: '2027-01-01T00:00:00Z' },
    );
    // Act
    const narrow = formatReportTable(report, 100);
    const wide = formatReportTable(report);
    // Assess
    const over = (text: string) => text.split('\n').filter((line) => [...line].length > 100);
    expect(over(narrow)).toEqual([]);
    expect(narrow).toMatch(/columns left out to fit 100 characters: deliv, [\s\S]*--wide shows them/);
    expect(narrow).toMatch(/\bverdict\b/);
    expect(narrow).toMatch(/lift \[95% CI\]/);
    expect(over(wide).length).toBeGreaterThan(0);
    expect(wide).toMatch(/\bdeliv\b/);
  });
});
