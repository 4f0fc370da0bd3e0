/**
 * A journey store decorator for one batch of process-events messages, as BatchProfileCache is for
 * profiles (docs/decisions.md 211): a customer's messages arrive together (one FIFO group), and
 * each message the journeys concern read the customer's runs again — a Query per viewed product.
 * The runs read (or written) earlier in the batch are the ones the next message would read, so
 * they are served from memory. It is safe for the same reason: every run write stays conditional
 * on the version read, a refused write drops the customer's entry, and the next message reads the
 * table again.
 *
 * The runs a batch's wakes and engagements name are read before it is processed, together, with
 * one BatchGetItem (`prefetch`, decision 256), and each is served once to the message that names
 * it, unless the batch listed that customer's runs or wrote that run since: then those answer.
 */
import type { JourneyStore, RunKey } from './journey-store.js';
import type { JourneyRun } from './run.js';

export class BatchRunCache implements JourneyStore {
  /** Each customer's runs as last read or written in this batch, by journey and run id. */
  private readonly known = new Map<string, Map<string, JourneyRun>>();
  /** Runs read ahead by their keys, each served once (namedKey). */
  private readonly named = new Map<string, JourneyRun>();

  constructor(private readonly store: JourneyStore) {}

  async listRuns(customerId: string): Promise<JourneyRun[]> {
    const cached = this.known.get(customerId);
    // In the table's order (the sort key `J#<journeyId>#<runId>`), as a Query returns them.
    if (cached)
      return [...cached.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, run]) => structuredClone(run));
    const runs = await this.store.listRuns(customerId);
    this.known.set(customerId, new Map(runs.map((run) => [runKey(run), structuredClone(run)])));
    return runs;
  }

  /**
   * Reads the runs these keys name in one request; a failed read leaves nothing read ahead, and
   * each message then reads its own run.
   */
  async prefetch(keys: readonly RunKey[]): Promise<void> {
    if (keys.length === 0) return;
    const runs = await this.store.getRuns(keys).catch(() => []);
    for (const run of runs) this.named.set(namedKey(run), run);
  }

  /** The run a wake or an engagement names: from the customer's runs if the batch has them, else read ahead, else its own read. */
  async getRun(customerId: string, journeyId: string, runId: string): Promise<JourneyRun | undefined> {
    const cached = this.known.get(customerId);
    if (cached) {
      const run = cached.get(`${journeyId}#${runId}`);
      return run && structuredClone(run);
    }
    const key = namedKey({ customerId, journeyId, runId });
    const ahead = this.named.get(key);
    if (!ahead) return this.store.getRun(customerId, journeyId, runId);
    this.named.delete(key);
    return ahead;
  }

  getRuns(keys: readonly RunKey[]): Promise<JourneyRun[]> {
    return this.store.getRuns(keys);
  }

  async putRun(run: JourneyRun, expectedVersion: number | undefined) {
    this.named.delete(namedKey(run));
    const put = await this.store.putRun(run, expectedVersion);
    const cached = this.known.get(run.customerId);
    // Refused: someone else wrote this run (a redelivery); what the batch knew is stale.
    if (!put.written) this.known.delete(run.customerId);
    else cached?.set(runKey(put.run), structuredClone(put.run));
    return put;
  }
}

function namedKey(key: RunKey): string {
  return `${key.customerId}\n${key.journeyId}\n${key.runId}`;
}

function runKey(run: JourneyRun): string {
  return `${run.journeyId}#${run.runId}`;
}
