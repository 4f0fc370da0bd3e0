/**
 * whatsapp-events' decisions: each inbound message of a known number becomes a
 * `whatsapp_inbound` message in that customer's events group (process-events records the window
 * and a STOP); a number the send never messaged is counted and dropped — it names no customer,
 * and no profile is made from a stranger's message. Statuses are counted only (engagement from
 * them is not wired yet: README "WhatsApp").
 */
import type { CustomerMessage } from '../../events/messages.js';
import type { EventQueue } from '../../ports.js';
import type { WhatsAppDirectory } from './directory.js';
import type { WhatsAppEvents } from './inbound.js';

export interface WhatsAppEventsDeps {
  directory: Pick<WhatsAppDirectory, 'customerOf'>;
  events: EventQueue;
}

export interface WhatsAppEventsOutcome {
  inbound: number;
  stops: number;
  /** Inbound messages from numbers no customer was messaged at. */
  unknownNumbers: number;
  statuses: number;
}

export async function handleWhatsAppEvents(
  deps: WhatsAppEventsDeps,
  read: WhatsAppEvents,
): Promise<WhatsAppEventsOutcome> {
  const outcome: WhatsAppEventsOutcome = { inbound: 0, stops: 0, unknownNumbers: 0, statuses: read.statuses.length };
  const messages: CustomerMessage[] = [];
  for (const inbound of read.inbound) {
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
    if (inbound.stop) outcome.stops++;
  }
  if (messages.length > 0) await deps.events.enqueue(messages);
  return outcome;
}
