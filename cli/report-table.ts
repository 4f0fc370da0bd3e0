/** The A/B report as terminal text: one table per comparison (experiment variants, holdout vs entrants). */
import type { ArmReport, Report } from '../shared/measurement/report.js';
import {
  funnelCells,
  liftText,
  percent,
  percentOrDash,
  pValueText,
  rateText,
} from '../shared/measurement/report-cells.js';
import { formatTable } from './text-table.js';

export function formatReportTable(report: Report): string {
  const out: string[] = [];
  for (const journey of report.journeys) {
    out.push(
      `journey ${journey.journeyId} — ${journey.entered} customers entered; goal: ${journey.goal ?? 'none (nothing converts)'}`,
    );
    for (const comparison of journey.comparisons) {
      const title =
        comparison.kind === 'holdout'
          ? 'global holdout vs all entrants (from entry)'
          : `experiment ${comparison.name} (from the split; control ${comparison.control})`;
      out.push(`  ${title}`);
      const rows = comparison.arms.map((arm) => armRow(arm));
      out.push(
        indent(
          formatTable(
            [
              'arm',
              'assigned',
              'sent',
              'deliv',
              'open',
              'click',
              'bounce',
              'unsub',
              'conv',
              'rate [95% CI]',
              'net revenue',
              'lift',
              'p',
              'P(beat)',
              'power',
              'verdict',
            ],
            rows,
          ),
        ),
      );
      for (const arm of comparison.arms) out.push(...armNotes(arm));
      if (comparison.sampleRatio?.mismatch) {
        out.push(
          `    ⚠ sample ratio mismatch (χ² p = ${comparison.sampleRatio.pValue.toExponential(2)}): the split is not what was configured; do not trust this comparison`,
        );
      }
    }
    out.push('');
  }
  out.push(
    'customers: assigned to conv (sent = sent at least one message of the journey after assignment, …); messages: counts of messages; net revenue: refunds of the credited orders subtracted',
  );
  out.push(
    `power: to detect an absolute difference of ${percent(report.minimumDetectableEffect)} (settings minimumDetectableEffect) at α = 0.05; p: Holm-adjusted when an experiment has several variants`,
  );
  return `${out.join('\n')}\n`;
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
  return [
    arm.arm,
    ...funnelCells(arm),
    rateText(arm),
    arm.revenue.toFixed(2),
    liftText(arm),
    pValueText(arm),
    percentOrDash(arm.probabilityToBeatControl),
    percentOrDash(arm.power),
    arm.verdict ?? 'control',
  ];
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
