/**
 * A storefront request's accepted events as events-queue messages (decision 287): one message per
 * run of consecutive events with the same routing customer — a browser's request is one run —
 * cut further so that
 *
 * - a redelivered message is still recognised event by event: its events carry at most the
 *   applied-id ring's floor of ids (PROFILE_LIMITS.recentIdsFloor: an order with an order id
 *   counts two), and an event that links identities starts a message (its merge brings the other
 *   profile's applied ids into the ring, which could push out the ids of the events before it);
 * - a body stays within SQS's 256 KB per message.
 *
 * Runs, not one message per customer: the messages keep the request's order, so what a test or a
 * trace reads off the queue is the request in order; a server batch that interleaves customers
 * gets a message per run.
 */
import { linksIdentities } from '../identity/links-identities.js';
import { PROFILE_LIMITS } from '../profiles/limits.js';
import { appliedIds } from '../profiles/recent-ids.js';
import type { NormalizedEvent } from './event.js';
import type { EventSource } from './messages.js';
import type { RequestEventsMessage } from './request-events-message.js';

/** SQS's limit for one message body. */
export const MESSAGE_BODY_BYTES = 256 * 1024;

export interface RoutedEvent {
  customerId: string;
  event: NormalizedEvent;
  source: EventSource;
}

export function requestMessages(routed: readonly RoutedEvent[]): RequestEventsMessage[] {
  const messages: RequestEventsMessage[] = [];
  let current: { message: RequestEventsMessage; ids: number; bytes: number } | undefined;
  for (const { customerId, event, source } of routed) {
    const entry = { event, source };
    const ids = appliedIds(event).length;
    // One more entry adds its JSON and a comma.
    const bytes = Buffer.byteLength(JSON.stringify(entry), 'utf8') + 1;
    const fits =
      current !== undefined &&
      current.message.customerId === customerId &&
      !linksIdentities(event) &&
      current.ids + ids <= PROFILE_LIMITS.recentIdsFloor &&
      current.bytes + bytes <= MESSAGE_BODY_BYTES;
    if (current && fits) {
      current.message.events.push(entry);
      current.ids += ids;
      current.bytes += bytes;
      continue;
    }
    const message: RequestEventsMessage = { kind: 'events', customerId, events: [entry] };
    current = { message, ids, bytes: Buffer.byteLength(JSON.stringify(message), 'utf8') };
    messages.push(message);
  }
  return messages;
}
