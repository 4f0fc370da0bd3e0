/**
 * The events queue's message for a storefront request (decision 285): one message per request
 * and routing customer carries that customer's accepted events in request order, instead of one
 * message per event. process-events expands it into the per-event `event` messages it has always
 * processed (same semantics, one profile write for the lot through the coalescer); single `event`
 * bodies stay readable, for messages queued before the change and for the DLQ's set-aside events.
 */
import * as z from 'zod';
import { normalizedEventSchema } from './event.js';
import { customerMessageSchema, deduplicationKey, eventSourceSchema, type CustomerMessage } from './messages.js';

export const requestEventsMessageSchema = z.object({
  kind: z.literal('events'),
  customerId: z.string().min(1),
  events: z.array(z.object({ event: normalizedEventSchema, source: eventSourceSchema })).min(1),
});
export type RequestEventsMessage = z.infer<typeof requestEventsMessageSchema>;

/** What an events-queue body may hold: a request's events of one customer, or one customer message. */
export const eventQueueMessageSchema = z.discriminatedUnion('kind', [
  customerMessageSchema,
  requestEventsMessageSchema,
]);
export type EventQueueMessage = CustomerMessage | RequestEventsMessage;

/** The message's events as the single `event` messages process-events handles, in order. */
export function customerMessagesOf(message: EventQueueMessage): CustomerMessage[] {
  if (message.kind !== 'events') return [message];
  return message.events.map(({ event, source }) => ({ kind: 'event', customerId: message.customerId, event, source }));
}

/**
 * FIFO deduplication key: a request's message by its customer and every event id it carries (a
 * retried request is dropped by the queue; the profile's applied-id ring catches any other
 * replay), any other message by its own key.
 */
export function queueDeduplicationKey(message: EventQueueMessage): string {
  if (message.kind !== 'events') return deduplicationKey(message);
  return `events:${JSON.stringify([message.customerId, ...message.events.map(({ event }) => event.messageId)])}`;
}
