/**
 * FIFO ids of the sends queue (DESIGN "Send"): grouped by customer (sha256, as the events queue),
 * so one customer's sends are decided one at a time; deduplicated by the message id (and the
 * deferral's wake time, so a released deferral is a new message). The ledger, not this id, is
 * what guarantees at most once: FIFO deduplication only spares a redundant decision.
 */
import { createHash } from 'node:crypto';
import { messageGroupId } from '../events/fifo-ids.js';
import type { SendRequest } from './send-request.js';

export function sendGroupId(request: Pick<SendRequest, 'customerId'>): string {
  return messageGroupId(request.customerId);
}

export function sendDeduplicationId(request: Pick<SendRequest, 'messageId' | 'deferredUntil'>): string {
  return createHash('sha256')
    .update(`send:${request.messageId}:${request.deferredUntil ?? ''}`)
    .digest('hex');
}
