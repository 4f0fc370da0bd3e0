/**
 * One archive row per accepted event, decided send and engagement (columns.ts): only the columns
 * of the allow-list, ids as pseudonyms under the customer's archive key (pseudonym.ts), caller
 * strings scrubbed (scrub.ts). Pure: the callers pass the key they read from the profile.
 */
import type { SendOutcome } from '../channels/send-outcome.js';
import type { SendRequest } from '../channels/send-request.js';
import type { NormalizedEvent } from '../events/event.js';
import { COMPLAINT_CHANNELS, type ComplaintChannel } from '../events/crm-events.js';
import { callOutcomeSchema } from '../events/call-completed.js';
import { ECOMMERCE_EVENTS } from '../events/event.js';
import type { EventSource } from '../events/messages.js';
import { isAnonymousCustomerId } from '../identity/customer-id.js';
import {
  isRecord,
  readId,
  readNumber,
  readProductId,
  readProductLines,
  readText,
} from '../profiles/event-properties.js';
import { amountOf } from '../profiles/order-from-event.js';
import { archiveRow, type ArchiveRow } from './columns.js';
import type { Pseudonyms } from './pseudonym.js';
import { pagePath, scrubText } from './scrub.js';

export interface EventRowInput {
  event: NormalizedEvent;
  source: EventSource;
  /** The customer the event landed on (after identity resolution and merge forwarding). */
  customerId: string;
  ids: Pseudonyms;
  /** identify/alias that linked an anonymous profile: that profile's own `customer` pseudonym. */
  mergedAnonymous?: string | null;
}

export function eventRow(input: EventRowInput): ArchiveRow {
  const { event, source, ids } = input;
  const properties = event.properties;
  const traits = event.traits;
  const orderEvent =
    event.type === 'track' &&
    (event.event === ECOMMERCE_EVENTS.orderCompleted || event.event === ECOMMERCE_EVENTS.orderRefunded);
  const products = readProductLines(properties.products);
  const consent = isRecord(traits.consent) ? traits.consent : {};
  const device = event.context.device?.type;
  return archiveRow('events', {
    event_id: ids.of('message', event.messageId),
    type: event.type,
    event: scrubText(event.event),
    customer: ids.of('customer', input.customerId),
    customer_kind: isAnonymousCustomerId(input.customerId) ? 'anonymous' : 'known',
    anonymous_id: ids.of('anonymous', event.anonymousId ?? (event.type === 'alias' ? event.previousId : undefined)),
    merged_anonymous: input.mergedAnonymous,
    timestamp: event.timestamp,
    received_at: event.receivedAt,
    source_key_id: scrubText(source.keyId),
    source_scope: source.scope,
    source_verified: source.verified,
    order_id: event.type === 'track' ? ids.of('order', readId(properties.order_id)) : undefined,
    ...(orderEvent ? { revenue: orderRevenue(event) } : {}),
    ...(event.type === 'track' ? crmColumns(properties, ids) : {}),
    currency: scrubText(readText(properties.currency)?.toUpperCase()),
    products: products
      ? JSON.stringify(
          products.map((line) => ({
            product_id: scrubText(line.productId) ?? null,
            category: scrubText(line.category) ?? null,
            quantity: line.quantity,
            price: line.price,
          })),
        )
      : undefined,
    ...(orderEvent ? {} : productColumns(properties)),
    page_path:
      event.type === 'page' || event.type === 'screen' ? pagePath(properties.path ?? properties.url) : undefined,
    locale: scrubText(event.context.locale ?? readText(traits.locale)),
    timezone: scrubText(event.context.timezone ?? readText(traits.timezone)),
    device_type: device === 'ios' || device === 'android' ? device : undefined,
    has_email: event.type === 'identify' ? readText(traits.email) !== undefined : undefined,
    has_phone: event.type === 'identify' ? readId(traits.phone) !== undefined : undefined,
    consent_email: consentValue(consent.email),
    consent_sms: consentValue(consent.sms),
    consent_push: consentValue(consent.push),
  });
}

function orderRevenue(event: NormalizedEvent): number | undefined {
  const amount = amountOf(event.properties);
  if (event.event !== ECOMMERCE_EVENTS.orderRefunded) return amount;
  return amount !== 0 ? Math.abs(amount) : undefined;
}

/** Survey answers, complaints and call outcomes (issue 22): ids, score, channel, outcome; never the comment. */
function crmColumns(properties: Record<string, unknown>, ids: Pseudonyms) {
  const score = readNumber(properties.score);
  const channel = readText(properties.channel);
  return {
    survey_id: scrubText(readId(properties.survey_id)),
    score,
    complaint_id: ids.of('complaint', readId(properties.complaint_id)),
    complaint_channel:
      channel !== undefined && COMPLAINT_CHANNELS.includes(channel as ComplaintChannel) ? channel : undefined,
    call_id: ids.of('call', readId(properties.call_id)),
    call_outcome: callOutcomeSchema.safeParse(properties.outcome).data,
  };
}

function productColumns(properties: Record<string, unknown>) {
  return {
    product_id: scrubText(readProductId(properties)),
    category: scrubText(readText(properties.category)),
    price: readNumber(properties.price),
    quantity: readNumber(properties.quantity),
  };
}

function consentValue(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (isRecord(value) && typeof value.granted === 'boolean') return value.granted;
  return undefined;
}

export interface DecisionRowInput {
  request: SendRequest;
  outcome: SendOutcome;
  ids: Pseudonyms;
  decidedAt: string;
}

export function decisionRow({ request, outcome, ids, decidedAt }: DecisionRowInput): ArchiveRow {
  return archiveRow('decisions', {
    message_id: ids.of('message', request.messageId),
    customer: ids.of('customer', request.customerId),
    kind: request.kind ?? 'journey',
    journey_id: request.journeyId,
    run_id: ids.of('run', request.runId),
    step_id: request.stepId,
    variant: request.variant,
    channel: outcome.channel,
    transactional: request.transactional,
    reason: outcome.reason,
    cause: outcome.cause,
    detail: scrubText(outcome.detail),
    wake_at: outcome.wakeAt,
    provider_message_id: ids.of('provider', outcome.providerMessageId),
    requested_at: request.requestedAt,
    decided_at: decidedAt,
  });
}

/** An engagement message of process-events (ses-feedback and other providers' feedback). */
export interface EngagementInput {
  type: string;
  messageId?: string;
  channel: string;
  journeyId?: string;
  runId?: string;
  stepId?: string;
  at: string;
  customerId: string;
  ids: Pseudonyms;
}

export function engagementRow(input: EngagementInput): ArchiveRow {
  const { ids } = input;
  return archiveRow('engagement', {
    message_id: ids.of('message', input.messageId),
    customer: ids.of('customer', input.customerId),
    type: input.type,
    channel: input.channel,
    journey_id: input.journeyId,
    run_id: ids.of('run', input.runId),
    step_id: input.stepId,
    at: input.at,
  });
}
