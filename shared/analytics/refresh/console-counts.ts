/**
 * The nightly snapshot `sadakat console --table` reads instead of scanning (decision 207): the
 * counts a deployed table cannot give by key — customers, segment sizes, runs per journey and
 * step, events and sends per day. Each summarize slice counts its scan segment
 * (`console/<runId>/<segment>.json`), fit merges them into `console-snapshot.json`, the one
 * object the console gets. Counts only: no customer id, address or token.
 */
import * as z from 'zod';
import { ArtifactNotFoundError, type RefreshArtifacts } from './ports.js';

export interface StepCounts {
  /** Runs at this step now (waiting or about to run it). */
  waiting: number;
  /** Runs that reached this step at least once. */
  passed: number;
}

export interface JourneyCounts {
  entered: number;
  active: number;
  completed: number;
  exited: number;
  holdout: number;
  variants: Record<string, number>;
  steps: Record<string, StepCounts>;
}

export interface ConsoleCounts {
  /** When the counted scan ran (ISO). */
  asOf: string;
  customers: number;
  anonymous: number;
  /** Segment id → members. */
  segments: Record<string, number>;
  journeys: Record<string, JourneyCounts>;
  /** UTC day → events. */
  eventsPerDay: Record<string, number>;
  /** UTC day → channel → messages sent. */
  sendsPerDay: Record<string, Record<string, number>>;
}

/** The scan of one segment of the table, folded into counts (shared/aws/dynamo-console-source.ts). */
export type ConsoleCountScan = (slice: { segment: number; totalSegments: number }) => Promise<ConsoleCounts>;

/** The latest snapshot: what the console reads. */
export const CONSOLE_SNAPSHOT_KEY = 'console-snapshot.json';

export function consoleCountsKey(runId: string, segment: number): string {
  return `console/${runId}/${segment}.json`;
}

const counts = z.record(z.string(), z.number());
const journeyCounts = z.object({
  entered: z.number(),
  active: z.number(),
  completed: z.number(),
  exited: z.number(),
  holdout: z.number(),
  variants: counts,
  steps: z.record(z.string(), z.object({ waiting: z.number(), passed: z.number() })),
});
export const consoleCountsSchema: z.ZodType<ConsoleCounts> = z.object({
  asOf: z.string(),
  customers: z.number(),
  anonymous: z.number(),
  segments: counts,
  journeys: z.record(z.string(), journeyCounts),
  eventsPerDay: counts,
  sendsPerDay: z.record(z.string(), counts),
});

export function emptyJourneyCounts(): JourneyCounts {
  return { entered: 0, active: 0, completed: 0, exited: 0, holdout: 0, variants: {}, steps: {} };
}

const addInto = (into: Record<string, number>, from: Record<string, number>): void => {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
};

/** The counts of every segment as one; `asOf` is the earliest (the snapshot is no newer than its oldest part). */
export function mergeConsoleCounts(parts: readonly ConsoleCounts[]): ConsoleCounts {
  const merged: ConsoleCounts = {
    asOf: parts.map((part) => part.asOf).sort()[0] ?? new Date(0).toISOString(),
    customers: 0,
    anonymous: 0,
    segments: {},
    journeys: {},
    eventsPerDay: {},
    sendsPerDay: {},
  };
  for (const part of parts) {
    merged.customers += part.customers;
    merged.anonymous += part.anonymous;
    addInto(merged.segments, part.segments);
    addInto(merged.eventsPerDay, part.eventsPerDay);
    for (const [day, channels] of Object.entries(part.sendsPerDay)) addInto((merged.sendsPerDay[day] ??= {}), channels);
    for (const [id, journey] of Object.entries(part.journeys)) {
      const into = (merged.journeys[id] ??= emptyJourneyCounts());
      into.entered += journey.entered;
      into.active += journey.active;
      into.completed += journey.completed;
      into.exited += journey.exited;
      into.holdout += journey.holdout;
      addInto(into.variants, journey.variants);
      for (const [step, count] of Object.entries(journey.steps)) {
        const stepInto = (into.steps[step] ??= { waiting: 0, passed: 0 });
        stepInto.waiting += count.waiting;
        stepInto.passed += count.passed;
      }
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
      // A refresh whose summarize does not count (no scan given) writes no parts: nothing to publish.
      if (error instanceof ArtifactNotFoundError) return undefined;
      throw error;
    }
  }
  if (parts.length === 0) return undefined;
  const snapshot = mergeConsoleCounts(parts);
  await artifacts.put(CONSOLE_SNAPSHOT_KEY, snapshot);
  return snapshot;
}
