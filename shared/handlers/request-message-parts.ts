/**
 * process-events' view of an events-queue record (decisions 285–286): the customer messages it
 * carries, and what happens when one of a request's events keeps failing.
 *
 * A request's message is retried whole: the events before a failing one are applied again and
 * recognised as applied by the profile's applied-id ring (ingest keeps a message's ids within the
 * ring's floor), the failing one is tried again, the ones after it wait. On the message's last
 * receive — the next would move the whole request to the DLQ — the failing event goes to the DLQ
 * alone, as its own `event` message (a redrive applies it once fixed), and the events after it go
 * on in order. Setting it aside is logged as the failure line SQS's own move would have had. If
 * the DLQ refuses it, the error stands and SQS moves the whole message: nothing is lost either way.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import type { CustomerMessage } from '../events/messages.js';
import { customerMessagesOf, type EventQueueMessage } from '../events/request-events-message.js';
import type { EventDeadLetters } from '../ports.js';

/** One customer message of a record: the record's own id, or `<record id>#<index>` for a request's events. */
export interface RecordPart {
  id: string;
  message: CustomerMessage;
  /** One event of a request's message (it may be set aside alone). */
  ofRequest: boolean;
}

export function recordParts(messageId: string, body: EventQueueMessage): RecordPart[] {
  if (body.kind !== 'events') return [{ id: messageId, message: body, ofRequest: false }];
  return customerMessagesOf(body).map((message, index) => ({ id: `${messageId}#${index}`, message, ofRequest: true }));
}

/** True when the failed part went to the DLQ alone and the record's other parts may go on. */
export async function deadLetterAlone(
  deadLetters: EventDeadLetters | undefined,
  logger: Logger,
  record: Pick<SQSRecord, 'messageId' | 'attributes'>,
  part: RecordPart,
  error: unknown,
): Promise<boolean> {
  const receiveCount = record.attributes.ApproximateReceiveCount;
  if (!deadLetters || !part.ofRequest || Number(receiveCount) < deadLetters.maxReceiveCount) return false;
  try {
    await deadLetters.deadLetterAlone(part.message);
  } catch (refused) {
    logger.error('a failed event could not be set aside; the whole message goes to the DLQ', {
      sqsMessageId: record.messageId,
      error: refused instanceof Error ? refused.name : 'unknown',
    });
    return false;
  }
  logger.warn('message failed', {
    sqsMessageId: record.messageId,
    receiveCount,
    error: error instanceof Error ? error.name : 'unknown',
    deadLettered: 'this event alone; the message goes on',
  });
  return true;
}
