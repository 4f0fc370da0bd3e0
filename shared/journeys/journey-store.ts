/**
 * Where journey runs live (the `J#<journeyId>#<runId>` items) and how journey-tick finds the
 * waiting ones (the sparse `due` index). Ports for the domain; shared/aws/dynamo-journey-store.ts
 * implements them on the table, shared/journeys/in-memory-journey-store.ts in memory.
 */
import type { WriteReceipt } from '../ports.js';
import type { JourneyRun } from './run.js';

export interface JourneyStore {
  /** Every run of the customer, live and finished (re-entry needs the finished ones). */
  listRuns(customerId: string): Promise<JourneyRun[]>;
  /** One run by its key, as stored (undefined: none, or expired): the run a wake or an engagement names. */
  getRun(customerId: string, journeyId: string, runId: string): Promise<JourneyRun | undefined>;
  /** Many runs by their keys at once (strongly consistent); missing or expired ones are absent. */
  getRuns(keys: readonly RunKey[]): Promise<JourneyRun[]>;
  /**
   * Writes `run` with `version = expectedVersion + 1` (0 for a new run), conditional on the
   * stored version still being `expectedVersion` (on no item existing when undefined). Returns
   * `written: false` when the condition failed: a redelivered message already wrote it.
   */
  putRun(
    run: JourneyRun,
    expectedVersion: number | undefined,
  ): Promise<{ written: boolean; run: JourneyRun; receipt: WriteReceipt }>;
}

/** What names one run: its customer, journey and run id. */
export interface RunKey {
  customerId: string;
  journeyId: string;
  runId: string;
}

/** A waiting run whose `wakeAt` has come. */
export interface DueRun {
  customerId: string;
  journeyId: string;
  runId: string;
  wakeAt: string;
}

export interface DueRunIndex {
  /** Shards of the index (`0 … shards-1`). */
  readonly shards: number;
  /** One shard's waiting runs with `wakeAt <= until` (ISO), earliest first. */
  due(shard: number, until: string, pageSize: number): AsyncIterable<DueRun>;
}
