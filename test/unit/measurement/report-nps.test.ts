/** The report's NPS (issue 22): per arm from each customer's last answer in the goal window after assignment, and overall. */
import { describe, expect, it } from 'vitest';
import { formatReportTable } from '../../../cli/report-table.js';
import { buildReport, type ReportData, type ReportSurveyAnswer } from '../../../shared/measurement/report.js';
import { reportHtml } from '../../../shared/measurement/report-html.js';
import { journeyFrom } from '../journeys/journey-builders.js';

const journey = journeyFrom(`
id: nps
trigger: { event: Order Completed }
goal: { event: Survey Answered, where: { survey_id: post-purchase }, within: 7d }
steps:
  - wait: 3d
  - send: { channel: email, template: nps-survey }
`);

const ENTERED = '2026-11-02T10:00:00.000Z';
const answer = (customerId: string, score: number, at: string, surveyId = 'post-purchase'): ReportSurveyAnswer => ({
  customerId,
  surveyId,
  score,
  at,
});

function data(surveyAnswers: ReportSurveyAnswer[]): ReportData {
  const ids = ['a', 'b', 'c', 'd', 'e', 'h'];
  return {
    profiles: ids.map((id) => ({ id, experiments: {}, consent: {} })),
    runs: ids.map((customerId) => ({ journeyId: 'nps', customerId, holdout: customerId === 'h', enteredAt: ENTERED })),
    orders: [],
    refunds: [],
    messages: [],
    messageStats: [],
    surveyAnswers,
  };
}

const options = { minimumDetectable: { effect: 0.02 }, asOf: '2027-01-01T00:00:00Z' };

describe('NPS in the report', () => {
  it("counts each customer's last answer to the goal's survey inside the window, beside the response rate", () => {
    // Prepare
    const answers = [
      answer('a', 2, '2026-11-05T10:00:00.000Z'),
      answer('a', 10, '2026-11-06T10:00:00.000Z'), // a's last answer in the window: a promoter
      answer('b', 9, '2026-11-05T10:00:00.000Z'),
      answer('b', 0, '2026-11-20T10:00:00.000Z'), // after the 7-day window: does not count
      answer('c', 3, '2026-11-05T10:00:00.000Z', 'support'), // another survey: does not count
      answer('d', 8, '2026-11-01T10:00:00.000Z'), // before entry: does not count
      answer('e', 5, '2026-11-04T10:00:00.000Z'),
    ];

    // Act
    const report = buildReport([journey], data(answers), options);

    // Assess: the entrants arm (a, b, c, d, e): a promoter 10, b promoter 9, e detractor 5
    const arms = report.journeys[0]?.comparisons.find((comparison) => comparison.kind === 'holdout')?.arms ?? [];
    const entrants = arms.find((arm) => arm.arm === 'journey');
    expect(entrants?.nps).toMatchObject({ promoters: 2, passives: 0, detractors: 1, responses: 3, score: 33.3 });
    expect(entrants?.responseRate).toBeCloseTo(3 / 5);
    expect(arms.find((arm) => arm.arm === 'holdout')).toMatchObject({ nps: null, responseRate: 0 });
  });

  it("gives the shop's NPS from every customer's last answer to any survey", () => {
    // Act
    const report = buildReport(
      [journey],
      data([
        answer('a', 2, '2026-11-05T10:00:00.000Z'),
        answer('a', 10, '2026-11-06T10:00:00.000Z'),
        answer('c', 3, '2026-11-05T10:00:00.000Z', 'support'),
        answer('d', 8, '2026-11-01T10:00:00.000Z'),
      ]),
      options,
    );

    // Assess
    expect(report.nps).toMatchObject({ promoters: 1, passives: 1, detractors: 1, responses: 3, score: 0 });
    expect(report.nps?.lower).toBeLessThan(0);
    expect(report.methods.responseRate).toMatch(/not intent-to-treat/);
  });

  it('has no NPS without answers', () => {
    expect(buildReport([journey], data([]), options).nps).toBeNull();
  });

  it('shows NPS with its interval and the response rate per arm, labelled not intent-to-treat, in the table and the HTML', async () => {
    // Prepare: entrants a (10), b (9), e (5) answered; the holdout h did not.
    const report = buildReport(
      [journey],
      data([
        answer('a', 10, '2026-11-06T10:00:00.000Z'),
        answer('b', 9, '2026-11-05T10:00:00.000Z'),
        answer('e', 5, '2026-11-04T10:00:00.000Z'),
      ]),
      options,
    );
    const entrants = report.journeys[0]?.comparisons[0]?.arms.find((arm) => arm.arm === 'journey')?.nps;
    const interval = `+33.3 [${entrants?.lower?.toFixed(1)}, +${entrants?.upper?.toFixed(1)}]`;

    // Act
    const table = formatReportTable(report, 100);
    const html = await reportHtml(report);

    // Assess
    expect(entrants?.lower).toBeLessThan(0);
    expect(table).toContain('not intent-to-treat');
    expect(table).toMatch(/answers\s+response rate\s+NPS \[95% CI\]/);
    expect(table.split('\n').find((line) => line.startsWith('    journey') && line.includes(interval))).toMatch(
      /^ {4}journey\s+3\s+60\.0%\s+\+33\.3 \[/,
    );
    expect(table).toMatch(/holdout\s+0\s+0\.0%\s+—/);
    expect(table).toContain('shop NPS +33.3 [');
    for (const line of table.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(100);
    expect(html).toContain('not intent-to-treat');
    expect(html).toContain(`<td>journey</td><td>3</td><td>60.0%</td><td>${interval}</td>`);
    expect(html).toContain('<th>response rate</th>');
  });

  it('shows no NPS table for a journey nobody answered a survey of', () => {
    const table = formatReportTable(buildReport([journey], data([]), options));
    expect(table).not.toContain('NPS [95% CI]');
    expect(table).not.toContain('shop NPS');
  });
});
