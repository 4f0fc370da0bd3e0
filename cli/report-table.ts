/** The A/B report as terminal text: one table per comparison (experiment variants, holdout vs entrants). */
import type { ArmReport, JourneyReport, Report } from '../shared/measurement/report.js';
import {
  funnelCells,
  NPS_CAVEAT,
  NPS_HEADER,
  npsRows,
  reportFootnotes,
  shopNpsLine,
  statisticCells,
  tierRateText,
} from '../shared/measurement/report-cells.js';
import { fitTable, wrapLine } from './text-table.js';

/** Left out first when a report table is wider than the terminal (`--wide` shows every column). */
const LOW_VALUE_COLUMNS = [
  'deliv',
  'bounce',
  'open',
  'click',
  'maturing',
  'unsub',
  'detectable lift',
  'total net revenue',
  'rev/customer [95% CI]',
  'sent',
];

/** `width`: the columns the text must fit (default: no limit, every column). */
export function formatReportTable(report: Report, width = Number.POSITIVE_INFINITY): string {
  const out: string[] = [];
  const dropped = new Set<string>();
  const shopNps = shopNpsLine(report);
  if (shopNps !== null) out.push(shopNps, '');
  for (const journey of report.journeys) {
    out.push(
      `journey ${journey.journeyId} — ${journey.entered} customers entered; goal: ${journey.goal ?? 'none (nothing converts)'}`,
    );
    for (const comparison of journey.comparisons) {
      const title =
        comparison.kind === 'holdout'
          ? 'global holdout vs all entrants (from entry)'
          : `experiment ${comparison.name} (from the split; control ${comparison.control})`;
      out.push(`  ${title}`, `  arms: ${comparison.armDefinition}`);
      const rows = comparison.arms.map((arm) => armRow(arm));
      const fitted = fitTable(
        [
          'arm',
          'assigned',
          'maturing',
          'sent',
          'deliv',
          'open',
          'click',
          'bounce',
          'unsub',
          'conv',
          'rate [95% CI]',
          'rev/customer [95% CI]',
          'lift [95% CI]',
          'P(beat)',
          'detectable lift',
          'verdict',
          'total net revenue',
        ],
        rows,
        width - 4,
        LOW_VALUE_COLUMNS,
      );
      for (const name of fitted.dropped) dropped.add(name);
      out.push(indent(fitted.text));
      for (const arm of comparison.arms) out.push(...armNotes(arm));
      const nps = npsRows(comparison);
      if (nps.length > 0) {
        const fittedNps = fitTable(NPS_HEADER, nps, width - 4, ['passives', 'promoters', 'detractors']);
        for (const name of fittedNps.dropped) dropped.add(name);
        out.push(`    ${NPS_CAVEAT}`, indent(fittedNps.text));
      }
      if (comparison.sampleRatio?.mismatch) {
        out.push(
          `    ⚠ sample ratio mismatch (χ² p = ${comparison.sampleRatio.pValue.toExponential(2)}): ${comparison.kind === 'holdout' ? 'the holdout is not the share settings give (holdoutPercent)' : 'the split is not what was configured'}; do not trust this comparison`,
        );
      }
    }
    if (journey.byTier.length > 0) out.push(tierLine(journey));
    out.push('');
  }
  out.push(...reportFootnotes(report));
  if (dropped.size > 0)
    out.push(
      `columns left out to fit ${width} characters: ${[...dropped].join(', ')} (--wide shows them; --format json has everything)`,
    );
  // Tables fit already; the prose lines around them wrap.
  return `${out
    .join('\n')
    .split('\n')
    .map((line) => wrapLine(line, width))
    .join('\n')}\n`;
}

/** `  by tier at entry (entrants outside the holdout): none 3/40 7.5% [2.6%, 19.9%] · gold 5/12 …`. */
function tierLine(journey: JourneyReport): string {
  const cells = journey.byTier.map((tier) => {
    const closed = tier.entered - tier.maturing;
    const rate = tier.rate ? ` ${tierRateText(tier)}` : '';
    const maturing = tier.maturing > 0 ? ` (+${tier.maturing} maturing)` : '';
    return `${tier.tier} ${tier.converted}/${closed}${rate}${maturing}`;
  });
  return `  conversion by tier at entry (entrants outside the holdout): ${cells.join(' · ')}`;
}

/** Message counts, refusals (messages), refunds and crossed-over customers under the table. */
function armNotes(arm: ArmReport): string[] {
  const notes: string[] = [];
  const messages = Object.entries(arm.messages).filter(([, count]) => count > 0);
  const refused = Object.entries(arm.refused).map(([reason, count]) => `${reason} ${count}`);
  if (messages.length > 0 || refused.length > 0) {
    const sent = messages.map(([metric, count]) => `${metric} ${count}`).join(' · ') || 'none sent';
    notes.push(`    ${arm.arm} messages: ${sent}${refused.length > 0 ? `; refused: ${refused.join(' · ')}` : ''}`);
  }
  if (arm.refundedRevenue > 0)
    notes.push(
      `    ${arm.arm} revenue: gross ${arm.grossRevenue.toFixed(2)} − refunded ${arm.refundedRevenue.toFixed(2)} = net ${arm.revenue.toFixed(2)}`,
    );
  if (arm.crossedOver > 0)
    notes.push(`    ⚠ ${arm.crossedOver} ${arm.arm} customers were also sent another variant's message`);
  return notes;
}

function armRow(arm: ArmReport): (string | number)[] {
  const [assigned, ...funnel] = funnelCells(arm);
  return [
    arm.arm,
    assigned ?? arm.assigned,
    arm.maturing,
    ...funnel,
    ...statisticCells(arm),
    arm.verdict ?? 'control',
    arm.revenue.toFixed(2),
  ];
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
