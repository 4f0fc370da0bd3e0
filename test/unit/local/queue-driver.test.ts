import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalFifoQueue } from '../../../shared/local/fifo-queue.js';
import { drainQueue, type SqsHandler } from '../../../shared/local/queue-driver.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';

const START = new Date('2026-11-02T10:00:00Z');

function setup(options: { maxReceiveCount?: number } = {}) {
  const clock = new VirtualClock(START);
  const dlq = new LocalFifoQueue({ name: 'events-dlq.fifo', clock });
  const queue = new LocalFifoQueue({ name: 'events.fifo', clock, dlq, visibilityTimeoutSeconds: 30, ...options });
  let counter = 0;
  const send = (groupId: string, body: string): void =>
    void queue.send({ groupId, body, deduplicationId: `d${counter++}` });
  return { clock, dlq, queue, send };
}

/** Records every delivery; fails the bodies listed in `failing` (as batch item failures). */
function recordingHandler(failing: (record: SQSRecord) => boolean = () => false) {
  const deliveries: { body: string; receiveCount: string; at: number }[] = [];
  const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures = [];
    for (const record of event.Records) {
      deliveries.push({
        body: record.body,
        receiveCount: record.attributes.ApproximateReceiveCount,
        at: Number(record.attributes.SentTimestamp),
      });
      if (failing(record)) batchItemFailures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures };
  };
  return { handler, deliveries };
}

describe('drainQueue', () => {
  it('hands the handler records shaped like SQS FIFO records', async () => {
    // Prepare
    const { queue, clock, send } = setup();
    send('group-a', '{"hello":1}');
    let seen: SQSRecord | undefined;
    const handler: SqsHandler = async (event) => {
      seen = event.Records[0];
      return { batchItemFailures: [] };
    };

    // Act
    await drainQueue(queue, handler, { clock });

    // Assess
    expect(seen).toMatchObject({
      body: '{"hello":1}',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:events.fifo',
      md5OfBody: '8590c3ebd8fec6dda546aef5de1d99e8',
      attributes: {
        ApproximateReceiveCount: '1',
        MessageGroupId: 'group-a',
        MessageDeduplicationId: 'd0',
        SentTimestamp: String(START.getTime()),
        ApproximateFirstReceiveTimestamp: String(START.getTime()),
      },
    });
    expect(seen?.attributes.SequenceNumber).toMatch(/^\d{20}$/);
    expect(seen?.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('deletes the messages the handler processed and resolves with an empty queue', async () => {
    // Prepare
    const { queue, clock, send } = setup();
    for (let index = 0; index < 25; index++) send(`g${index % 7}`, `m${index}`);
    const { handler } = recordingHandler();

    // Act
    const stats = await drainQueue(queue, handler, { clock });

    // Assess
    expect(stats).toMatchObject({ delivered: 25, failed: 0, movedToDlq: 0 });
    expect({ depth: queue.depth, inFlight: queue.inFlight }).toEqual({ depth: 0, inFlight: 0 });
  });

  it('redelivers a reported batch item failure after the visibility timeout, advancing the virtual clock', async () => {
    // Prepare
    const { queue, clock, send } = setup();
    send('a', 'flaky');
    let attempts = 0;
    const { handler, deliveries } = recordingHandler((record) => record.body === 'flaky' && ++attempts === 1);

    // Act
    const stats = await drainQueue(queue, handler, { clock });

    // Assess
    expect(deliveries.map((delivery) => delivery.receiveCount)).toEqual(['1', '2']);
    expect(clock.now().getTime() - START.getTime()).toBe(30_000);
    expect(stats).toMatchObject({ delivered: 2, failed: 1, movedToDlq: 0 });
  });

  it('redelivers each failed message at its own visibility timeout', async () => {
    // Prepare: a1 fails at 0 s; b1 takes 10 s; c1 is received at 10 s and fails
    const { queue, clock, send } = setup();
    send('a', 'a1');
    send('b', 'b1');
    send('c', 'c1');
    const deliveredAt: string[] = [];
    const seconds = (): number => (clock.now().getTime() - START.getTime()) / 1000;
    const handler: SqsHandler = async (event) => {
      const record = event.Records[0]!;
      deliveredAt.push(`${record.body}@${seconds()}`);
      if (record.body === 'b1') clock.advance(10_000);
      const firstAttempt = record.attributes.ApproximateReceiveCount === '1';
      return { batchItemFailures: record.body !== 'b1' && firstAttempt ? [{ itemIdentifier: record.messageId }] : [] };
    };

    // Act
    await drainQueue(queue, handler, { clock, batchSize: 1, concurrency: 1 });

    // Assess
    expect(deliveredAt).toEqual(['a1@0', 'b1@0', 'c1@10', 'a1@30', 'c1@40']);
  });

  it('redelivers failed messages at once when the driver has no virtual clock', async () => {
    // Prepare
    const { queue, clock, send } = setup();
    send('a', 'flaky');
    let attempts = 0;
    const { handler, deliveries } = recordingHandler(() => ++attempts === 1);

    // Act
    await drainQueue(queue, handler);

    // Assess
    expect(deliveries).toHaveLength(2);
    expect(clock.now()).toEqual(START);
  });

  it('redelivers the whole batch when the handler throws', async () => {
    // Prepare
    const { queue, clock, send } = setup();
    send('a', 'a1');
    send('a', 'a2');
    const received: string[][] = [];
    const handler: SqsHandler = async (event) => {
      received.push(event.Records.map((record) => record.body));
      if (received.length === 1) throw new Error('table unavailable');
      return { batchItemFailures: [] };
    };

    // Act
    const stats = await drainQueue(queue, handler, { clock });

    // Assess
    expect(received).toEqual([
      ['a1', 'a2'],
      ['a1', 'a2'],
    ]);
    expect(stats).toMatchObject({ handlerErrors: 1, firstHandlerError: 'table unavailable', failed: 2 });
  });

  it('fails the whole batch when a batch item failure names no record of the batch', async () => {
    // Prepare
    const { queue, clock, send } = setup();
    send('a', 'a1');
    send('a', 'a2');
    let calls = 0;
    const handler: SqsHandler = async () => ({
      batchItemFailures: calls++ === 0 ? [{ itemIdentifier: 'not-a-message-id' }] : [],
    });

    // Act
    const stats = await drainQueue(queue, handler, { clock });

    // Assess
    expect(stats).toMatchObject({ batches: 2, delivered: 4, failed: 2 });
  });

  it('moves a message that always fails to the DLQ after maxReceiveCount and still drains the rest', async () => {
    // Prepare
    const { queue, dlq, clock, send } = setup({ maxReceiveCount: 3 });
    send('a', 'poison');
    send('a', 'after-poison');
    send('b', 'other');
    const { handler, deliveries } = recordingHandler((record) => record.body === 'poison');

    // Act
    const stats = await drainQueue(queue, handler, { clock, batchSize: 1 });

    // Assess
    expect(deliveries.filter((delivery) => delivery.body === 'poison')).toHaveLength(3);
    expect(deliveries.map((delivery) => delivery.body)).toContain('after-poison');
    expect(stats.movedToDlq).toBe(1);
    expect(dlq.receive(10).map((message) => message.body)).toEqual(['poison']);
  });

  it('keeps each group in order while running batches of different groups concurrently', async () => {
    // Prepare
    const { queue, clock, send } = setup();
    for (let index = 0; index < 40; index++) send(`g${index % 5}`, `g${index % 5}:${index}`);
    const order = new Map<string, number[]>();
    const active = new Set<string>();
    let overlap = false;
    let peak = 0;
    const handler: SqsHandler = async (event) => {
      const groups = new Set(event.Records.map((record) => record.attributes.MessageGroupId ?? ''));
      for (const group of groups) if (active.has(group)) overlap = true;
      for (const group of groups) active.add(group);
      peak = Math.max(peak, active.size);
      await new Promise((resolve) => setTimeout(resolve, 2));
      for (const record of event.Records) {
        const [group, index] = record.body.split(':');
        order.set(group!, [...(order.get(group!) ?? []), Number(index)]);
      }
      for (const group of groups) active.delete(group);
      return { batchItemFailures: [] };
    };

    // Act
    await drainQueue(queue, handler, { clock, batchSize: 2, concurrency: 4 });

    // Assess
    expect(overlap).toBe(false);
    expect(peak).toBeGreaterThan(1);
    for (const indexes of order.values()) expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  });
});
