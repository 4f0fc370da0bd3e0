/**
 * Phase 1: an `identify` naming its anonymous id, or an `alias` naming the previous id, folds the
 * anonymous profile into the user's (shared/identity/merge-anonymous.ts). An alias carries
 * nothing else for the profile, so it ends here.
 */
import { mergeAnonymousIntoUser } from '../../identity/merge-anonymous.js';
import type { Phase } from './message-state.js';

export const linkIdentities: Phase = async (deps, state) => {
  if (state.message.kind !== 'event') return 'next';
  const event = state.message.event;
  const linkFrom =
    event.type === 'alias' ? event.previousId : event.type === 'identify' ? event.anonymousId : undefined;
  if (event.userId && linkFrom && linkFrom !== event.userId) {
    const trust = state.message.source.verified ? 'verified' : 'unverified';
    const merged = await mergeAnonymousIntoUser(deps, linkFrom, event.userId, trust);
    state.capacityUnits += merged.capacityUnits;
    state.merge = merged.status;
    if (merged.status === 'merged' && merged.segmentChanges) await deps.segmentChanges?.publish(merged.segmentChanges);
  }
  if (event.type !== 'alias') return 'next';
  state.status = state.merge === 'merged' ? 'applied' : 'duplicate';
  state.customerId = event.userId ?? state.customerId;
  return 'done';
};
