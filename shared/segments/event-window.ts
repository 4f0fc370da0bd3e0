/**
 * How `within` reads the profile's sparse counters (DESIGN "Profile"): windows up to 48h sum the
 * hourly buckets, longer ones the daily buckets. A bucket counts when any part of it lies in the
 * window, so a window is exact to one bucket — the price of keeping a profile under 1 KB.
 */
import { PROFILE_LIMITS } from '../profiles/limits.js';

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
