/** `/experiments`: the A/B report — the same function, data and settings as `sadakat report`. */
import { reportSections } from '../../shared/measurement/report-html.js';
import type { Report } from '../../shared/measurement/report.js';
import { type Html, html, trusted } from '../html.js';

export async function experimentsBody(report: Report): Promise<Html> {
  if (report.journeys.length === 0) return html`<p class="empty">No journey has entrants yet.</p>`;
  const sections = await reportSections(report);
  return html`<p class="note">The numbers of <code>sadakat report</code> on this data folder, as of the time above.</p>
${report.journeys.map((journey, i) => html`<div id="${journey.journeyId}" class="report">${trusted(sections[i] ?? '')}</div>`)}`;
}
