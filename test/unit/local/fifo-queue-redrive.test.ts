/** LocalFifoQueue.redrive(): the DLQ's messages back onto their source queue (SQS StartMessageMoveTask). */
import { describe, expect, it } from 'vitest';
import { LocalFifoQueue } from '../../../shared/local/fifo-queue.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';

const START = new Date('2026-11-02T10:00:00Z');

/** A source queue whose messages dead-letter after one failed receive each. */
function queues(): { queue: LocalFifoQueue; dlq: LocalFifoQueue } {
  const clock = new VirtualClock(START);
  const dlq = new LocalFifoQueue({ name: 'events-dlq.fifo', clock });
  const queue = new LocalFifoQueue({ name: 'events.fifo', clock, dlq, maxReceiveCount: 1 });
  return { queue, dlq };
}

/** Receives everything once, fails it, and receives again so it moves to the DLQ. */
function deadLetterAll(queue: LocalFifoQueue): void {
  queue.receive(10);
  queue.expireVisibility();
  queue.receive(10);
}

describe('LocalFifoQueue.redrive', () => {
  it('moves every dead-lettered message back, in group order, with its id and a fresh receive count', () => {
    // Prepare
    const { queue, dlq } = queues();
    const first = queue.send({ body: 'a1', groupId: 'A', deduplicationId: 'd1' });
    queue.send({ body: 'a2', groupId: 'A', deduplicationId: 'd2' });
    queue.send({ body: 'b1', groupId: 'B', deduplicationId: 'd3' });
    deadLetterAll(queue);

    // Act
    const moved = queue.redrive();
    const received = queue.receive(10);

    // Assess
    expect(moved).toBe(3);
    expect(dlq.depth).toBe(0);
    expect(received.map((message) => message.body)).toEqual(['a1', 'a2', 'b1']);
    expect(received[0]?.messageId).toBe(first.messageId);
    expect(received.every((message) => message.receiveCount === 1)).toBe(true);
  });

  it('redrives a message whose deduplication id is still inside the window', () => {
    // Prepare
    const { queue } = queues();
    queue.send({ body: 'a1', groupId: 'A', deduplicationId: 'd1' });
    deadLetterAll(queue);

    // Act
    queue.redrive();

    // Assess
    expect(queue.depth).toBe(1);
  });

  it('leaves a DLQ group alone while one of its messages is in flight', () => {
    // Prepare
    const { queue, dlq } = queues();
    queue.send({ body: 'a1', groupId: 'A', deduplicationId: 'd1' });
    queue.send({ body: 'b1', groupId: 'B', deduplicationId: 'd2' });
    deadLetterAll(queue);
    const [inspected] = dlq.receive(1);

    // Act
    const moved = queue.redrive();

    // Assess
    expect(moved).toBe(1);
    expect(queue.receive(10).map((message) => message.body)).toEqual(inspected?.body === 'a1' ? ['b1'] : ['a1']);
  });

  it('refuses to redrive a queue without a dead-letter queue', () => {
    const queue = new LocalFifoQueue({ name: 'plain.fifo', clock: new VirtualClock(START) });
    expect(() => queue.redrive()).toThrow(/no dead-letter queue/);
  });
});
