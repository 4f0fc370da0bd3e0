/**
 * Phase 5 (DESIGN "Trust"): an unverified identify that gave a new or anonymous profile an email
 * address and an email grant (both kept pending) starts double opt-in — one `confirm` send
 * request for the pending address. The send path decides it (shared/channels/confirm/): limits,
 * suppression, the fixed template. Without journeys (history import, `serve --no-journeys`)
 * nothing is sent, so nothing is queued.
 */
import { confirmRequest } from '../../channels/confirm/confirm-request.js';
import { pendingAddress } from '../../channels/confirm/pending-address.js';
import { isRecord } from '../event-properties.js';
import type { Phase } from './message-state.js';

export const requestConfirmation: Phase = async (deps, state) => {
  const { message } = state;
  if (message.kind !== 'event' || message.source.verified || message.event.type !== 'identify') return 'next';
  const sends = deps.journeys?.sends;
  if (!sends || !deps.pepper) return 'next';
  const { traits } = message.event;
  const asks = traits.email !== undefined || (isRecord(traits.consent) && traits.consent.email === true);
  const profile = state.written?.profile;
  const address = asks ? pendingAddress(profile) : undefined;
  if (!profile || address === undefined || profile.mergedInto !== undefined) return 'next';
  const pepper = await deps.pepper.get();
  await sends.enqueue([confirmRequest(pepper, profile.id, address, message.source.keyId, deps.clock.now())]);
  return 'next';
};
