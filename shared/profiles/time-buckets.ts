/**
 * Bucket numbers of the sparse event counters (DESIGN "Profile"): `events.<name>.daily` is keyed by
 * UTC day numbers since 1970-01-01, `hourly` by UTC hour numbers since the epoch — short keys keep
 * the item small, and readers (segments/event-window.ts) use the same arithmetic.
 */
import { epochMs } from './timestamps.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** UTC day number of an ISO timestamp (1970-01-01 is day 0). */
export function dayNumber(iso: string): number {
  return Math.floor(epochMs(iso) / DAY_MS);
}

/** UTC hour number of an ISO timestamp (1970-01-01T00 is hour 0). */
export function hourNumber(iso: string): number {
  return Math.floor(epochMs(iso) / HOUR_MS);
}
