/**
 * Where journey runs live (the `J#<journeyId>#<runId>` items) and how journey-tick finds the
 * waiting ones (their wakes, and the `due` index entries of runs written before decision 290).
 * Ports for the domain; shared/aws/dynamo-journey-store.ts implements them on the table,
 * shared/journeys/in-memory-journey-store.ts in memory.
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
   * A waiting run's wake is scheduled first: a crash between the two leaves a wake that finds the
   * run unchanged and does nothing, never a waiting run without a wake.
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

/** Where journey-tick finds the due runs: one pass at a time (a pass may remember how far it read). */
export interface DueRunIndex {
  openPass(): Promise<DueRunPass>;
}

export interface DueRunPass {
  /** Shards (`0 … shards-1`); every one is read. */
  readonly shards: number;
  /** One shard's due runs (`wakeAt <= until`, ISO). */
  due(shard: number, until: string, pageSize: number): AsyncIterable<DueRun>;
  /** After the pass: what was read of every shard not in `failedShards` is not read again. */
  settle(failedShards: readonly number[]): Promise<void>;
}
