/**
 * The events FIFO queue on SQS. SendMessageBatch takes at most 10 entries and 256 KB per call;
 * entries that fail (Failed[] in the answer) are retried alone with exponential backoff, except
 * sender faults, which would fail again. What still fails is thrown, so ingest answers 503 and
 * the client retries: the messages that did go out are then dropped by FIFO deduplication.
 * Chunks are sent one after another so a customer's messages keep their order in the group
 * (only a retried entry can land after a later one; the reducer orders by event time anyway).
 */
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { messageDeduplicationId, messageGroupId } from '../events/fifo-ids.js';
import type { EventQueueMessage } from '../events/request-events-message.js';
import type { EventQueue, RequestEventQueue } from '../ports.js';

export const SQS_BATCH_LIMITS = { entries: 10, bytes: 256 * 1024 } as const;

export interface SqsEventQueueOptions {
  /** Attempts per entry, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface FailedEntry {
  id: string;
  code: string;
  senderFault: boolean;
}

/** Raised when messages could not be queued; names how many and why (no message content). */
export class EnqueueError extends Error {
  override readonly name = 'EnqueueError';
  constructor(
    readonly failed: number,
    readonly total: number,
    readonly codes: readonly string[],
  ) {
    super(`${failed} of ${total} messages could not be queued (${codes.join(', ')})`);
  }
}

export class SqsEventQueue implements EventQueue, RequestEventQueue {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    options: SqsEventQueueOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 50;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async enqueue(messages: readonly EventQueueMessage[]): Promise<void> {
    const entries = messages.map(
      (message, index): SendMessageBatchRequestEntry => ({
        Id: String(index),
        MessageBody: JSON.stringify(message),
        MessageGroupId: messageGroupId(message.customerId),
        MessageDeduplicationId: messageDeduplicationId(message),
      }),
    );
    for (const chunk of chunkEntries(entries)) await this.sendWithRetry(chunk, messages.length);
  }

  private async sendWithRetry(chunk: SendMessageBatchRequestEntry[], total: number): Promise<void> {
    let pending = chunk;
    for (let attempt = 1; ; attempt++) {
      const failed = await this.send(pending);
      if (failed.length === 0) return;
      const retryable = failed.filter((entry) => !entry.senderFault);
      if (retryable.length < failed.length || attempt >= this.maxAttempts) {
        throw new EnqueueError(failed.length, total, [...new Set(failed.map((entry) => entry.code))]);
      }
      const retryIds = new Set(retryable.map((entry) => entry.id));
      pending = pending.filter((entry) => retryIds.has(entry.Id ?? ''));
      await this.sleep(this.baseDelayMs * 2 ** (attempt - 1));
    }
  }

  private async send(entries: SendMessageBatchRequestEntry[]): Promise<FailedEntry[]> {
    const response = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
    return (response.Failed ?? []).map((entry) => ({
      id: entry.Id ?? '',
      code: entry.Code ?? 'unknown',
      senderFault: entry.SenderFault ?? false,
    }));
  }
}

/** At most 10 entries and 256 KB of bodies per call, in the order given. */
export function chunkEntries(entries: readonly SendMessageBatchRequestEntry[]): SendMessageBatchRequestEntry[][] {
  const chunks: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.MessageBody ?? '', 'utf8');
    if (size > SQS_BATCH_LIMITS.bytes)
      throw new Error(`message ${entry.Id} is ${size} bytes; SQS takes at most ${SQS_BATCH_LIMITS.bytes}`);
    if (current.length === SQS_BATCH_LIMITS.entries || bytes + size > SQS_BATCH_LIMITS.bytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
