/** `/`: customers, events and sends per day, decisions by reason, segment sizes, journeys now. */
import type { TopLevelSpec } from 'vega-lite';
import type { ConsoleSnapshot } from '../../shared/aws/dynamo-console-source.js';
import { chart } from '../../shared/measurement/report-html.js';
import { type Html, html, trusted } from '../html.js';
import { type PageContext, table } from '../layout.js';

/** The last days the charts show. */
const CHART_DAYS = 30;

export async function overviewBody(context: PageContext, snapshot: ConsoleSnapshot): Promise<Html> {
  const { formats } = context;
  const n = formats.number;
  const events = lastDays(snapshot.eventsPerDay).map(([day, count]) => ({ day, count }));
  const sends = lastDays(snapshot.sendsPerDay).flatMap(([day, channels]) =>
    Object.entries(channels).map(([channel, count]) => ({ day, channel, count })),
  );
  const totalSent = sends.reduce((sum, row) => sum + row.count, 0);
  const decisions = Object.entries(snapshot.decisions).sort((a, b) => b[1] - a[1]);
  const journeys = context.campaign.loaded?.journeys ?? [];
  const counted = (value: number) => (snapshot.counted ? n(value) : '—');
  return html`${snapshotNotes(snapshot)}<section class="tiles" aria-label="Totals">
  <div class="tile"><span class="label">Customers</span><span class="value">${counted(snapshot.customers)}</span></div>
  <div class="tile"><span class="label">Anonymous visitors</span><span class="value">${counted(snapshot.anonymous)}</span></div>
  <div class="tile"><span class="label">Messages sent${snapshot.daily ? ` (last ${CHART_DAYS} days)` : ''}</span><span class="value">${
    snapshot.daily ? n(totalSent) : n(snapshot.decisions.sent ?? 0)
  }</span></div>
  <div class="tile"><span class="label">Journeys running</span><span class="value">${counted(
    Object.values(snapshot.journeys).reduce((sum, journey) => sum + journey.active, 0),
  )}</span></div>
</section>
<div class="charts">
${
  !snapshot.daily
    ? html`<p class="empty">Events and sends per day: not available in --table mode (they would take a scan of the table).</p>`
    : events.length > 0
      ? trusted(await chart(barChart('Events per day', events, 'count', undefined, context)))
      : html`<p class="empty">No events yet.</p>`
}
${
  !snapshot.daily
    ? ''
    : sends.length > 0
      ? trusted(await chart(barChart('Sends per day and channel', sends, 'count', 'channel', context)))
      : html`<p class="empty">No messages sent yet.</p>`
}
</div>
<div class="columns">
${table(
  'Send decisions by reason',
  ['reason', 'messages'],
  decisions.map(([reason, count]) => [html`${reason.replaceAll('_', ' ')}`, html`${n(count)}`]),
  new Set([1]),
)}
${table(
  'Segment sizes',
  ['segment', 'members'],
  Object.entries(snapshot.segments)
    // Sizes not counted (NaN: other segments than audiences in --table mode) go last.
    .sort((a, b) => sizeOrder(b[1].members) - sizeOrder(a[1].members))
    .map(([id, segment]) => [
      html`<a href="/segments/${encodeURIComponent(id)}">${id}</a>`,
      html`${n(segment.members)}`,
    ]),
  new Set([1]),
)}
${table(
  'Journeys',
  ['journey', 'running now', 'entered'],
  journeys.map((journey) => {
    const counts = snapshot.journeys[journey.id];
    return [
      html`<a href="/journeys/${encodeURIComponent(journey.id)}">${journey.id}</a>`,
      html`${counted(counts?.active ?? 0)}`,
      html`${counted(counts?.entered ?? 0)}`,
    ];
  }),
  new Set([1, 2]),
)}
</div>`;
}

/** What a snapshot of a deployed table leaves out, and why (empty for a local folder). */
export function snapshotNotes(snapshot: ConsoleSnapshot): Html {
  if (snapshot.notes.length === 0) return html``;
  return html`<div class="note-box" role="note">${snapshot.notes.map((note) => html`<p>${note}</p>`)}</div>`;
}

const sizeOrder = (members: number): number => (Number.isNaN(members) ? -1 : members);

function lastDays<T>(byDay: Record<string, T>): [string, T][] {
  return Object.entries(byDay)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .slice(-CHART_DAYS);
}

function barChart(
  title: string,
  values: Record<string, string | number>[],
  field: string,
  color: string | undefined,
  context: PageContext,
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 420,
    height: 180,
    data: { values: values.map((row) => ({ ...row, label: context.formats.day(String(row.day)) })) },
    mark: 'bar',
    encoding: {
      x: { field: 'label', type: 'ordinal', title: null, sort: null },
      y: { field, type: 'quantitative', title: null },
      ...(color ? { color: { field: color, type: 'nominal', title: color } } : {}),
    },
  } as TopLevelSpec;
}
