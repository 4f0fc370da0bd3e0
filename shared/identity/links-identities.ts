/**
 * Whether an event links two identities when it is processed: an alias, or an identify naming an
 * anonymous id other than its userId (its anonymous profile is merged into the user's). Such an
 * event writes the profiles in front of it first (process-customer-batch.ts) and starts a queue
 * message of its own in a request (request-messages.ts): the merge brings the other profile's
 * applied ids into the ring.
 */
import type { NormalizedEvent } from '../events/event.js';

export function linksIdentities(event: NormalizedEvent): boolean {
  if (event.type === 'alias') return true;
  return event.type === 'identify' && !!event.userId && !!event.anonymousId && event.anonymousId !== event.userId;
}
