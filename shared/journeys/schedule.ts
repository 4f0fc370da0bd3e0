/**
 * Scheduled journeys (`trigger: { schedule: "0 10 * * MON", audience: churn_risk }`): the cron
 * runs in each customer's own timezone, so "Monday 10:00" reaches Istanbul and New York at their
 * own 10:00. `dueSlot` answers whether an occurrence fell inside the window a schedule pass covers.
 */
import { CronExpressionParser } from 'cron-parser';
import { offsetMinutes } from '../wall-clock.js';
import { DEFAULT_BUCKET, timezoneBuckets } from './audiences.js';

/**
 * The latest occurrence of `cron` in `timezone` at or before `now`, if it is later than
 * `now - windowMs`; undefined otherwise. A pass every `windowMs` thus sees each slot once (and a
 * repeated pass sees it again, which the slot-derived run id makes harmless).
 */
export function dueSlot(cron: string, timezone: string, now: Date, windowMs: number): string | undefined {
  // cron-parser's prev() is strictly before currentDate; one millisecond later makes `now` itself count.
  const expression = CronExpressionParser.parse(cron, { currentDate: new Date(now.getTime() + 1), tz: timezone });
  const previous = expression.prev().toDate();
  return previous.getTime() > now.getTime() - windowMs ? previous.toISOString() : undefined;
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
  const byOffset = new Map<number, string | undefined>();
  const end = now.getTime();
  return (zone) => {
    const offset = offsetMinutes(end, zone);
    const steady = windowMs <= STEADY_OFFSET_WINDOW_MS && offsetMinutes(end - windowMs, zone) === offset;
    // An unknown zone (NaN offset) goes the long way too, where cron-parser decides about it.
    if (!steady || !Number.isFinite(offset)) return dueSlot(cron, zone, now, windowMs);
    const offsetMs = offset * 60_000;
    if (!byOffset.has(offsetMs)) {
      const shifted = dueSlot(cron, 'UTC', new Date(end + offsetMs), windowMs);
      byOffset.set(
        offsetMs,
        shifted === undefined ? undefined : new Date(Date.parse(shifted) - offsetMs).toISOString(),
      );
    }
    return byOffset.get(offsetMs);
  };
}

/** Offset changes are months apart in every zone: a window up to a day holds at most one. */
const STEADY_OFFSET_WINDOW_MS = 86_400_000;
