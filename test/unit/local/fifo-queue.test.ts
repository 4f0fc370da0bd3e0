import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomerMessage } from '../../../shared/events/messages.js';
import { LocalFifoQueue, type LocalFifoQueueOptions } from '../../../shared/local/fifo-queue.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';

const START = new Date('2026-11-02T10:00:00Z');

function queueOnClock(options: Partial<LocalFifoQueueOptions> = {}): { queue: LocalFifoQueue; clock: VirtualClock } {
  const clock = new VirtualClock(START);
  return { queue: new LocalFifoQueue({ name: 'events.fifo', clock, ...options }), clock };
}

let counter = 0;
function send(queue: LocalFifoQueue, groupId: string, body: string, deduplicationId = `dedup-${counter++}`): void {
  queue.send({ groupId, body, deduplicationId });
}

const bodies = (messages: { body: string }[]): string[] => messages.map((message) => message.body);

describe('LocalFifoQueue', () => {
  it('delivers the messages of a group in the order they were sent', () => {
    // Prepare
    const { queue } = queueOnClock();
    for (const body of ['a1', 'a2', 'a3']) send(queue, 'A', body);

    // Act
    const received = queue.receive(10);

    // Assess
    expect(bodies(received)).toEqual(['a1', 'a2', 'a3']);
  });

  it('fills a batch from the first group before taking the next group', () => {
    // Prepare
    const { queue } = queueOnClock();
    send(queue, 'A', 'a1');
    send(queue, 'B', 'b1');
    send(queue, 'A', 'a2');

    // Act
    const received = queue.receive(10);

    // Assess
    expect(bodies(received)).toEqual(['a1', 'a2', 'b1']);
  });

  it('returns no message of a group while another message of that group is in flight', () => {
    // Prepare
    const { queue } = queueOnClock();
    send(queue, 'A', 'a1');
    send(queue, 'A', 'a2');
    send(queue, 'B', 'b1');
    queue.receive(1);

    // Act
    const second = queue.receive(10);

    // Assess
    expect(bodies(second)).toEqual(['b1']);
  });

  it('serves the next message of a group once the in-flight one is deleted', () => {
    // Prepare
    const { queue } = queueOnClock();
    send(queue, 'A', 'a1');
    send(queue, 'A', 'a2');
    const [first] = queue.receive(1);

    // Act
    const deleted = queue.delete(first!.receiptHandle);
    const next = queue.receive(10);

    // Assess
    expect(deleted).toBe(true);
    expect(bodies(next)).toEqual(['a2']);
  });

  it('drops a message whose deduplication id was sent within the window', () => {
    // Prepare
    const { queue, clock } = queueOnClock({ deduplicationWindowSeconds: 300 });
    const first = queue.send({ groupId: 'A', body: 'first', deduplicationId: 'same' });
    clock.advance(299_000);

    // Act
    const second = queue.send({ groupId: 'A', body: 'second', deduplicationId: 'same' });

    // Assess
    expect(second).toEqual({ messageId: first.messageId, duplicate: true });
    expect(bodies(queue.receive(10))).toEqual(['first']);
  });

  it('deduplicates per message group, as the deployed high-throughput queues do', () => {
    // Prepare: a scheduled slot's sends share their message id across customers (issue 18: the
    // demo's win-back kept one customer's send per five minutes and dropped the rest unseen).
    const { queue } = queueOnClock({ deduplicationWindowSeconds: 300 });

    // Act
    const first = queue.send({ groupId: 'A', body: 'to A', deduplicationId: 'same' });
    const other = queue.send({ groupId: 'B', body: 'to B', deduplicationId: 'same' });
    const again = queue.send({ groupId: 'A', body: 'to A again', deduplicationId: 'same' });

    // Assess
    expect(other.duplicate).toBe(false);
    expect(again).toEqual({ messageId: first.messageId, duplicate: true });
    expect(bodies(queue.receive(10)).sort()).toEqual(['to A', 'to B']);
  });

  it('accepts a deduplication id again once the window has passed', () => {
    // Prepare
    const { queue, clock } = queueOnClock({ deduplicationWindowSeconds: 300 });
    queue.send({ groupId: 'A', body: 'first', deduplicationId: 'same' });
    clock.advance(300_000);

    // Act
    const again = queue.send({ groupId: 'A', body: 'again', deduplicationId: 'same' });

    // Assess
    expect(again.duplicate).toBe(false);
    expect(queue.depth).toBe(2);
  });

  it('keeps a received message invisible until its visibility timeout expires', () => {
    // Prepare
    const { queue, clock } = queueOnClock({ visibilityTimeoutSeconds: 30 });
    send(queue, 'A', 'a1');
    queue.receive(1);
    clock.advance(29_999);

    // Act
    const early = queue.receive(10);

    // Assess
    expect(early).toEqual([]);
    expect(queue.inFlight).toBe(1);
  });

  it('redelivers a message after its visibility timeout with a higher receive count and a new receipt handle', () => {
    // Prepare
    const { queue, clock } = queueOnClock({ visibilityTimeoutSeconds: 30 });
    send(queue, 'A', 'a1');
    const [first] = queue.receive(1);
    clock.advance(30_000);

    // Act
    const [again] = queue.receive(1);

    // Assess
    expect(again).toMatchObject({
      messageId: first!.messageId,
      body: 'a1',
      receiveCount: 2,
      firstReceiveTimestamp: START.getTime(),
    });
    expect(again!.receiptHandle).not.toBe(first!.receiptHandle);
  });

  it('refuses to delete with a receipt handle whose visibility has expired', () => {
    // Prepare
    const { queue, clock } = queueOnClock({ visibilityTimeoutSeconds: 30 });
    send(queue, 'A', 'a1');
    const [first] = queue.receive(1);
    clock.advance(30_000);

    // Act
    const deleted = queue.delete(first!.receiptHandle);

    // Assess
    expect(deleted).toBe(false);
    expect(queue.depth).toBe(1);
  });

  it('makes a message visible at once when its visibility is changed to zero', () => {
    // Prepare
    const { queue } = queueOnClock();
    send(queue, 'A', 'a1');
    const [first] = queue.receive(1);

    // Act
    queue.changeVisibility(first!.receiptHandle, 0);

    // Assess
    expect(bodies(queue.receive(1))).toEqual(['a1']);
  });

  it('moves a message to the DLQ instead of delivering it a (maxReceiveCount + 1)th time', () => {
    // Prepare
    const clock = new VirtualClock(START);
    const dlq = new LocalFifoQueue({ name: 'events-dlq.fifo', clock });
    const queue = new LocalFifoQueue({
      name: 'events.fifo',
      clock,
      dlq,
      maxReceiveCount: 3,
      visibilityTimeoutSeconds: 30,
    });
    send(queue, 'A', 'poison');
    send(queue, 'A', 'next');
    for (let receive = 0; receive < 3; receive++) {
      expect(bodies(queue.receive(1))).toEqual(['poison']);
      clock.advance(30_000);
    }

    // Act
    const fourth = queue.receive(1);

    // Assess
    expect(bodies(fourth)).toEqual(['next']);
    expect(queue.deadLettered).toBe(1);
    expect(bodies(dlq.receive(10))).toEqual(['poison']);
  });

  it('counts visible and in-flight messages separately', () => {
    // Prepare
    const { queue } = queueOnClock();
    send(queue, 'A', 'a1');
    send(queue, 'A', 'a2');
    send(queue, 'B', 'b1');

    // Act
    queue.receive(1);

    // Assess
    expect({ depth: queue.depth, inFlight: queue.inFlight }).toEqual({ depth: 2, inFlight: 1 });
  });

  it('groups enqueued customer messages by the sha256 of the customer id and drops a repeated message', async () => {
    // Prepare
    const { queue } = queueOnClock();
    const message: CustomerMessage = {
      kind: 'recheck',
      customerId: 'c-42',
      reason: 'expiry',
      at: '2026-11-02T10:00:00Z',
    };

    // Act
    await queue.enqueue([message, message]);
    const received = queue.receive(10);

    // Assess
    expect(received).toHaveLength(1);
    expect(received[0]!.groupId).toBe(createHash('sha256').update('c-42').digest('hex'));
    expect(JSON.parse(received[0]!.body)).toEqual(message);
  });

  it('hands out every message exactly once and in send order per group, whatever the interleaving', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('A', 'B', 'C', 'D'), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        (groups, batch) => {
          // Prepare
          const { queue } = queueOnClock();
          groups.forEach((group, index) => {
            send(queue, group, `${group}:${index}`);
          });

          // Act: receive batches, deleting every message only after a later receive (so groups stay blocked meanwhile)
          const seen: string[] = [];
          let previous: { receiptHandle: string }[] = [];
          for (let round = 0; round < 200 && (queue.depth > 0 || queue.inFlight > 0); round++) {
            const received = queue.receive(batch);
            seen.push(...bodies(received));
            for (const message of previous) queue.delete(message.receiptHandle);
            previous = received;
          }

          // Assess
          expect([...seen].sort()).toEqual(groups.map((group, index) => `${group}:${index}`).sort());
          for (const group of new Set(groups)) {
            const order = seen.filter((body) => body.startsWith(`${group}:`)).map((body) => Number(body.split(':')[1]));
            expect(order).toEqual([...order].sort((a, b) => a - b));
          }
        },
      ),
    );
  });

  it('refuses a queue name without the .fifo suffix', () => {
    // Prepare
    const clock = new VirtualClock(START);

    // Act
    const create = (): LocalFifoQueue => new LocalFifoQueue({ name: 'events', clock });

    // Assess
    expect(create).toThrow(/must end in \.fifo/);
  });
});
