/** `/experiments`: the A/B report — the same function, data and settings as `sadakat report`. */
import { reportSections } from '../../shared/measurement/report-html.js';
import type { Report } from '../../shared/measurement/report.js';
import type { Journey } from '../../shared/journeys/ast.js';
import { type Html, html, trusted } from '../html.js';
import { type PageContext, table } from '../layout.js';

export async function experimentsBody(
  report: Report,
  note: Html = html`The numbers of <code>sadakat report</code> on this data folder, as of the time above.`,
): Promise<Html> {
  if (report.journeys.length === 0)
    return html`<p class="note">${note}</p><p class="empty">No journey has entrants yet.</p>`;
  const sections = await reportSections(report);
  return html`<p class="note">${note}</p>
${report.journeys.map((journey, i) => html`<div id="${journey.journeyId}" class="report">${trusted(sections[i] ?? '')}</div>`)}`;
}

const FUNNEL = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'complained'] as const;

/**
 * `/experiments` on a deployed table (decision 223): per journey and variant, the message counters
 * (`STATS#MSG#`) the report reads — sends, engagement, and the decisions that sent nothing — with
 * why the rest of the report is not shown. Each count is the same number `sadakat report` adds up.
 */
export function experimentCountersBody(
  context: PageContext,
  journeys: readonly Journey[],
  counters: Record<string, Record<string, Record<string, number>>>,
  why: string,
): Html {
  const n = context.formats.number;
  return html`<p class="note">${why}</p>
${journeys.map((journey) => {
  const variants = Object.entries(counters[journey.id] ?? {}).sort((a, b) => a[0].localeCompare(b[0]));
  return html`<div id="${journey.id}" class="report">${table(
    `${journey.id}: message counters per variant`,
    ['variant', ...FUNNEL, 'not sent (refused, deferred, holdout…)'],
    variants.map(([variant, metrics]) => [
      html`${variant === '-' ? 'all runs (no split)' : variant}`,
      ...FUNNEL.map((metric) => html`${n(metrics[metric] ?? 0)}`),
      html`${n(
        Object.entries(metrics)
          .filter(([metric]) => !(FUNNEL as readonly string[]).includes(metric))
          .reduce((sum, [, count]) => sum + count, 0),
      )}`,
    ]),
    new Set([1, 2, 3, 4, 5, 6, 7]),
  )}</div>`;
})}`;
}
