/**
 * "Wait until 10:00" in the customer's own timezone: the first instant at or after `now` whose
 * local wall-clock time is that hour and minute. Luxon handles DST: a time skipped by a spring-
 * forward gap moves to the first valid minute after it.
 */
import { DateTime } from 'luxon';

export function nextTimeOfDay(now: Date, hour: number, minute: number, timezone: string): Date {
  const local = DateTime.fromJSDate(now, { zone: timezone });
  const zoned = local.isValid ? local : DateTime.fromJSDate(now, { zone: 'UTC' });
  let candidate = zoned.set({ hour, minute, second: 0, millisecond: 0 });
  if (candidate.toMillis() < now.getTime())
    candidate = candidate.plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 });
  return candidate.toJSDate();
}

/** The customer's timezone if it is a known IANA zone, else the campaign default. */
export function customerTimezone(timezone: string | undefined, fallback: string): string {
  if (timezone && DateTime.local().setZone(timezone).isValid) return timezone;
  return fallback;
}
