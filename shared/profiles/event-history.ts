/**
 * Sparse per-event counters (DESIGN "Profile": `events.<name>`): count, lastAt and UTC day / hour
 * buckets. Buckets are kept relative to the NEWEST time seen for the event name, not to the
 * clock, so the summary of a set of events is the same in whatever order they arrive:
 * a bucket is added only while inside the window of the newest time seen so far, and the window
 * only ever moves forward, so exactly the buckets inside the final window remain.
 *
 * The window keeps bucket numbers ≥ newest − window (49 hourly / 91 daily buckets): a segment's
 * `within: 48h` evaluated at the newest event's time starts in bucket `newest − 48`
 * (segments/event-window.ts), so that bucket must still be there.
 */
import { PROFILE_LIMITS } from './limits.js';
import type { EventHistory } from './schema.js';
import { dayNumber, hourNumber } from './time-buckets.js';
import { compareIso, laterIso } from './timestamps.js';

type Buckets = Record<string, number>;

/** One occurrence at `at` (normalized ISO). The window follows max(lastAt, at). */
export function recordOccurrence(history: EventHistory | undefined, at: string): EventHistory {
  const lastAt = laterIso(history?.lastAt, at);
  const daily = { ...history?.daily };
  const hourly = { ...history?.hourly };
  increment(daily, dayNumber(at));
  increment(hourly, hourNumber(at));
  return withinWindow({ lastAt, count: (history?.count ?? 0) + 1, daily, hourly }, lastAt);
}

/** Both histories summed, windowed at the newer lastAt (the same as applying both sets of events). */
export function mergeHistories(a: EventHistory | undefined, b: EventHistory | undefined): EventHistory | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const lastAt = laterIso(a.lastAt, b.lastAt);
  return withinWindow(
    { lastAt, count: a.count + b.count, daily: sumBuckets(a.daily, b.daily), hourly: sumBuckets(a.hourly, b.hourly) },
    lastAt,
  );
}

/** Drops buckets that lie before the windows ending at `newest`. */
export function withinWindow<H extends EventHistory>(history: H, newest: string): H {
  const firstDay = dayNumber(newest) - PROFILE_LIMITS.dailyWindowDays;
  const firstHour = hourNumber(newest) - PROFILE_LIMITS.hourlyWindowHours;
  return { ...history, daily: bucketsFrom(history.daily, firstDay), hourly: bucketsFrom(history.hourly, firstHour) };
}

/** Newest first, ties by key: the order in which capped maps keep their entries. */
export function byRecency(a: [string, EventHistory], b: [string, EventHistory]): number {
  return compareIso(b[1].lastAt, a[1].lastAt) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

function increment(buckets: Buckets, bucket: number): void {
  const key = String(bucket);
  buckets[key] = (buckets[key] ?? 0) + 1;
}

function sumBuckets(a: Buckets, b: Buckets): Buckets {
  const sum: Buckets = { ...a };
  for (const [key, count] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + count;
  return sum;
}

/** Keys in ascending numeric order, so equal maps serialize equally whatever built them. */
function bucketsFrom(buckets: Buckets, first: number): Buckets {
  const kept: Buckets = {};
  const keys = Object.keys(buckets)
    .map(Number)
    .filter((bucket) => bucket >= first)
    .sort((x, y) => x - y);
  for (const bucket of keys) kept[String(bucket)] = buckets[String(bucket)] as number;
  return kept;
}
