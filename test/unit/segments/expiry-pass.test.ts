import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageDeduplicationId, messageGroupId } from '../../../shared/events/fifo-ids.js';
import type { CustomerMessage } from '../../../shared/events/messages.js';
import type { DueExpiry, EventQueue, ExpiryIndex } from '../../../shared/ports.js';
import { ExpiryPassError, expiryPass, expiryRecheck } from '../../../shared/segments/expiry-pass.js';

const NOW = new Date('2026-11-04T10:00:00.000Z');
const clock = { now: () => NOW };

/** Due entries per shard, as the index would list them; records every read. */
class FakeExpiryIndex implements ExpiryIndex {
  readonly reads: { shard: number; until: string; pageSize: number }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failing = new Set<number>();

  constructor(private readonly byShard: ReadonlyMap<number, readonly DueExpiry[]>) {}

  async *due(shard: number, until: string, pageSize: number): AsyncIterable<DueExpiry> {
    this.reads.push({ shard, until, pageSize });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await Promise.resolve();
      if (this.failing.has(shard)) throw new Error(`throttled on shard ${shard}`);
      for (const entry of this.byShard.get(shard) ?? []) {
        await Promise.resolve();
        yield entry;
      }
    } finally {
      this.inFlight--;
    }
  }
}

class RecordingQueue implements EventQueue {
  readonly calls: CustomerMessage[][] = [];
  async enqueue(messages: readonly CustomerMessage[]): Promise<void> {
    this.calls.push([...messages]);
  }
  get messages(): CustomerMessage[] {
    return this.calls.flat();
  }
}

const due = (customerId: string, nextExpiryAt = '2026-11-04T09:00:00.000Z'): DueExpiry => ({
  customerId,
  nextExpiryAt,
});

function spread(shards: number, entries: readonly DueExpiry[]): Map<number, DueExpiry[]> {
  const byShard = new Map<number, DueExpiry[]>();
  entries.forEach((entry, i) => {
    byShard.set(i % shards, [...(byShard.get(i % shards) ?? []), entry]);
  });
  return byShard;
}

describe('expiryPass', () => {
  it('enqueues one expiry recheck per due profile, dated with its nextExpiryAt', async () => {
    // Prepare
    const index = new FakeExpiryIndex(
      new Map([
        [0, [due('ayse', '2026-11-04T08:00:00.000Z')]],
        [3, [due('mehmet', '2026-11-03T23:00:00.000Z')]],
      ]),
    );
    const queue = new RecordingQueue();

    // Act
    await expiryPass({ index, queue, clock }, { shards: 4 });

    // Assess
    expect(queue.messages).toEqual(
      expect.arrayContaining([
        { kind: 'recheck', customerId: 'ayse', reason: 'expiry', at: '2026-11-04T08:00:00.000Z' },
        { kind: 'recheck', customerId: 'mehmet', reason: 'expiry', at: '2026-11-03T23:00:00.000Z' },
      ]),
    );
    expect(queue.messages).toHaveLength(2);
  });

  it('reads every shard once, up to now, with the page size asked for', async () => {
    // Prepare
    const index = new FakeExpiryIndex(new Map());

    // Act
    await expiryPass({ index, queue: new RecordingQueue(), clock }, { shards: 16, pageSize: 250 });

    // Assess
    expect(index.reads.map((read) => read.shard).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 16 }, (_, shard) => shard),
    );
    expect(new Set(index.reads.map((read) => `${read.until}|${read.pageSize}`))).toEqual(
      new Set([`${NOW.toISOString()}|250`]),
    );
  });

  it('reports the shards read, the profiles found and the rechecks queued', async () => {
    // Prepare
    const index = new FakeExpiryIndex(
      spread(
        3,
        ['a', 'b', 'c', 'd', 'e'].map((id) => due(id)),
      ),
    );

    // Act
    const result = await expiryPass({ index, queue: new RecordingQueue(), clock }, { shards: 3 });

    // Assess
    expect(result).toMatchObject({ shards: 3, found: 5, enqueued: 5, complete: true });
  });

  it('hands the queue chunks of at most chunkSize messages', async () => {
    // Prepare
    const index = new FakeExpiryIndex(new Map([[0, Array.from({ length: 23 }, (_, i) => due(`c-${i}`))]]));
    const queue = new RecordingQueue();

    // Act
    await expiryPass({ index, queue, clock }, { shards: 1, chunkSize: 10 });

    // Assess
    expect(queue.calls.map((call) => call.length)).toEqual([10, 10, 3]);
  });

  it('reads no more shards at once than the concurrency allows', async () => {
    // Prepare
    const index = new FakeExpiryIndex(
      spread(
        16,
        Array.from({ length: 64 }, (_, i) => due(`c-${i}`)),
      ),
    );

    // Act
    await expiryPass({ index, queue: new RecordingQueue(), clock }, { shards: 16, concurrency: 3 });

    // Assess
    expect(index.maxInFlight).toBe(3);
  });

  it('finishes the other shards when one fails, then fails naming it', async () => {
    // Prepare
    const index = new FakeExpiryIndex(
      spread(
        4,
        ['a', 'b', 'c', 'd'].map((id) => due(id)),
      ),
    );
    index.failing.add(2);
    const queue = new RecordingQueue();

    // Act
    const failure = await expiryPass({ index, queue, clock }, { shards: 4 }).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ExpiryPassError);
    expect((failure as ExpiryPassError).failedShards).toEqual([2]);
    expect((failure as ExpiryPassError).message).toContain('throttled on shard 2');
    expect(queue.messages.map((message) => message.customerId).sort()).toEqual(['a', 'b', 'd']);
  });

  it('fails when the queue refuses a chunk, without claiming it was queued', async () => {
    // Prepare
    const index = new FakeExpiryIndex(new Map([[0, [due('a'), due('b')]]]));
    const queue: EventQueue = {
      enqueue: async () => {
        throw new Error('2 of 2 messages could not be queued');
      },
    };

    // Act
    const failure = await expiryPass({ index, queue, clock }, { shards: 1 }).catch((error: unknown) => error);

    // Assess
    expect((failure as ExpiryPassError).result).toMatchObject({ found: 2, enqueued: 0 });
  });

  it('stops after the chunk in hand when told to, and says the pass is incomplete', async () => {
    // Prepare
    const index = new FakeExpiryIndex(
      new Map([
        [0, Array.from({ length: 30 }, (_, i) => due(`c-${i}`))],
        [1, [due('later')]],
      ]),
    );
    const queue = new RecordingQueue();

    // Act
    const result = await expiryPass(
      { index, queue, clock },
      { shards: 2, concurrency: 1, chunkSize: 10, stopWhen: () => true },
    );

    // Assess
    expect(result).toMatchObject({ shards: 1, found: 10, enqueued: 10, complete: false });
    expect(index.reads.map((read) => read.shard)).toEqual([0]);
  });

  it('refuses a shard count that is not a whole number ≥ 1, naming it', async () => {
    // Act
    const run = expiryPass(
      { index: new FakeExpiryIndex(new Map()), queue: new RecordingQueue(), clock },
      { shards: 0 },
    );

    // Assess
    await expect(run).rejects.toThrow(/shards must be a whole number ≥ 1, got 0/);
  });

  it('queues every due profile exactly once, whatever the shards, chunks and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        async (ids, shards, chunkSize, concurrency) => {
          // Prepare
          const index = new FakeExpiryIndex(
            spread(
              shards,
              ids.map((id) => due(id)),
            ),
          );
          const queue = new RecordingQueue();

          // Act
          const result = await expiryPass({ index, queue, clock }, { shards, chunkSize, concurrency });

          // Assess
          expect(queue.messages.map((message) => message.customerId).sort()).toEqual([...ids].sort());
          expect(result.enqueued).toBe(ids.length);
        },
      ),
    );
  });
});

describe('expiryRecheck', () => {
  it('gives the same lapse found by two passes the same FIFO ids, so the queue drops the second', () => {
    // Act
    const first = expiryRecheck(due('ayse', '2026-11-04T08:00:00.000Z'));
    const second = expiryRecheck(due('ayse', '2026-11-04T08:00:00.000Z'));

    // Assess
    expect(messageDeduplicationId(second)).toBe(messageDeduplicationId(first));
    expect(messageGroupId(second.customerId)).toBe(messageGroupId('ayse'));
  });

  it('gives a later lapse of the same profile a new deduplication id', () => {
    // Act
    const first = expiryRecheck(due('ayse', '2026-11-04T08:00:00.000Z'));
    const next = expiryRecheck(due('ayse', '2026-11-05T08:00:00.000Z'));

    // Assess
    expect(messageDeduplicationId(next)).not.toBe(messageDeduplicationId(first));
  });
});
