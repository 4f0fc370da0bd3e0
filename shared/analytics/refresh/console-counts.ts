/**
 * The nightly snapshot `sadakat console --table` reads instead of scanning (decisions 207, 220):
 * the counts a deployed table cannot give by key. Each summarize slice counts its shards
 * (`console/<runId>/<segment>.json`) from the indexes, without a Scan; fit merges them into
 * `console-snapshot.json`, the one object the console gets. Counts only: no customer id,
 * address or token.
 */
import * as z from 'zod';
import { ArtifactNotFoundError, type RefreshArtifacts } from './ports.js';

/**
 * The snapshot (decision 220): what the refresh counts from what it reads without a Scan — known
 * customers from the `customers` index its summarize slices read anyway, audience segments from
 * their `AUD#` membership items (the `audience` index), runs waiting at each journey step from the
 * `due` index. Anonymous visitors, events and sends per day, other segments' sizes and runs'
 * totals (entered, passed a step) would take a scan: not in the snapshot (the pages say so).
 */
export interface ConsoleCounts {
  /** When the refresh counted (ISO). */
  asOf: string;
  /** Known customers (not anonymous, not merged). */
  customers: number;
  /** Audience segment id → members (only segments the audience index answers for). */
  segments: Record<string, number>;
  /** Journey id → runs waiting on a timer now, in all and per step. */
  journeys: Record<string, WaitingRuns>;
}

export interface WaitingRuns {
  waiting: number;
  steps: Record<string, number>;
}

/** One summarize slice's index counts (its shards); the slice adds the customers it read itself. */
export type ConsoleIndexCounts = (slice: {
  segment: number;
  totalSegments: number;
}) => Promise<Omit<ConsoleCounts, 'asOf' | 'customers'>>;

/** The latest snapshot: what the console reads. */
export const CONSOLE_SNAPSHOT_KEY = 'console-snapshot.json';

/** Beside it: the A/B report a person stored with `sadakat report --table T --bucket B` (decision 224). */
export const REPORT_SNAPSHOT_KEY = 'console-report.json';

export function consoleCountsKey(runId: string, segment: number): string {
  return `console/${runId}/${segment}.json`;
}

const counts = z.record(z.string(), z.number());
export const consoleCountsSchema: z.ZodType<ConsoleCounts> = z.object({
  asOf: z.string(),
  customers: z.number(),
  segments: counts,
  journeys: z.record(z.string(), z.object({ waiting: z.number(), steps: counts })),
});

const addInto = (into: Record<string, number>, from: Record<string, number>): void => {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
};

/** The counts of every slice as one; `asOf` is the earliest (the snapshot is no newer than its oldest part). */
export function mergeConsoleCounts(parts: readonly ConsoleCounts[]): ConsoleCounts {
  const merged: ConsoleCounts = {
    asOf: parts.map((part) => part.asOf).sort()[0] ?? new Date(0).toISOString(),
    customers: 0,
    segments: {},
    journeys: {},
  };
  for (const part of parts) {
    merged.customers += part.customers;
    addInto(merged.segments, part.segments);
    for (const [id, journey] of Object.entries(part.journeys)) {
      const into = (merged.journeys[id] ??= { waiting: 0, steps: {} });
      into.waiting += journey.waiting;
      addInto(into.steps, journey.steps);
    }
  }
  return merged;
}

/** Fit's last act: the segments' counts that were written, merged into the snapshot the console reads. */
export async function publishConsoleSnapshot(
  artifacts: RefreshArtifacts,
  runId: string,
  segments: readonly number[],
): Promise<ConsoleCounts | undefined> {
  const parts: ConsoleCounts[] = [];
  for (const segment of segments) {
    try {
      parts.push(consoleCountsSchema.parse(await artifacts.get(consoleCountsKey(runId, segment))));
    } catch (error) {
      // A slice that did not count writes no part: nothing to publish.
      if (error instanceof ArtifactNotFoundError) return undefined;
      throw error;
    }
  }
  if (parts.length === 0) return undefined;
  const snapshot = mergeConsoleCounts(parts);
  await artifacts.put(CONSOLE_SNAPSHOT_KEY, snapshot);
  return snapshot;
}
