/**
 * Plays the Lambda SQS event source mapping against a LocalFifoQueue: receives batches, invokes
 * the real handler with records shaped like SQS FIFO records, deletes what succeeded and leaves
 * the rest (`batchItemFailures`, or the whole batch when the handler throws) in flight, so it is
 * redelivered after the visibility timeout and dead-lettered after maxReceiveCount — the same
 * path a poison message takes in AWS.
 */
import { createHash } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Clock } from '../ports.js';
import type { LocalFifoQueue, ReceivedMessage } from './fifo-queue.js';
import { localLambdaContext } from './lambda-context.js';
import { VirtualClock } from './virtual-clock.js';

/** A Lambda handler for SQS with ReportBatchItemFailures (void: every record succeeded). */
// biome-ignore lint/suspicious/noConfusingVoidType: the Lambda SQS handler's own return type (void: every record succeeded)
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface DrainOptions {
  /** Records per invocation (the event source mapping's BatchSize; at most 10 for FIFO). */
  batchSize?: number;
  /** Invocations in flight at once; the queue never hands two of them the same group. */
  concurrency?: number;
  /**
   * How failed messages come back. With a VirtualClock (the queue's own) the driver advances it to
   * the moment the first in-flight message becomes visible again, once nothing else can run, so
   * redelivery follows the visibility timeout exactly. With any other clock, or none, failed
   * messages are made visible at once (as a handler calling ChangeMessageVisibility 0 would).
   */
  clock?: Clock;
  /** The function name in the Lambda context. */
  functionName?: string;
}

export interface DrainStats {
  /** Handler invocations. */
  batches: number;
  /** Records handed to the handler, redeliveries included. */
  delivered: number;
  /** Records reported failed (or in a batch whose handler threw); they are redelivered. */
  failed: number;
  /** Messages that exceeded maxReceiveCount during the drain. */
  movedToDlq: number;
  /** Invocations that threw instead of answering, and the first such error's message. */
  handlerErrors: number;
  firstHandlerError?: string;
}

/** Resolves when the queue holds nothing visible and nothing in flight. */
export async function drainQueue(
  queue: LocalFifoQueue,
  handler: SqsHandler,
  options: DrainOptions = {},
): Promise<DrainStats> {
  const batchSize = options.batchSize ?? 10;
  const concurrency = options.concurrency ?? 8;
  const context = localLambdaContext(options.functionName ?? queue.name.replace(/\.fifo$/, ''));
  const stats: DrainStats = { batches: 0, delivered: 0, failed: 0, movedToDlq: 0, handlerErrors: 0 };
  const deadLetteredBefore = queue.deadLettered;
  const running = new Set<Promise<void>>();

  for (;;) {
    while (running.size < concurrency) {
      const messages = queue.receive(batchSize);
      if (messages.length === 0) break;
      const invocation: Promise<void> = invoke(queue, handler, messages, context, stats).finally(() =>
        running.delete(invocation),
      );
      running.add(invocation);
    }
    if (running.size > 0) {
      await Promise.race(running);
      continue;
    }
    // Nothing runs, so whatever is still in flight belongs to failed batches and waits for its timeout.
    if (queue.inFlight > 0) redeliver(queue, options.clock);
    else if (queue.depth === 0) break;
    // Otherwise the last receive only dead-lettered messages: receive again.
  }
  stats.movedToDlq = queue.deadLettered - deadLetteredBefore;
  return stats;
}

function redeliver(queue: LocalFifoQueue, clock: Clock | undefined): void {
  const waiting = queue.inFlight;
  const visibleAt = queue.nextVisibleAt();
  if (clock instanceof VirtualClock && visibleAt && visibleAt > clock.now()) clock.set(visibleAt);
  // Nothing came back (no virtual clock, or the queue reads another one): release all, never spin.
  if (queue.inFlight === waiting) queue.expireVisibility();
}

async function invoke(
  queue: LocalFifoQueue,
  handler: SqsHandler,
  messages: ReceivedMessage[],
  context: Context,
  stats: DrainStats,
): Promise<void> {
  stats.batches++;
  stats.delivered += messages.length;
  let failed: ReadonlySet<string>;
  try {
    const response = await handler({ Records: messages.map((message) => sqsRecord(queue, message)) }, context);
    failed = failedMessageIds(response, messages);
  } catch (error) {
    stats.handlerErrors++;
    stats.firstHandlerError ??= error instanceof Error ? error.message : String(error);
    failed = new Set(messages.map((message) => message.messageId));
  }
  for (const message of messages) {
    if (failed.has(message.messageId)) stats.failed++;
    else queue.delete(message.receiptHandle);
  }
}

/** As Lambda reads a partial batch response: an identifier that names no record fails the whole batch. */
// biome-ignore lint/suspicious/noConfusingVoidType: what an SqsHandler resolves to
function failedMessageIds(response: SQSBatchResponse | void, messages: ReceivedMessage[]): ReadonlySet<string> {
  const ids = new Set(messages.map((message) => message.messageId));
  const failures = response?.batchItemFailures ?? [];
  if (failures.some((failure) => !ids.has(failure.itemIdentifier))) return ids;
  return new Set(failures.map((failure) => failure.itemIdentifier));
}

function sqsRecord(queue: LocalFifoQueue, message: ReceivedMessage): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentTimestamp),
      SenderId: 'AIDALOCALSADAKAT',
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
      SequenceNumber: message.sequenceNumber,
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.deduplicationId,
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body, 'utf8').digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: 'us-east-1',
  };
}
