/**
 * The frame of every console page: navigation, where the data comes from and as of when, and —
 * on every page — a warning when the campaign folder has problems.
 */
import type { CampaignSnapshot } from './campaign-state.js';
import type { Formats } from './format.js';
import { type Html, html } from './html.js';
import type { SourceStatus } from './local-source.js';

export interface PageContext {
  campaign: CampaignSnapshot;
  formats: Formats;
  source: SourceStatus;
  /** The URL path of this page (navigation marks it). */
  path: string;
}

const NAV: readonly [string, string][] = [
  ['/', 'Overview'],
  ['/customers', 'Customers'],
  ['/segments', 'Segments'],
  ['/journeys', 'Journeys'],
  ['/messages', 'Messages'],
  ['/experiments', 'Experiments'],
  ['/problems', 'Problems'],
];

export function page(context: PageContext, title: string, body: Html, options: { asOf?: string } = {}): string {
  const { campaign, source, formats } = context;
  const current = (href: string) =>
    href === '/' ? context.path === '/' : context.path === href || context.path.startsWith(`${href}/`);
  const problems = campaign.errors.length;
  return html`<!doctype html>
<html lang="${formats.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · sadakat console</title>
<link rel="stylesheet" href="/assets/console.css">
<link rel="icon" href="data:,">
<script src="/assets/htmx.min.js" defer></script>
<script src="/assets/sse.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">sadakat</a>
  <nav aria-label="Sections"><ul>
    ${NAV.map(
      ([href, label]) =>
        html`<li><a href="${href}"${current(href) ? html` aria-current="page"` : ''}>${label}${
          href === '/problems' && problems > 0 ? html` <span class="badge bad">${problems}</span>` : ''
        }</a></li>`,
    )}
  </ul></nav>
  <p class="source">${source.live ? html`<span class="badge live">live</span> ` : ''}${source.description}</p>
</header>
${
  problems > 0
    ? html`<div class="banner" role="alert"><strong>The campaign in ${campaign.dir} has ${problems} problem${problems === 1 ? '' : 's'}</strong>: ${
        campaign.loaded
          ? 'pages show the last version that loaded.'
          : 'journeys, segments and templates cannot be shown until they are fixed.'
      } <a href="/problems">See the problems</a>.</div>`
    : ''
}
${source.warning ? html`<div class="banner" role="status">${source.warning}</div>` : ''}
<main id="main">
<h1>${title}</h1>
${options.asOf ? html`<p class="as-of">As of ${formats.dateTime(options.asOf)} (${formats.timeZone})</p>` : ''}
${body}
</main>
</body>
</html>`.value;
}

/** A table with a caption; rows are already rendered cells. */
export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly Html[][],
  numeric: ReadonlySet<number> = new Set(),
): Html {
  if (rows.length === 0) return html`<p class="empty">${caption}: none yet.</p>`;
  return html`<div class="table"><table>
<caption>${caption}</caption>
<thead><tr>${headers.map((header, i) => html`<th scope="col"${numeric.has(i) ? html` class="num"` : ''}>${header}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr>${row.map((cell, i) => html`<td${numeric.has(i) ? html` class="num"` : ''}>${cell}</td>`)}</tr>`)}</tbody>
</table></div>`;
}
