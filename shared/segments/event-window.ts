/**
 * How `within` reads the profile's sparse counters (DESIGN "Profile"): windows up to 48h sum the
 * hourly buckets, longer ones the daily buckets. A bucket counts when any part of it lies in the
 * window, so a window is exact to one bucket — the price of keeping a profile under 1 KB.
 *
 * `lastAt` is the newest event, and the reducer keeps its bucket in both maps (the window follows
 * it, event-history.ts). So a window that starts after lastAt's bucket holds nothing — answered
 * without reading a bucket, which most histories allow for short windows — and one that reaches it
 * holds at least one event. Buckets past lastAt's, or lastAt's bucket missing (trimmed under the
 * 8 KB cap), cannot come from the reducer; the count is defined so that both shortcuts stay exact
 * even then: buckets after lastAt's are ignored and lastAt's bucket counts at least once.
 */
import { PROFILE_LIMITS } from '../profiles/limits.js';
import { epochMs } from './timestamp.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const HOURLY_WINDOW_MS = PROFILE_LIMITS.hourlyWindowHours * HOUR_MS;
export const MAX_WINDOW_MS = PROFILE_LIMITS.dailyWindowDays * DAY_MS;

export function usesHourlyBuckets(windowMs: number): boolean {
  return windowMs <= HOURLY_WINDOW_MS;
}

/** The first bucket number inside the window ending at `nowMs`. */
export function firstBucketInWindow(nowMs: number, windowMs: number, bucketMs: number): number {
  return Math.floor((nowMs - windowMs) / bucketMs);
}

/** When bucket `bucket` leaves a window of `windowMs` (the first instant it no longer counts). */
export function bucketLeavesWindowAt(bucket: number, windowMs: number, bucketMs: number): number {
  return (bucket + 1) * bucketMs + windowMs;
}

/** The bucket of `lastAt`, or undefined when it is not a time (then every bucket from `first` on counts). */
export function lastBucket(lastAt: string, bucketMs: number): number | undefined {
  const ms = epochMs(lastAt);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / bucketMs);
}

/**
 * The count of the buckets from `first` to `last` (lastAt's bucket; Infinity when lastAt is not
 * a time), with lastAt's counted at least once — `bucketsInWindow` summed without building the
 * list, stopping once `enough` is reached (the answer is then only known to be ≥ enough).
 */
export function countBuckets(
  buckets: Readonly<Record<string, number>>,
  first: number,
  last: number,
  enough: number,
): number {
  let total = 0;
  let sawLast = false;
  for (const key in buckets) {
    const bucket = +key;
    if (bucket < first || bucket > last) continue;
    if (bucket === last) sawLast = true;
    if ((total += buckets[key] as number) >= enough) return total;
  }
  return sawLast || last === Infinity ? total : total + 1;
}

/**
 * The buckets counting towards a window ending at `nowMs`, oldest first, as [bucket, count]:
 * those from the window's first bucket up to lastAt's, with lastAt's counted at least once.
 */
export function bucketsInWindow(
  buckets: Readonly<Record<string, number>>,
  lastAt: string,
  nowMs: number,
  windowMs: number,
  bucketMs: number,
): [bucket: number, count: number][] {
  const first = firstBucketInWindow(nowMs, windowMs, bucketMs);
  const last = lastBucket(lastAt, bucketMs) ?? Infinity;
  const counted: [number, number][] = [];
  let sawLast = false;
  for (const [key, count] of Object.entries(buckets)) {
    const bucket = Number(key);
    if (bucket < first || bucket > last) continue;
    if (bucket === last) sawLast = true;
    counted.push([bucket, count]);
  }
  if (!sawLast && Number.isFinite(last) && last >= first) counted.push([last, 1]);
  return counted.sort((a, b) => a[0] - b[0]);
}
