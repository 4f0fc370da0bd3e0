/** `/problems`: `sadakat validate`'s findings, each at its file:line:col, checked again on every file change. */
import { relative } from 'node:path';
import type { LocatedError } from '../../shared/config/located-error.js';
import { type Html, html } from '../html.js';
import type { PageContext } from '../layout.js';

export function problemsBody(context: PageContext): Html {
  const { campaign, formats } = context;
  const list = (kind: string, items: readonly LocatedError[]) =>
    html`<ol class="problems ${kind}">${items.map(
      (item) =>
        html`<li><code class="where">${relative(process.cwd(), item.file) || item.file}:${item.line}:${item.column}</code> <span class="reason">${item.reason}</span></li>`,
    )}</ol>`;
  return html`<p class="as-of">Checked ${formats.dateTime(campaign.checkedAt)}; checked again whenever a file in ${campaign.dir} changes.</p>
${
  campaign.errors.length === 0
    ? html`<p class="ok" role="status">No problems: the campaign is valid.</p>`
    : html`<h2>Errors (${formats.number(campaign.errors.length)})</h2>${list('errors', campaign.errors)}`
}
${campaign.warnings.length > 0 ? html`<h2>Warnings (${formats.number(campaign.warnings.length)})</h2>${list('warnings', campaign.warnings)}` : ''}`;
}
