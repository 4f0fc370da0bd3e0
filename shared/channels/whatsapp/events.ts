/**
 * whatsapp-events' decisions. Each inbound message of a known number becomes a
 * `whatsapp_inbound` message in that customer's events group (process-events records the window
 * and a STOP); a number the send never messaged is counted and dropped — it names no customer,
 * and no profile is made from a stranger's message. A STOP from any number also suppresses that
 * number's WhatsApp for every profile carrying it (decision 202): the directory names the first
 * customer messaged there, who may not be the person holding the phone now.
 *
 * Each status of one of our messages becomes engagement, as SES events do in ses-feedback
 * (decision 201): `delivered` → delivered, `read` → opened (and delivered on the ledger: Meta
 * skips `delivered` when the message is read at once), `failed` → bounced, with the ledger entry
 * moved from `sent` to `failed` with Meta's code (a late failure is not left `sent`). The ledger
 * entry is found by the customer of the recipient's number (the directory) and the message id the
 * send put in `biz_opaque_callback_data`; it must be a WhatsApp entry of that customer, so a
 * status that names anything else (a reassigned number, a message of another system on the same
 * WhatsApp Business Account) changes nothing and is counted. `sent` adds nothing: the ledger says
 * so already.
 */
import type { CustomerMessage } from '../../events/messages.js';
import type { EventQueue } from '../../ports.js';
import type { EngagementMarks } from '../engagement-marks.js';
import type { EngagementMetric, MessageStats, SendLedger, SuppressionList } from '../ports.js';
import { whatsappAddress } from '../suppression-address.js';
import type { WhatsAppDirectory } from './directory.js';
import type { WhatsAppEvents, WhatsAppStatus, WhatsAppStatusType } from './inbound.js';

export interface WhatsAppEventsDeps {
  directory: Pick<WhatsAppDirectory, 'customerOf'>;
  events: EventQueue;
  /** A STOP suppresses the number's WhatsApp conversation, whoever the number belongs to now (decision 202). */
  suppression: Pick<SuppressionList, 'suppress'>;
  ledger: Pick<SendLedger, 'find' | 'failAfterSent'>;
  marks: EngagementMarks;
  stats: MessageStats;
}

export interface WhatsAppEventsOutcome {
  inbound: number;
  /** Stop requests, from any number (each suppresses the number's WhatsApp). */
  stops: number;
  /** Inbound messages from numbers no customer was messaged at. */
  unknownNumbers: number;
  statuses: number;
  /** Statuses that became engagement. */
  engaged: number;
  /** Statuses naming no WhatsApp ledger entry of the number's customer. */
  unmatched: number;
  /** `sent` entries moved to `failed` by a later `failed` status. */
  lateFailures: number;
}

/** The engagement each status is; `sent` is none. */
export const STATUS_ENGAGEMENT: Readonly<Record<WhatsAppStatusType, EngagementMetric | undefined>> = {
  sent: undefined,
  delivered: 'delivered',
  read: 'opened',
  failed: 'bounced',
};

export async function handleWhatsAppEvents(
  deps: WhatsAppEventsDeps,
  read: WhatsAppEvents,
): Promise<WhatsAppEventsOutcome> {
  const outcome: WhatsAppEventsOutcome = {
    inbound: 0,
    stops: 0,
    unknownNumbers: 0,
    statuses: read.statuses.length,
    engaged: 0,
    unmatched: 0,
    lateFailures: 0,
  };
  const messages: CustomerMessage[] = [];
  for (const inbound of read.inbound) {
    if (inbound.stop) {
      await deps.suppression.suppress(whatsappAddress(inbound.phone), 'unsubscribe', inbound.at);
      outcome.stops++;
    }
    const customerId = await deps.directory.customerOf(inbound.phone);
    if (customerId === undefined) {
      outcome.unknownNumbers++;
      continue;
    }
    messages.push({
      kind: 'whatsapp_inbound',
      customerId,
      providerMessageId: inbound.providerMessageId,
      at: inbound.at,
      stop: inbound.stop,
    });
    outcome.inbound++;
  }
  for (const status of read.statuses) {
    const applied = await applyStatus(deps, status);
    if (applied === 'unmatched') outcome.unmatched++;
    else if (applied !== 'none') {
      messages.push(applied.message);
      outcome.engaged++;
      if (applied.lateFailure) outcome.lateFailures++;
    }
  }
  if (messages.length > 0) await deps.events.enqueue(messages);
  return outcome;
}

async function applyStatus(
  deps: WhatsAppEventsDeps,
  status: WhatsAppStatus,
): Promise<'none' | 'unmatched' | { message: CustomerMessage; lateFailure: boolean }> {
  const metric = STATUS_ENGAGEMENT[status.status];
  if (metric === undefined) return 'none';
  const messageId = status.callbackData;
  if (messageId === undefined) return 'unmatched';
  const customerId = await deps.directory.customerOf(status.phone);
  if (customerId === undefined) return 'unmatched';
  const entry = await deps.ledger.find(customerId, messageId);
  if (entry?.channel !== 'whatsapp') return 'unmatched';
  // Marks first: they keep the first time, so a retry after a later failure changes nothing.
  await deps.marks.mark(customerId, messageId, metric, status.at);
  if (metric === 'opened') await deps.marks.mark(customerId, messageId, 'delivered', status.at);
  const lateFailure =
    metric === 'bounced' &&
    (await deps.ledger.failAfterSent(customerId, messageId, status.at, `Meta ${status.errorCode ?? 'failed'}`));
  await deps.stats.increment(
    {
      journeyId: entry.journeyId,
      stepId: entry.stepId,
      ...(entry.variant ? { variant: entry.variant } : {}),
      channel: 'whatsapp',
      metric,
    },
    messageId,
  );
  return {
    message: {
      kind: 'engagement',
      customerId,
      type: metric,
      messageId,
      journeyId: entry.journeyId,
      runId: entry.runId,
      stepId: entry.stepId,
      at: status.at,
    },
    lateFailure,
  };
}
