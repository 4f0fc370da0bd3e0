/**
 * Phase 7: a refund event's per-order record (`R#`) for the A/B report's net revenue. An
 * idempotent put, also on a duplicate: a crash after the profile write must not lose it.
 */
import { refundFromEvent } from '../refund-from-event.js';
import type { Phase } from './message-state.js';

export const recordRefund: Phase = async (deps, state) => {
  if (state.message.kind !== 'event') return 'next';
  const refund = refundFromEvent(state.message.event, state.customerId);
  if (refund) state.capacityUnits += (await deps.refunds.recordRefund(refund)).capacityUnits;
  return 'next';
};
