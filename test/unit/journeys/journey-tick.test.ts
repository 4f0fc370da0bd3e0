import { describe, expect, it } from 'vitest';
import type { CustomerMessage } from '../../../shared/events/messages.js';
import type { DueRun, DueRunIndex, DueRunPass } from '../../../shared/journeys/journey-store.js';
import { JourneyTickError, journeyTick } from '../../../shared/journeys/journey-tick.js';

const NOW = new Date('2026-11-02T12:00:00Z');

function index(
  byShard: Record<number, DueRun[] | Error>,
): DueRunIndex & { asked: string[]; passes: number; settled: (readonly number[])[] } {
  const asked: string[] = [];
  const settled: (readonly number[])[] = [];
  const runs = {
    asked,
    settled,
    passes: 0,
    async openPass(): Promise<DueRunPass> {
      runs.passes++;
      return {
        shards: 4,
        async *due(shard, until) {
          asked.push(`${shard}<=${until}`);
          const entry = byShard[shard] ?? [];
          if (entry instanceof Error) throw entry;
          yield* entry;
        },
        settle: async (failedShards) => void settled.push(failedShards),
      };
    },
  };
  return runs;
}

function due(customerId: string): DueRun {
  return { customerId, journeyId: 'vnb', runId: `r-${customerId}`, wakeAt: '2026-11-02T11:00:00.000Z' };
}

describe('journeyTick', () => {
  it('asks every shard for what is due now and enqueues one wake per run, dueAt = wakeAt', async () => {
    // Prepare
    const queued: CustomerMessage[] = [];
    const runs = index({ 0: [due('a')], 3: [due('b'), due('c')] });
    // Act
    const result = await journeyTick({
      index: runs,
      clock: { now: () => NOW },
      queue: { enqueue: async (messages) => void queued.push(...messages) },
    });
    // Assess
    expect(runs.asked.sort()).toEqual([0, 1, 2, 3].map((shard) => `${shard}<=${NOW.toISOString()}`));
    expect(queued).toContainEqual({
      kind: 'wake',
      customerId: 'b',
      journeyId: 'vnb',
      runId: 'r-b',
      dueAt: '2026-11-02T11:00:00.000Z',
    });
    // The oldest wake had been due an hour: the lag the tick's alarm watches
    expect(result).toMatchObject({ shards: 4, found: 3, enqueued: 3, complete: true, lagSeconds: 3600 });
    // One pass, settled once with no shard failed: the table's cursor moves on every shard
    expect([runs.passes, runs.settled]).toEqual([1, [[]]]);
  });

  it('starts at another shard each minute, so a pass cut short does not always leave the same shards', async () => {
    // Act: one-worker passes a minute apart
    const firsts: number[] = [];
    for (let minute = 0; minute < 4; minute++) {
      const runs = index({});
      const result = await journeyTick(
        {
          index: runs,
          clock: { now: () => new Date(NOW.getTime() + minute * 60_000) },
          queue: { enqueue: async () => undefined },
        },
        { concurrency: 1 },
      );
      firsts.push(Number(runs.asked[0]?.split('<=')[0]));
      expect(result.firstShard).toBe(firsts[minute]);
      expect(runs.asked).toHaveLength(4);
      expect(result.lagSeconds).toBe(0);
    }

    // Assess
    expect(new Set(firsts).size).toBe(4);
  });

  it('finishes the other shards when one fails, then reports the failed one', async () => {
    // Prepare
    const queued: CustomerMessage[] = [];
    const runs = index({ 1: new Error('throttled'), 2: [due('a')] });
    // Act
    const tick = journeyTick({
      index: runs,
      clock: { now: () => NOW },
      queue: { enqueue: async (m) => void queued.push(...m) },
    });
    // Assess
    await expect(tick).rejects.toThrowError(JourneyTickError);
    await expect(tick).rejects.toMatchObject({ failedShards: [1] });
    expect(queued).toHaveLength(1);
    // The pass still settles, without the failed shard: its wakes are read again next minute
    expect(runs.settled).toEqual([[1]]);
  });

  it('stops after the chunk in hand when asked to', async () => {
    const many = Array.from({ length: 10 }, (_, i) => due(`c${i}`));
    let sent = 0;
    const result = await journeyTick(
      {
        index: index({ 0: many, 1: many }),
        clock: { now: () => NOW },
        queue: { enqueue: async (messages) => void (sent += messages.length) },
      },
      { concurrency: 1, chunkSize: 5, stopWhen: () => sent >= 5 },
    );
    expect(result).toMatchObject({ enqueued: 5, complete: false });
  });
});
