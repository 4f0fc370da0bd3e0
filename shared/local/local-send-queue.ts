/** The SendQueue port on an in-process FIFO queue (the local `sends.fifo`), with the same FIFO ids as SQS. */
import { sendDeduplicationId, sendGroupId } from '../channels/send-fifo-ids.js';
import type { SendQueue, SendRequest } from '../channels/send-request.js';
import type { LocalFifoQueue } from './fifo-queue.js';

export class LocalSendQueue implements SendQueue {
  constructor(readonly queue: LocalFifoQueue) {}

  async enqueue(requests: readonly SendRequest[]): Promise<void> {
    for (const request of requests) {
      this.queue.send({
        body: JSON.stringify(request),
        groupId: sendGroupId(request),
        deduplicationId: sendDeduplicationId(request),
      });
    }
  }
}
