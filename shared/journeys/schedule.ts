/**
 * Scheduled journeys (`trigger: { schedule: "0 10 * * MON", audience: churn_risk }`): the cron
 * runs in each customer's own timezone, so "Monday 10:00" reaches Istanbul and New York at their
 * own 10:00. `dueSlot` answers whether an occurrence fell inside the window a schedule pass covers.
 *
 * croner matches the pattern on the local wall clock, read at offset 0 so croner applies no
 * daylight-saving rule of its own (offset 0 rather than the UTC zone: the same answers, ten times
 * faster); which instants carry that wall clock is wall-clock.ts's answer. So a slot a
 * spring-forward gap skips has no instant and does not run, and a slot a fall-back night repeats
 * runs at both instants, as with cron-parser before decision 295 (croner's own timezone mode moves
 * a skipped fixed-time slot to the end of the gap and runs a repeated one once). A unit test holds
 * this to a minute-by-minute reading and to cron-parser around every 2026 offset change of zones
 * that change at 02:00, at midnight, by half an hour and at quarter-hour offsets.
 */
import { Cron } from 'croner';
import { isKnownZone, offsetMinutes } from '../wall-clock.js';
import { DEFAULT_BUCKET, timezoneBuckets } from './audiences.js';

/** A five-field cron pattern as journeys write it; throws (croner's message) when it is not one. */
export function parseSchedule(cron: string): Cron {
  // sloppyRanges: `5/15` (from 5 every 15) is accepted, as cron-parser accepted it.
  return new Cron(cron, { mode: '5-part', utcOffset: 0, sloppyRanges: true });
}

/**
 * The latest occurrence of `cron` in `timezone` at or before `now`, if it is later than
 * `now - windowMs`; undefined otherwise. A pass every `windowMs` thus sees each slot once (and a
 * repeated pass sees it again, which the slot-derived run id makes harmless).
 */
export function dueSlot(cron: string, timezone: string, now: Date, windowMs: number): string | undefined {
  return latestSlot(parseSchedule(cron), timezone, now.getTime(), windowMs);
}

/** Offset changes are months apart in every zone: a window up to a day holds at most one. */
const MAX_WINDOW_MS = 86_400_000;

function latestSlot(pattern: Cron, zone: string, end: number, windowMs: number): string | undefined {
  if (!isKnownZone(zone)) throw new RangeError(`unknown time zone: ${zone}`);
  if (!(windowMs > 0 && windowMs <= MAX_WINDOW_MS))
    throw new RangeError(`schedule window out of range: ${windowMs} ms`);
  const start = end - windowMs;
  const offsets = [...new Set([offsetMinutes(end, zone), offsetMinutes(start, zone)])].map(
    (minutes) => minutes * 60_000,
  );
  const lowest = Math.min(...offsets);
  const highest = Math.max(...offsets);
  let latest: number | undefined;
  // Wall-clock slots from the latest any instant of the window can show, going back; each is an
  // instant under every offset of the window that is in force then (none in a gap, two in a repeat).
  // One millisecond on: a slot exactly at the window's end counts.
  let reference = new Date(end + highest + 1);
  for (;;) {
    const [wall] = pattern.previousRuns(1, reference);
    if (wall === undefined || wall.getTime() - lowest <= Math.max(start, latest ?? start)) break;
    for (const offset of offsets) {
      const instant = wall.getTime() - offset;
      if (instant > start && instant <= end && offsetMinutes(instant, zone) * 60_000 === offset)
        latest = Math.max(latest ?? instant, instant);
    }
    reference = wall;
  }
  return latest === undefined ? undefined : new Date(latest).toISOString();
}
export interface DueBucket {
  bucket: string;
  /** The scheduled instant of the slot (ISO), the run id's source. */
  slot: string;
}

/**
 * The buckets whose slot of `cron` came within the window ending at `now` — the default bucket
 * when the shop's zone is due. A pass reads only these partitions of the audience index.
 */
export function dueBuckets(cron: string, now: Date, windowMs: number, defaultTimezone: string): DueBucket[] {
  const due: DueBucket[] = [];
  const slotIn = dueSlotsByOffset(cron, now, windowMs);
  for (const bucket of timezoneBuckets()) {
    const slot = slotIn(bucket);
    if (slot !== undefined) due.push({ bucket, slot });
  }
  const slot = slotIn(defaultTimezone);
  if (slot !== undefined) due.push({ bucket: DEFAULT_BUCKET, slot });
  return due;
}

/**
 * `dueSlot(cron, zone, now, windowMs)` for many zones, computed once per UTC offset instead of
 * once per zone (≈ 445 zones, ≈ 40 offsets; a cron evaluation costs about a millisecond). A zone
 * whose offset is the same at both ends of the window keeps it throughout (offsets change months
 * apart), so its wall clock there is UTC shifted by the offset and the slot is the one UTC would
 * have at the shifted instant, shifted back. A zone whose offset changes inside the window (a
 * daylight-saving night) is evaluated on its own.
 */
export function dueSlotsByOffset(cron: string, now: Date, windowMs: number): (zone: string) => string | undefined {
  const pattern = parseSchedule(cron);
  const byOffset = new Map<number, string | undefined>();
  const end = now.getTime();
  return (zone) => {
    const offset = offsetMinutes(end, zone);
    const steady = offsetMinutes(end - windowMs, zone) === offset;
    // An unknown zone (NaN offset) goes the long way too, which refuses it by name.
    if (!steady || !Number.isFinite(offset)) return latestSlot(pattern, zone, end, windowMs);
    const offsetMs = offset * 60_000;
    if (!byOffset.has(offsetMs)) {
      const shifted = latestSlot(pattern, 'UTC', end + offsetMs, windowMs);
      byOffset.set(
        offsetMs,
        shifted === undefined ? undefined : new Date(Date.parse(shifted) - offsetMs).toISOString(),
      );
    }
    return byOffset.get(offsetMs);
  };
}
