/**
 * The A/B report as ONE self-contained HTML file: tables plus charts rendered to SVG in Node
 * with Vega-Lite → Vega (`View.toSVG()` needs no browser), inlined — no script, no network,
 * readable offline and attachable to an email. Charts per comparison: conversion rate with its
 * Wilson 95 % interval per arm, the customer funnel, and conversions per day.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ArmReport, ComparisonReport, JourneyReport, Report } from './report.js';
import {
  funnelCells,
  NPS_CAVEAT,
  NPS_HEADER,
  npsRows,
  reportFootnotes,
  shopNpsLine,
  statisticCells,
  TIER_CAVEAT,
  TIER_HEADER,
  tierRows,
} from './report-cells.js';

export async function reportHtml(report: Report): Promise<string> {
  const sections = await reportSections(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sadakat A/B report</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
.arms { max-width: 100%; overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; }
th, td { padding: .25rem .5rem; border-bottom: 1px solid #ddd; text-align: right; }
th { max-width: 8rem; vertical-align: bottom; }
td { white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.warning { color: #a00; font-weight: 600; }
.winner { color: #070; font-weight: 600; } .loser, .sample_ratio_mismatch { color: #a00; font-weight: 600; }
</style>
</head>
<body>
<h1>sadakat A/B report</h1>
<p>Customers count from their first assignment (intent to treat); a conversion is the journey's goal within its window after it. Assigned through converted are customers (sent: sent at least one message of the journey after assignment; unsubscribed: their unsubscribe followed this journey's message last); message columns count messages.</p>
<ul>${reportFootnotes(report)
    .map((note) => `<li>${escape(note)}</li>`)
    .join('')}</ul>
${shopNpsHtml(report)}${sections.join('\n')}
</body>
</html>
`;
}

function shopNpsHtml(report: Report): string {
  const line = shopNpsLine(report);
  return line === null ? '' : `<p class="nps">${escape(line)}</p>\n`;
}

/** The journey's conversion by tier at entry, under its caveat; nothing when no run carries a tier. */
function tierTable(journey: JourneyReport): string {
  const rows = tierRows(journey);
  if (rows.length === 0) return '';
  return `<section class="by-tier"><h3>Conversion by tier at entry</h3><p>${escape(TIER_CAVEAT)}.</p>${textTable(TIER_HEADER, rows, 'conversion by tier')}</section>`;
}

/** Plain-text cells as a scrolling, focusable table (escaped: tier and arm names come from the campaign). */
function textTable(header: readonly string[], rows: readonly (string | number)[][], label: string): string {
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escape(String(cell))}</td>`).join('')}</tr>`).join('');
  return `<div class="arms" tabindex="0" role="region" aria-label="${escape(label)}"><table><thead><tr>${header.map((name) => `<th>${escape(name)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** Answers, response rate and NPS per arm, under its caveat; nothing when nobody answered. */
function npsTable(comparison: ComparisonReport): string {
  const rows = npsRows(comparison);
  if (rows.length === 0) return '';
  return `<p class="nps-caveat">${escape(NPS_CAVEAT)}.</p>${textTable(NPS_HEADER, rows, 'NPS per arm')}`;
}

function comparisonTitle(comparison: ComparisonReport): string {
  return comparison.kind === 'holdout'
    ? 'Global holdout vs all entrants (from entry)'
    : `Experiment ${comparison.name} (from the split; control: ${comparison.control})`;
}

/**
 * The columns a marketer decides by come first — rate, lift, P(beat control), verdict — so they
 * show without scrolling at 1280 px; the funnel and money details follow, and the table scrolls
 * inside its own box when the window is narrower than all of them.
 */
function armTable(arms: readonly ArmReport[]): string {
  const header = [
    'arm',
    'assigned',
    'converted',
    'rate [95% CI]',
    'lift of rate [95% CI]',
    'P(beat control)',
    'verdict',
    'net revenue per customer [95% CI]',
    'smallest lift detectable (80% power)',
    'maturing',
    'sent',
    'delivered',
    'opened',
    'clicked',
    'bounced',
    'unsubscribed',
    'messages sent',
    'refused (messages)',
    'total net revenue (grows with arm size)',
    'refunded',
  ];
  const rows = arms.map((arm) => {
    const refused =
      Object.entries(arm.refused)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ') || '0';
    const [assigned, sent, delivered, opened, clicked, bounced, unsubscribed, converted] = funnelCells(arm);
    const [rate, revenuePerCustomer, lift, beat, detectable] = statisticCells(arm);
    const cells = [
      arm.arm,
      assigned,
      converted,
      rate,
      lift,
      beat,
      arm.verdict === null ? 'control' : `<span class="${arm.verdict}">${arm.verdict.replaceAll('_', ' ')}</span>`,
      revenuePerCustomer,
      detectable,
      arm.maturing,
      sent,
      delivered,
      opened,
      clicked,
      bounced,
      unsubscribed,
      arm.messages.sent,
      refused,
      arm.revenue.toFixed(2),
      arm.refundedRevenue.toFixed(2),
    ];
    return `<tr>${cells.map((cell, index) => `<td>${index === 0 ? escape(String(cell)) : cell}</td>`).join('')}</tr>`;
  });
  // Focusable and named: a table wider than the screen scrolls, and keyboard users must reach it.
  return `<div class="arms" tabindex="0" role="region" aria-label="arms"><table><thead><tr>${header.map((name) => `<th>${name}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function rateChart(comparison: ComparisonReport): TopLevelSpec {
  const values = comparison.arms.flatMap((arm) =>
    arm.rate ? [{ arm: arm.arm, rate: arm.rate.rate, lower: arm.rate.lower, upper: arm.rate.upper }] : [],
  );
  return {
    title: 'Conversion rate (95% Wilson interval)',
    width: 260,
    height: 40 * Math.max(values.length, 1),
    data: { values },
    encoding: { y: { field: 'arm', type: 'nominal', title: null, sort: null } },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x: { field: 'lower', type: 'quantitative', axis: { format: '.1%' }, title: 'rate' },
          x2: { field: 'upper' },
        },
      },
      { mark: { type: 'point', filled: true, size: 80 }, encoding: { x: { field: 'rate', type: 'quantitative' } } },
    ],
  };
}

function funnelChart(comparison: ComparisonReport): TopLevelSpec {
  const stages = ['assigned', 'sent', 'delivered', 'opened', 'clicked', 'converted'] as const;
  const values = comparison.arms.flatMap((arm) =>
    stages.map((stage, order) => ({ arm: arm.arm, stage, order, count: arm[stage] })),
  );
  return {
    title: 'Funnel (customers)',
    width: 260,
    height: 180,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'stage', type: 'ordinal', sort: [...stages], title: null },
      xOffset: { field: 'arm', type: 'nominal', sort: null },
      y: { field: 'count', type: 'quantitative', title: 'customers' },
      color: { field: 'arm', type: 'nominal', sort: null },
    },
  };
}

function dailyChart(comparison: ComparisonReport): TopLevelSpec {
  const values = comparison.arms.flatMap((arm) =>
    Object.entries(arm.dailyConversions).map(([day, count]) => ({ arm: arm.arm, day, count })),
  );
  values.sort((a, b) => a.day.localeCompare(b.day) || a.arm.localeCompare(b.arm));
  return {
    title: 'Conversions per day',
    width: 260,
    height: 180,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'day', type: 'ordinal', title: null },
      y: { field: 'count', type: 'quantitative', title: 'conversions' },
      color: { field: 'arm', type: 'nominal', sort: null },
    },
  };
}

/**
 * The report's body, one `<article>` per journey (tables and charts): the HTML report's and
 * `sadakat console`'s /experiments page's, so both show the same numbers.
 */
export async function reportSections(report: Report): Promise<string[]> {
  const sections: string[] = [];
  for (const journey of report.journeys) {
    const parts = [
      `<h2>${escape(journey.journeyId)}</h2>`,
      `<p>${journey.entered} customers entered · goal: ${escape(journey.goal ?? 'none')}</p>`,
    ];
    for (const comparison of journey.comparisons) {
      parts.push(
        `<section class="comparison"><h3>${escape(comparisonTitle(comparison))}</h3>`,
        `<p>Arms: ${escape(comparison.armDefinition)}.</p>`,
      );
      if (comparison.sampleRatio?.mismatch) {
        parts.push(
          `<p class="warning">Sample ratio mismatch (χ² p = ${comparison.sampleRatio.pValue.toExponential(2)}): ${comparison.kind === 'holdout' ? 'the holdout is not the share settings give (holdoutPercent)' : 'the split is not what was configured'}; do not trust this comparison.</p>`,
        );
      }
      parts.push(armTable(comparison.arms), npsTable(comparison));
      for (const arm of comparison.arms) {
        if (arm.crossedOver > 0)
          parts.push(
            `<p class="warning">${arm.crossedOver} customers of ${escape(arm.arm)} were also sent another variant's message.</p>`,
          );
      }
      parts.push('<div class="charts">');
      const converted = comparison.arms.some((arm) => arm.converted > 0);
      parts.push(
        await chart(rateChart(comparison)),
        await chart(funnelChart(comparison)),
        converted ? await chart(dailyChart(comparison)) : '<p>No conversions yet: nothing to draw per day.</p>',
      );
      parts.push('</div></section>');
    }
    parts.push(tierTable(journey));
    sections.push(`<article>${parts.join('\n')}</article>`);
  }
  return sections;
}

/** A vega-lite chart as static SVG in a `<figure>` (rendered here: nothing runs in the page). */
export async function chart(spec: TopLevelSpec): Promise<string> {
  // One image with one name for assistive technology: vega's per-mark ARIA roles carry no names.
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const name = typeof spec.title === 'string' ? spec.title : (spec.description ?? 'chart');
  try {
    const svg = (await view.toSVG())
      .replace(/ (role|aria-roledescription|aria-label)="[^"]*"/g, '')
      .replace(/^<svg /, `<svg role="img" aria-label="${escape(name)}" `);
    return `<figure>${svg}</figure>`;
  } finally {
    view.finalize();
  }
}

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
