/**
 * A recording SendQueue for tests and bench/journey-tick.ts (the runtimes use the send handler's
 * queues): records every request in order, keyed by message id so a redelivered step does not
 * record twice (the send ledger's job in AWS).
 */
import type { SendQueue, SendRequest } from '../../shared/channels/send-request.js';

export class LocalSendOutbox implements SendQueue {
  private readonly byId = new Map<string, SendRequest>();
  /** Every request in arrival order, duplicates included (what the queue would have carried). */
  readonly enqueued: SendRequest[] = [];

  async enqueue(requests: readonly SendRequest[]): Promise<void> {
    for (const request of requests) {
      this.enqueued.push(request);
      if (!this.byId.has(request.messageId)) this.byId.set(request.messageId, request);
    }
  }

  /** One request per message id, first arrival kept. */
  get requests(): SendRequest[] {
    return [...this.byId.values()];
  }
}
