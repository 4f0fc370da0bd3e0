/** `/segments` and `/segments/<id>`: each rule as written, its members now, a sample, and a test on one customer. */
import { parseDocument } from 'yaml';
import type { ConsoleSnapshot } from '../../shared/aws/dynamo-console-source.js';
import type { Profile } from '../../shared/profiles/schema.js';
import { evaluateAll } from '../../shared/segments/evaluate.js';
import type { LoadedCampaign } from '../campaign-state.js';
import type { SegmentSample } from '../local-source.js';
import { type Html, html, trusted, escapeHtml } from '../html.js';
import { type PageContext, table } from '../layout.js';
import { snapshotNotes } from './overview.js';

export function segmentsBody(context: PageContext, campaign: LoadedCampaign, snapshot: ConsoleSnapshot): Html {
  const n = (value: number) => (snapshot.counted ? context.formats.number(value) : '—');
  return html`${snapshotNotes(snapshot)}${table(
    'Segments',
    ['segment', 'members now', 'share of customers'],
    [...campaign.segments.byId.keys()].map((id) => {
      const members = snapshot.segments[id]?.members ?? 0;
      return [
        html`<a href="/segments/${encodeURIComponent(id)}">${id}</a>`,
        html`${n(members)}`,
        html`${snapshot.counted ? context.formats.percent(members / Math.max(1, snapshot.customers)) : '—'}`,
      ];
    }),
    new Set([1, 2]),
  )}`;
}

export interface SegmentTest {
  customerId: string;
  profile: Profile | undefined;
}

export function segmentBody(
  context: PageContext,
  campaign: LoadedCampaign,
  id: string,
  snapshot: ConsoleSnapshot,
  sample: SegmentSample,
  test: SegmentTest | undefined,
): Html {
  const n = (value: number) => (snapshot.counted ? context.formats.number(value) : '—');
  const segment = snapshot.segments[id] ?? { members: 0, sample: [] };
  let verdict: Html = html``;
  if (test) {
    if (!test.profile) verdict = html`<p class="warning" role="status">No customer ${test.customerId}.</p>`;
    else {
      const evaluation = evaluateAll(campaign.segments, test.profile, Date.now());
      const member = id in evaluation.memberships;
      verdict = html`<p class="${member ? 'ok' : 'warning'}" role="status">Customer <a href="/customers/${encodeURIComponent(test.customerId)}">${test.customerId}</a> ${member ? 'is' : 'is not'} a member of ${id} now.</p>`;
    }
  }
  return html`${snapshotNotes(snapshot)}<dl class="facts">
  <div><dt>Members now</dt><dd>${n(segment.members)}</dd></div>
  <div><dt>Share of customers</dt><dd>${snapshot.counted ? context.formats.percent(segment.members / Math.max(1, snapshot.customers)) : '—'}</dd></div>
</dl>
<h2>Definition</h2>
<pre class="yaml">${trusted(highlightYaml(definitionOf(campaign.segmentsText, id)))}</pre>
<h2>Test this segment on a customer</h2>
<form class="search" method="get" action="/segments/${encodeURIComponent(id)}">
  <label for="customer">Customer id</label>
  <input id="customer" name="customer" value="${test?.customerId ?? ''}" required>
  <button type="submit">Test</button>
</form>
${verdict}
<h2>Sample of members</h2>
${sample.note ? html`<p class="note">${sample.note}</p>` : ''}
${
  sample.members.length > 0
    ? html`<ul class="plain sample">${sample.members.map((member) => html`<li><a href="/customers/${encodeURIComponent(member)}">${member}</a></li>`)}</ul>`
    : sample.note
      ? ''
      : html`<p class="empty">No members now.</p>`
}`;
}

/** The segment's entry of segments.yaml, as written (comments kept). */
function definitionOf(text: string, id: string): string {
  const document = parseDocument(text);
  const items = document.contents && 'items' in document.contents ? (document.contents.items as unknown[]) : [];
  for (const item of items) {
    const node = item as { range?: [number, number, number]; get?: (key: string) => unknown };
    if (node.get?.('id') === id && node.range) return dedent(text.slice(node.range[0], node.range[1]));
  }
  return `id: ${id}`;
}

function dedent(text: string): string {
  return `- ${text.trimEnd()}`;
}

/** Keys, strings and numbers of YAML marked for colour; everything escaped. */
function highlightYaml(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const comment = line.indexOf('#');
      const code = comment >= 0 ? line.slice(0, comment) : line;
      const rest = comment >= 0 ? `<span class="y-comment">${escapeHtml(line.slice(comment))}</span>` : '';
      return escapeHtml(code).replace(/([\w.-]+)(:)(\s|$)/g, '<span class="y-key">$1</span>$2$3') + rest;
    })
    .join('\n');
}
