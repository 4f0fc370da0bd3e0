/**
 * `/messages`: recent send decisions, filterable by journey, channel and status; and one message,
 * previewed as the customer saw it (email: the HTML in a sandboxed frame, with a plain-text tab;
 * SMS: its encoding and part count).
 */
import type { ConsoleDecision, ConsoleMessage } from '../../shared/aws/dynamo-console-source.js';
import type { Formats } from '../format.js';
import { type Html, html } from '../html.js';
import { type PageContext, table } from '../layout.js';
import type { MessagePreview } from '../message-render.js';
import { describeWhatsApp } from '../../shared/channels/whatsapp/window.js';

export interface MessageFilters {
  journey: string;
  channel: string;
  status: string;
  /** One customer's messages and decisions (one Query: available with `--table` too). */
  customer: string;
}

/** Decisions that sent nothing but are no refusal: waiting (deferred) or by design (holdout). */
const WAITING: ReadonlySet<string> = new Set(['claimed', 'retrying', 'deferred', 'holdout']);

export function messageHref(message: Pick<ConsoleMessage, 'customerId' | 'messageId'>): string {
  return `/messages/${encodeURIComponent(message.customerId)}/${encodeURIComponent(message.messageId)}`;
}

export function messageLink(message: ConsoleMessage, label: string): Html {
  return html`<a href="${messageHref(message)}" aria-label="${label} message ${message.messageId.slice(0, 8)}">${label}</a>`;
}

/** Why a decision sent nothing, in words: the reason, then what it says (the cap, the variable, when it comes back). */
export function decisionWhy(formats: Formats, decision: ConsoleDecision): Html {
  const cause = decision.cause ? ` (${decision.cause.replaceAll('_', ' ')})` : '';
  const back = decision.wakeAt ? html` · back at ${formats.dateTime(decision.wakeAt)}` : '';
  return html`${decision.detail ?? ''}${cause}${back}`;
}

/** The decisions that sent nothing (`D#`, decision 205), newest first. */
export function unsentTable(
  formats: Formats,
  caption: string,
  decisions: readonly ConsoleDecision[],
  withCustomer: boolean,
): Html {
  return table(
    caption,
    ['when', ...(withCustomer ? ['customer'] : []), 'channel', 'journey / step', 'variant', 'decision', 'why'],
    decisions.map((decision) => [
      html`${formats.dateTime(decision.decidedAt)}`,
      ...(withCustomer
        ? [html`<a href="/customers/${encodeURIComponent(decision.customerId)}">${decision.customerId}</a>`]
        : []),
      html`${decision.channel}`,
      html`${decision.journeyId} / ${decision.stepId}`,
      html`${decision.variant ?? ''}`,
      statusBadge(decision.reason),
      decisionWhy(formats, decision),
    ]),
  );
}

export function statusBadge(status: string): Html {
  const tone = status === 'sent' ? 'good' : WAITING.has(status) ? 'info' : 'bad';
  return html`<span class="badge ${tone}">${status}</span>`;
}

export function messagesBody(
  context: PageContext,
  messages: readonly ConsoleMessage[],
  unsent: readonly ConsoleDecision[],
  filters: MessageFilters,
  decisions: Record<string, number>,
  /** What the lists across customers are when they are not the most recent messages (`--table`). */
  acrossNote: string | undefined,
): Html {
  const { formats } = context;
  const options = (name: string, values: readonly string[], selected: string) =>
    html`<select id="${name}" name="${name}"><option value="">all</option>${[...new Set(values)]
      .sort()
      .map((value) => html`<option${value === selected ? html` selected` : ''}>${value}</option>`)}</select>`;
  const matches = (journeyId: string, channel: string, status: string) =>
    (!filters.journey || journeyId === filters.journey) &&
    (!filters.channel || channel === filters.channel) &&
    (!filters.status || status === filters.status);
  const shown = messages.filter((message) => matches(message.journeyId, message.channel, message.status));
  const unsentShown = unsent.filter((decision) => matches(decision.journeyId, decision.channel, decision.reason));
  const across = filters.customer ? ` of customer ${filters.customer}` : '';
  const refusals = Object.entries(decisions)
    .filter(([reason]) => !['sent', 'delivered', 'opened', 'clicked', 'bounced', 'complained'].includes(reason))
    .sort((a, b) => b[1] - a[1]);
  return html`<form class="filters" method="get" action="/messages">
  <label for="customer">Customer id</label><input id="customer" name="customer" type="search" value="${filters.customer}" autocomplete="off">
  <label for="journey">Journey</label>${options(
    'journey',
    [...messages.map((message) => message.journeyId), ...unsent.map((decision) => decision.journeyId)],
    filters.journey,
  )}
  <label for="channel">Channel</label>${options(
    'channel',
    [...messages.map((message) => message.channel), ...unsent.map((decision) => decision.channel)],
    filters.channel,
  )}
  <label for="status">Decision</label>${options(
    'status',
    [...messages.map((message) => message.status), ...unsent.map((decision) => decision.reason)],
    filters.status,
  )}
  <button type="submit">Filter</button>
</form>
${acrossNote && !filters.customer ? html`<p class="note">${acrossNote}</p>` : ''}
${table(
  `Recent messages${across} (${formats.number(shown.length)} of the last ${formats.number(messages.length)})`,
  ['when', 'customer', 'channel', 'journey / step', 'variant', 'decision', 'detail', ''],
  shown.map((message) => [
    html`${formats.dateTime(message.claimedAt)}`,
    html`<a href="/customers/${encodeURIComponent(message.customerId)}">${message.customerId}</a>`,
    html`${message.channel}`,
    html`${message.journeyId} / ${message.stepId}`,
    html`${message.variant ?? ''}`,
    statusBadge(message.status),
    html`${message.detail ?? ''}`,
    messageLink(message, 'preview'),
  ]),
)}
<section id="not-sent" aria-label="Not sent">
${unsentTable(
  formats,
  `Not sent${across}: refused or deferred (${formats.number(unsentShown.length)} of the last ${formats.number(unsent.length)})`,
  unsentShown,
  true,
)}
</section>
${table(
  'Refused before sending, by reason (all journeys)',
  ['reason', 'messages'],
  refusals.map(([reason, count]) => [html`${reason.replaceAll('_', ' ')}`, html`${formats.number(count)}`]),
  new Set([1]),
)}`;
}

export function messageBody(
  context: PageContext,
  message: ConsoleMessage,
  preview: MessagePreview,
  view: 'html' | 'text',
): Html {
  const { formats } = context;
  const facts = html`<dl class="facts">
  <div><dt>Customer</dt><dd><a href="/customers/${encodeURIComponent(message.customerId)}">${message.customerId}</a></dd></div>
  <div><dt>Journey / step</dt><dd><a href="/journeys/${encodeURIComponent(message.journeyId)}">${message.journeyId}</a> / ${message.stepId}</dd></div>
  <div><dt>Channel</dt><dd>${message.channel}</dd></div>
  <div><dt>Decision</dt><dd>${statusBadge(message.status)}${message.detail ? ` ${message.detail}` : ''}</dd></div>
  <div><dt>Claimed</dt><dd>${formats.dateTime(message.claimedAt)}</dd></div>
  ${message.variant ? html`<div><dt>Variant</dt><dd>${message.variant}</dd></div>` : ''}
  ${Object.entries(message.engaged).map(([what, at]) => html`<div><dt>${what}</dt><dd>${formats.dateTime(at)}</dd></div>`)}
</dl>`;
  if (!preview.ok) return html`${facts}<p class="warning">No preview: ${preview.why}.</p>`;
  const note = html`<p class="note">Re-rendered from today's profile with template <code>${preview.template}</code> (the ledger keeps which step sent a message, not its body).</p>`;
  const content = preview.result.content;
  switch (content.channel) {
    case 'email': {
      const href = messageHref(message);
      return html`${facts}${note}
<h2>Subject: ${content.subject}</h2>
<nav class="tabs" aria-label="Preview">
  <a href="${href}?view=html"${view === 'html' ? html` aria-current="page"` : ''}>HTML</a>
  <a href="${href}?view=text"${view === 'text' ? html` aria-current="page"` : ''}>Plain text</a>
</nav>
${
  view === 'html'
    ? html`<iframe class="email-preview" title="Email as the customer sees it" sandbox src="${href}/email.html"></iframe>`
    : html`<pre class="email-text">${content.text}</pre>`
}`;
    }
    case 'sms':
      return html`${facts}${note}
<pre class="sms">${content.body}</pre>
<p class="sms-parts">${formats.number(preview.sms?.characters ?? 0)} characters · ${preview.sms?.encoding ?? ''} · ${formats.number(preview.sms?.segments ?? 0)} part${preview.sms?.segments === 1 ? '' : 's'}</p>`;
    case 'push':
      return html`${facts}${note}<p><strong>${content.title}</strong></p><p>${content.body}</p>`;
    case 'webhook':
      return html`${facts}${note}<pre class="webhook">${JSON.stringify(JSON.parse(content.body), null, 2)}</pre>`;
    case 'call':
      return html`${facts}${note}<pre class="call-script">${content.script}</pre>`;
    case 'whatsapp':
      return html`${facts}${note}<pre class="whatsapp">${describeWhatsApp(content)}</pre>`;
    default: {
      const unreachable: never = content;
      throw new Error(`unknown content ${JSON.stringify(unreachable)}`);
    }
  }
}
