/**
 * SendQueue on the sends FIFO queue: grouped by customer, deduplicated by message id (and
 * deferral), at most 10 entries / 256 KB per SendMessageBatch, in order. Failed entries throw, so
 * the caller's message is retried (the ledger absorbs whatever went through twice).
 */
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { sendDeduplicationId, sendGroupId } from '../channels/send-fifo-ids.js';
import type { SendQueue, SendRequest } from '../channels/send-request.js';
import { chunkEntries, EnqueueError } from './sqs-event-queue.js';

export class SqsSendQueue implements SendQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(requests: readonly SendRequest[]): Promise<void> {
    const entries = requests.map(
      (request, index): SendMessageBatchRequestEntry => ({
        Id: String(index),
        MessageBody: JSON.stringify(request),
        MessageGroupId: sendGroupId(request),
        MessageDeduplicationId: sendDeduplicationId(request),
      }),
    );
    for (const chunk of chunkEntries(entries)) {
      const response = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: chunk }));
      const failed = response.Failed ?? [];
      if (failed.length > 0)
        throw new EnqueueError(failed.length, requests.length, [
          ...new Set(failed.map((entry) => entry.Code ?? 'unknown')),
        ]);
    }
  }
}
