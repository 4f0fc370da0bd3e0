/**
 * JourneyStore and DueRunIndex in memory, with the table's semantics (conditional writes on
 * version, sharded due runs; a pass reads the waiting runs, where the table reads their wakes):
 * what `sadakat simulate` and unit tests run on.
 */
import type { DueRun, DueRunIndex, DueRunPass, JourneyStore, RunKey } from './journey-store.js';
import type { JourneyRun } from './run.js';

export class InMemoryJourneyStore implements JourneyStore, DueRunIndex {
  readonly runs = new Map<string, JourneyRun>();

  constructor(
    readonly shards = 1,
    private readonly shardOf: (customerId: string) => number = () => 0,
  ) {}

  async listRuns(customerId: string): Promise<JourneyRun[]> {
    return [...this.runs.values()].filter((run) => run.customerId === customerId).map((run) => structuredClone(run));
  }

  async getRun(customerId: string, journeyId: string, runId: string): Promise<JourneyRun | undefined> {
    const run = this.runs.get(`${customerId}\n${journeyId}\n${runId}`);
    return run && structuredClone(run);
  }

  async getRuns(keys: readonly RunKey[]): Promise<JourneyRun[]> {
    return keys.flatMap((key) => {
      const run = this.runs.get(`${key.customerId}\n${key.journeyId}\n${key.runId}`);
      return run ? [structuredClone(run)] : [];
    });
  }

  async putRun(run: JourneyRun, expectedVersion: number | undefined) {
    const key = `${run.customerId}\n${run.journeyId}\n${run.runId}`;
    const stored = this.runs.get(key);
    const matches = expectedVersion === undefined ? stored === undefined : stored?.version === expectedVersion;
    const written = { ...structuredClone(run), version: expectedVersion === undefined ? 0 : expectedVersion + 1 };
    if (!matches) return { written: false, run: written, receipt: { capacityUnits: 0 } };
    this.runs.set(key, written);
    return { written: true, run: written, receipt: { capacityUnits: 1 } };
  }

  /** Every pass reads the waiting runs themselves: nothing to remember between passes. */
  async openPass(): Promise<DueRunPass> {
    return {
      shards: this.shards,
      due: (shard, until, pageSize) => this.due(shard, until, pageSize),
      settle: async () => {},
    };
  }

  async *due(shard: number, until: string, _pageSize: number): AsyncIterable<DueRun> {
    const due = [...this.runs.values()]
      .filter(
        (run) =>
          run.status === 'waiting' &&
          run.wakeAt !== undefined &&
          run.wakeAt <= until &&
          this.shardOf(run.customerId) === shard,
      )
      .sort((a, b) => (a.wakeAt as string).localeCompare(b.wakeAt as string));
    for (const run of due)
      yield { customerId: run.customerId, journeyId: run.journeyId, runId: run.runId, wakeAt: run.wakeAt as string };
  }
}
