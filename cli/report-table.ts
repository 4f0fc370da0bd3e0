/** The A/B report as terminal text: one table per comparison (experiment variants, holdout vs entrants). */
import type { ArmReport, Report } from '../shared/measurement/report.js';
import { liftText, percent, percentOrDash, pValueText, rateText } from '../shared/measurement/report-cells.js';
import { formatTable } from './text-table.js';

export function formatReportTable(report: Report): string {
  const out: string[] = [];
  for (const journey of report.journeys) {
    out.push(`journey ${journey.journeyId} — ${journey.entered} customers entered; goal: ${journey.goal ?? 'none (nothing converts)'}`);
    for (const comparison of journey.comparisons) {
      const title = comparison.kind === 'holdout' ? 'global holdout vs all entrants (from entry)' : `experiment ${comparison.name} (from the split; control ${comparison.control})`;
      out.push(`  ${title}`);
      const rows = comparison.arms.map((arm) => armRow(arm));
      out.push(
        indent(
          formatTable(
            ['arm', 'assigned', 'sent', 'refused', 'deliv', 'open', 'click', 'bounce', 'unsub', 'conv', 'rate [95% CI]', 'revenue', 'lift', 'p', 'P(beat)', 'power', 'verdict'],
            rows,
          ),
        ),
      );
      for (const arm of comparison.arms) {
        const refused = Object.entries(arm.refused).map(([reason, count]) => `${reason} ${count}`);
        if (refused.length > 0) out.push(`    ${arm.arm} refused: ${refused.join(' · ')}`);
      }
      if (comparison.sampleRatio?.mismatch) {
        out.push(`    ⚠ sample ratio mismatch (χ² p = ${comparison.sampleRatio.pValue.toExponential(2)}): the split is not what was configured; do not trust this comparison`);
      }
    }
    out.push('');
  }
  out.push(`power: to detect an absolute difference of ${percent(report.minimumDetectableEffect)} (settings minimumDetectableEffect) at α = 0.05; p: Holm-adjusted when an experiment has several variants`);
  return `${out.join('\n')}\n`;
}

function armRow(arm: ArmReport): (string | number)[] {
  const refused = Object.values(arm.refused).reduce((sum, count) => sum + count, 0);
  return [
    arm.arm,
    arm.assigned,
    arm.sent,
    refused,
    arm.delivered,
    arm.opened,
    arm.clicked,
    arm.bounced,
    arm.unsubscribed,
    arm.converted,
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
