/**
 * Scheduled journeys (`trigger: { schedule: "0 10 * * MON", audience: churn_risk }`): the cron
 * runs in each customer's own timezone, so "Monday 10:00" reaches Istanbul and New York at their
 * own 10:00. `dueSlot` answers whether an occurrence fell inside the window a schedule pass covers.
 */
import { CronExpressionParser } from 'cron-parser';
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
  for (const bucket of timezoneBuckets()) {
    const slot = dueSlot(cron, bucket, now, windowMs);
    if (slot !== undefined) due.push({ bucket, slot });
  }
  const slot = dueSlot(cron, defaultTimezone, now, windowMs);
  if (slot !== undefined) due.push({ bucket: DEFAULT_BUCKET, slot });
  return due;
}
