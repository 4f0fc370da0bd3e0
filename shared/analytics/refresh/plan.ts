/**
 * Plan phase: the run's identity (run id, as-of date, the time its `scores` messages carry) and
 * how many parallel scan segments the Map states fan out to. Segments grow with the table so
 * each summarize and score invocation scans about the same number of items.
 */
import { dayOfDate, shopDate } from '../calendar-day.js';
import type { ScanSlice } from './ports.js';

export interface RefreshRun {
  /** Names the run's artifacts: `<runId>/…`. */
  runId: string;
  /** YYYY-MM-DD: recency counts days to it and T ends on it (the papers' calibration end). */
  asOf: string;
  /** ISO time of the run; the `scores` messages carry it (last write wins per field). */
  at: string;
  /** The shop's `defaultTimezone`: order days are its dates (docs/decisions.md 84). */
  timezone: string;
}

export type SliceRun = RefreshRun & ScanSlice;

export interface RefreshPlan extends RefreshRun {
  totalSegments: number;
  /** One entry per Map iteration of summarize and score. */
  slices: SliceRun[];
}

export interface PlanOptions {
  now: Date;
  /** The shop's `defaultTimezone`. */
  timezone: string;
  /** Defaults to the shop's date of `now`. */
  asOf?: string;
  /** The table's approximate item count (DescribeTable; profiles, orders and the rest). */
  itemCount: number;
  itemsPerSegment?: number;
  maxSegments?: number;
  /** A fixed segment count instead (local runs). */
  segments?: number;
}

export const DEFAULT_ITEMS_PER_SEGMENT = 200_000;
/** A Map state runs at most this many iterations at once by default; more would only queue. */
export const DEFAULT_MAX_SEGMENTS = 40;

export class InvalidAsOfError extends Error {
  override readonly name = 'InvalidAsOfError';
}

export function planRefresh(options: PlanOptions): RefreshPlan {
  const asOf = options.asOf ?? shopDate(options.now, options.timezone);
  const parsed = dayOfDate(asOf);
  if (!parsed.ok) throw new InvalidAsOfError(`asOf: ${parsed.reason}`);
  const at = options.now.toISOString();
  const runId = at.replace(/[:.]/g, '-');
  const perSegment = options.itemsPerSegment ?? DEFAULT_ITEMS_PER_SEGMENT;
  const wanted = Math.ceil(Math.max(0, options.itemCount) / perSegment);
  const totalSegments = options.segments ?? Math.min(Math.max(1, wanted), options.maxSegments ?? DEFAULT_MAX_SEGMENTS);
  if (!Number.isInteger(totalSegments) || totalSegments < 1)
    throw new RangeError(`segments: expected a whole number ≥ 1, got ${totalSegments}`);
  const run = { runId, asOf, at, timezone: options.timezone };
  return {
    ...run,
    totalSegments,
    slices: Array.from({ length: totalSegments }, (_, segment) => ({ ...run, segment, totalSegments })),
  };
}

/** The as-of date as a day number (already validated by the plan). */
export function asOfDay(run: Pick<RefreshRun, 'asOf'>): number {
  const parsed = dayOfDate(run.asOf);
  if (!parsed.ok) throw new InvalidAsOfError(`asOf: ${parsed.reason}`);
  return parsed.day;
}
