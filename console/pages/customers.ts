/** `/customers?q=` (find by id or email) and `/customers/<id>`: one customer, all we know and sent. */
import type { ConsoleMessage, CustomerItems } from '../../shared/aws/dynamo-console-source.js';
import { DEFAULT_DECISION_DAYS } from '../../shared/privacy/retention.js';
import { readClvAt } from '../../shared/analytics/clv-on-read.js';
import type { Profile } from '../../shared/profiles/schema.js';
import { type Html, html } from '../html.js';
import { type PageContext, table } from '../layout.js';
import { decisionWhy, messageLink, statusBadge, unsentTable } from './messages.js';

export function customerSearchBody(query: string, notFound: boolean, recent: readonly ConsoleMessage[]): Html {
  const customers = [...new Set(recent.map((message) => message.customerId))].slice(0, 20);
  return html`<form class="search" method="get" action="/customers" role="search">
  <label for="q">Customer id or email address</label>
  <input id="q" name="q" type="search" value="${query}" autocomplete="off" required>
  <button type="submit">Find</button>
</form>
${notFound ? html`<p class="warning" role="status">No customer with the id or email address “${query}”.</p>` : ''}
${
  customers.length > 0
    ? html`<h2>Customers with recent messages</h2><ul class="plain">${customers.map(
        (id) => html`<li><a href="/customers/${encodeURIComponent(id)}">${id}</a></li>`,
      )}</ul>`
    : ''
}`;
}

interface TimelineEntry {
  at: string;
  what: Html;
}

/** `now`: the CLV figures are computed for this day (decision 225). */
export function customerBody(context: PageContext, customerId: string, items: CustomerItems, now: Date): Html {
  const { formats } = context;
  const n = formats.number;
  const profile = items.profile as Profile;
  const timezone = context.campaign.loaded?.settings.defaultTimezone ?? 'UTC';
  const clv = profile.orders ? readClvAt(profile, now.getTime(), timezone) : profile.clv;
  const name = [profile.name?.first, profile.name?.last].filter(Boolean).join(' ');
  const consent = (['email', 'sms', 'push'] as const).map((channel) => {
    const grant = profile.consent?.[channel];
    return [
      html`${channel}`,
      html`${grant ? (grant.granted ? 'granted' : 'revoked') : 'not given'}`,
      html`${grant && !grant.untimed ? formats.dateTime(grant.at) : ''}`,
      html`${channel !== 'push' && profile.suppressed?.[channel] ? 'suppressed' : ''}`,
    ];
  });
  const segments = Object.entries(profile.segments ?? {}).sort((a, b) => a[0].localeCompare(b[0]));
  const timeline: TimelineEntry[] = [];
  for (const [event, summary] of Object.entries(profile.events ?? {}))
    if (summary.lastAt) timeline.push({ at: summary.lastAt, what: html`Last <strong>${event}</strong>` });
  for (const [id, membership] of segments)
    timeline.push({
      at: membership.enteredAt,
      what: html`Entered segment <a href="/segments/${encodeURIComponent(id)}">${id}</a>`,
    });
  for (const run of items.runs) {
    timeline.push({
      at: run.enteredAt,
      what: html`Entered journey <a href="/journeys/${encodeURIComponent(run.journeyId)}">${run.journeyId}</a>${run.variant ? ` (variant ${run.variant})` : ''}`,
    });
    if (run.endedAt)
      timeline.push({
        at: run.endedAt,
        what: html`Journey ${run.journeyId} ${run.status}${run.exitReason ? `: ${run.exitReason}` : ''}`,
      });
  }
  for (const message of items.messages)
    timeline.push({
      at: message.claimedAt,
      what: html`${message.channel} from ${message.journeyId} / ${message.stepId}: ${statusBadge(message.status)}`,
    });
  for (const decision of items.decisions)
    timeline.push({
      at: decision.decidedAt,
      what: html`${decision.channel} from ${decision.journeyId} / ${decision.stepId} not sent: ${statusBadge(decision.reason)} ${decisionWhy(formats, decision)}`,
    });
  for (const order of items.orders)
    timeline.push({ at: order.at, what: html`Order ${order.orderId}: ${formats.money(order.amount)}` });
  timeline.sort((a, b) => b.at.localeCompare(a.at));
  return html`<section class="profile" aria-label="Profile">
  <dl class="facts">
    <div><dt>Customer id</dt><dd>${customerId}</dd></div>
    ${name ? html`<div><dt>Name</dt><dd>${name}</dd></div>` : ''}
    <div><dt>Email</dt><dd>${profile.channels?.email ?? '—'}</dd></div>
    <div><dt>Phone</dt><dd>${profile.channels?.phone ?? '—'}</dd></div>
    <div><dt>Orders</dt><dd>${n(profile.orders?.count ?? 0)} · ${formats.money(profile.orders?.revenue ?? 0)}</dd></div>
    ${profile.rfm ? html`<div><dt>RFM segment</dt><dd>${profile.rfm.segment.replaceAll('_', ' ')}</dd></div>` : ''}
    ${clv?.pAlive !== undefined ? html`<div><dt>P(alive)</dt><dd>${formats.percent(clv.pAlive)}</dd></div>` : ''}
    <div><dt>Global holdout</dt><dd>${profile.holdout ? 'yes' : 'no'}</dd></div>
    <div><dt>Updated</dt><dd>${formats.dateTime(profile.updatedAt)}</dd></div>
  </dl>
</section>
<div class="columns">
${table('Consent per channel', ['channel', 'consent', 'since', 'suppressed'], consent)}
${table(
  'Segments now',
  ['segment', 'since'],
  segments.map(([id, membership]) => [
    html`<a href="/segments/${encodeURIComponent(id)}">${id}</a>`,
    html`${formats.dateTime(membership.enteredAt)}`,
  ]),
)}
</div>
${table(
  'Journeys',
  ['journey', 'status', 'step now', 'variant', 'entered'],
  items.runs.map((run) => [
    html`<a href="/journeys/${encodeURIComponent(run.journeyId)}">${run.journeyId}</a>`,
    html`${run.status}${run.holdout ? ' (holdout)' : ''}`,
    html`${run.stepId ?? ''}`,
    html`${run.variant ?? ''}`,
    html`${formats.dateTime(run.enteredAt)}`,
  ]),
)}
<section id="messages" aria-label="Messages">
${table(
  'Messages',
  ['sent', 'channel', 'journey / step', 'variant', 'decision', 'engagement', ''],
  items.messages.map((message) => [
    html`${formats.dateTime(message.claimedAt)}`,
    html`${message.channel}`,
    html`${message.journeyId} / ${message.stepId}`,
    html`${message.variant ?? ''}`,
    statusBadge(message.status),
    html`${Object.keys(message.engaged).join(', ')}`,
    messageLink(message, 'view'),
  ]),
)}
</section>
<section id="not-sent" aria-label="Not sent">
${unsentTable(formats, 'Not sent: refused or deferred', items.decisions, false)}
<p class="note">Every send decision that sent nothing (holdout, no consent, caps, quiet hours, a rate slot…) is kept under the customer for ${formats.number(context.campaign.loaded?.settings.retention.decisionDays ?? DEFAULT_DECISION_DAYS)} days (settings <code>retention.decisionDays</code>).</p>
</section>
${table(
  'Timeline',
  ['when', 'what'],
  timeline.slice(0, 200).map((entry) => [html`${formats.dateTime(entry.at)}`, entry.what]),
)}
${items.truncated ? html`<p class="note">This customer has more items than one page reads; the oldest are not shown.</p>` : ''}`;
}
