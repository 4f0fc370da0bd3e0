/**
 * "Wait until 10:00" in the customer's own timezone: the first instant at or after `now` whose
 * local wall-clock time is that hour and minute. A time skipped by a spring-forward gap moves
 * forward by the gap (wall-clock.ts, as luxon did).
 */
import { atTimeOfDay, isKnownZone, nextDay, zoned } from '../wall-clock.js';

export function nextTimeOfDay(now: Date, hour: number, minute: number, timezone: string): Date {
  const zone = isKnownZone(timezone) ? timezone : 'UTC';
  const candidate = atTimeOfDay(zoned(now.getTime(), zone), hour, minute, zone);
  if (candidate.instant >= now.getTime()) return new Date(candidate.instant);
  return new Date(atTimeOfDay(nextDay(candidate, zone), hour, minute, zone).instant);
}

/** The customer's timezone if it is a known IANA zone, else the campaign default. */
export function customerTimezone(timezone: string | undefined, fallback: string): string {
  return isKnownZone(timezone) ? timezone : fallback;
}
