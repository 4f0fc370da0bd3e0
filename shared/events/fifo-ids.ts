/**
 * FIFO ids of the events queue (DESIGN "One writer per customer"): the group is the customer,
 * the deduplication id is the message's deduplication key. Both are sha256 hex, because SQS
 * allows at most 128 characters from a restricted set and customer ids or event ids may hold
 * anything. The SQS adapter and the local in-process queue use the same ids.
 */
import { createHash } from 'node:crypto';
import { queueDeduplicationKey, type EventQueueMessage } from './request-events-message.js';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function messageGroupId(customerId: string): string {
  return sha256Hex(customerId);
}

export function messageDeduplicationId(message: EventQueueMessage): string {
  return sha256Hex(queueDeduplicationKey(message));
}
