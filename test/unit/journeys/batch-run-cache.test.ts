/** The per-batch run cache saves a Query per message without ever letting a stale run be written. */
import { describe, expect, it } from 'vitest';
import { BatchRunCache } from '../../../shared/journeys/batch-run-cache.js';
import { InMemoryJourneyStore } from '../../../shared/journeys/in-memory-journey-store.js';
import { newRun } from '../../../shared/journeys/run.js';

const at = '2026-11-02T10:00:00.000Z';

/** Counts the store's run listings from now on. */
function countLists(store: InMemoryJourneyStore): { count: number } {
  const lists = { count: 0 };
  const listRuns = store.listRuns.bind(store);
  store.listRuns = (customerId) => {
    lists.count++;
    return listRuns(customerId);
  };
  return lists;
}

describe('BatchRunCache', () => {
  it('lists a customer’s runs from the store once per batch, then as written since, in the table’s order', async () => {
    // Prepare
    const store = new InMemoryJourneyStore();
    await store.putRun(newRun('win-back', 'r2', 'c1', false, at), undefined);
    const lists = countLists(store);
    const cache = new BatchRunCache(store);

    // Act
    const first = await cache.listRuns('c1');
    await cache.putRun({ ...newRun('abandoned-cart', 'r1', 'c1', false, at), status: 'waiting' }, undefined);
    const moved = await cache.putRun({ ...first[0]!, status: 'completed' }, first[0]!.version);
    const second = await cache.listRuns('c1');

    // Assess
    expect(lists.count).toBe(1);
    expect(moved.written).toBe(true);
    expect(second.map((run) => [run.journeyId, run.status, run.version])).toEqual([
      ['abandoned-cart', 'waiting', 0],
      ['win-back', 'completed', 1],
    ]);
  });

  it('remembers that a customer has no runs', async () => {
    // Prepare
    const store = new InMemoryJourneyStore();
    const lists = countLists(store);
    const cache = new BatchRunCache(store);

    // Act
    const runs = [await cache.listRuns('c1'), await cache.listRuns('c1')];

    // Assess
    expect(runs).toEqual([[], []]);
    expect(lists.count).toBe(1);
  });

  it('drops what it knew of a customer when a run write is refused, so the next listing reads the winner', async () => {
    // Prepare: another writer moves the run on after this cache listed it
    const store = new InMemoryJourneyStore();
    await store.putRun(newRun('win-back', 'r1', 'c1', false, at), undefined);
    const cache = new BatchRunCache(store);
    const [listed] = await cache.listRuns('c1');
    await store.putRun({ ...listed!, status: 'exited' }, listed!.version);

    // Act
    const put = await cache.putRun({ ...listed!, status: 'completed' }, listed!.version);
    const after = await cache.listRuns('c1');

    // Assess
    expect(put.written).toBe(false);
    expect(after.map((run) => [run.status, run.version])).toEqual([['exited', 1]]);
  });

  it('serves the run a wake names from the runs the batch knows, and reads it by its key otherwise', async () => {
    // Prepare
    const store = new InMemoryJourneyStore();
    await store.putRun(newRun('win-back', 'r1', 'c1', false, at), undefined);
    await store.putRun(newRun('win-back', 'r9', 'c2', false, at), undefined);
    const lists = countLists(store);
    const cache = new BatchRunCache(store);
    await cache.listRuns('c1');

    // Act
    const known = await cache.getRun('c1', 'win-back', 'r1');
    const absent = await cache.getRun('c1', 'win-back', 'r2');
    const read = await cache.getRun('c2', 'win-back', 'r9');

    // Assess
    expect(lists.count).toBe(1);
    expect([known?.runId, absent, read?.runId]).toEqual(['r1', undefined, 'r9']);
  });

  it('serves each run read ahead once, by one read of the store, and after a write of it reads the store again', async () => {
    // Prepare
    const store = new InMemoryJourneyStore();
    await store.putRun(newRun('win-back', 'r1', 'c1', false, at), undefined);
    await store.putRun(newRun('win-back', 'r2', 'c2', false, at), undefined);
    const reads = { getRuns: 0, getRun: 0 };
    const getRuns = store.getRuns.bind(store);
    const getRun = store.getRun.bind(store);
    store.getRuns = (keys) => (reads.getRuns++, getRuns(keys));
    store.getRun = (...key) => (reads.getRun++, getRun(...key));
    const cache = new BatchRunCache(store);
    const c1 = { customerId: 'c1', journeyId: 'win-back', runId: 'r1' };
    const c2 = { customerId: 'c2', journeyId: 'win-back', runId: 'r2' };

    // Act
    await cache.prefetch([c1, c2]);
    const ahead = [await cache.getRun('c1', 'win-back', 'r1'), await cache.getRun('c2', 'win-back', 'r2')];
    await cache.putRun({ ...ahead[0]!, status: 'completed' }, ahead[0]!.version);
    const again = await cache.getRun('c1', 'win-back', 'r1');

    // Assess
    expect(ahead.map((run) => run?.runId)).toEqual(['r1', 'r2']);
    expect(again?.status).toBe('completed');
    expect(reads).toEqual({ getRuns: 1, getRun: 1 });
  });

  it('reads nothing ahead when the read fails, and each run is then read by its key', async () => {
    // Prepare
    const store = new InMemoryJourneyStore();
    await store.putRun(newRun('win-back', 'r1', 'c1', false, at), undefined);
    store.getRuns = () => Promise.reject(new Error('throttled'));
    const cache = new BatchRunCache(store);

    // Act
    await cache.prefetch([{ customerId: 'c1', journeyId: 'win-back', runId: 'r1' }]);
    const run = await cache.getRun('c1', 'win-back', 'r1');

    // Assess
    expect(run?.runId).toBe('r1');
  });

  it('hands out copies, so a caller changing one cannot change the cache', async () => {
    // Prepare
    const cache = new BatchRunCache(new InMemoryJourneyStore());
    await cache.listRuns('c1');
    await cache.putRun(newRun('win-back', 'r1', 'c1', false, at), undefined);

    // Act
    const [first] = await cache.listRuns('c1');
    first!.visits.changed = 1;

    // Assess
    expect((await cache.listRuns('c1'))[0]?.visits).toEqual({});
  });
});
