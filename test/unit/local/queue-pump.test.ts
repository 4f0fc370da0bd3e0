import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalFifoQueue } from '../../../shared/local/fifo-queue.js';
import { QueuePump } from '../../../shared/local/queue-pump.js';
import { systemClock } from '../../../shared/ports.js';

/** A handler that holds its first invocation until released, recording every body it sees. */
function gatedHandler() {
  const bodies: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let first = true;
  const handler = async (event: SQSEvent): Promise<void> => {
    for (const record of event.Records) bodies.push(record.body);
    if (first) {
      first = false;
      await gate;
    }
  };
  return { handler, bodies, release: () => release() };
}

describe('QueuePump', () => {
  it('settles only once messages queued during the drain are handled too', async () => {
    // Prepare
    const queue = new LocalFifoQueue({ name: 'events.fifo', clock: systemClock });
    const { handler, bodies, release } = gatedHandler();
    const pump = new QueuePump(queue, handler, { concurrency: 1, clock: systemClock, pollMs: 3_600_000 });
    queue.send({ groupId: 'a', body: 'first', deduplicationId: 'd1' });
    const running = pump.settle();
    await new Promise((resolve) => setImmediate(resolve));
    queue.send({ groupId: 'a', body: 'second', deduplicationId: 'd2' });

    // Act
    pump.kick();
    release();
    await running;

    // Assess
    expect(bodies).toEqual(['first', 'second']);
    expect(pump.idle).toBe(true);
    pump.stopPolling();
  });

  it('runs one drain at a time: a kick during a drain joins it', async () => {
    // Prepare
    const queue = new LocalFifoQueue({ name: 'events.fifo', clock: systemClock });
    const { handler, release } = gatedHandler();
    const pump = new QueuePump(queue, handler, { concurrency: 1, clock: systemClock, pollMs: 3_600_000 });
    queue.send({ groupId: 'a', body: 'first', deduplicationId: 'd1' });
    const first = pump.settle();

    // Act
    const second = pump.settle();
    release();

    // Assess
    expect(second).toBe(first);
    await first;
    pump.stopPolling();
  });
});
