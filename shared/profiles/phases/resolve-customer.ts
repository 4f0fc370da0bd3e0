/**
 * Phase 2: anonymous events are routed at ingest, but a login may land between ingest and
 * processing: resolve the identity again so nothing is written to a profile merged away since.
 */
import { anonymousCustomerId, isAnonymousCustomerId } from '../../identity/customer-id.js';
import type { Phase } from './message-state.js';

export const resolveCustomer: Phase = async (deps, state) => {
  if (state.message.kind !== 'event') return 'next';
  const event = state.message.event;
  if (event.userId) state.customerId = event.userId;
  else if (isAnonymousCustomerId(state.customerId) && event.anonymousId) {
    const linked = await deps.identity.resolve([event.anonymousId]);
    state.customerId = linked.get(event.anonymousId) ?? anonymousCustomerId(event.anonymousId);
  }
  return 'next';
};
