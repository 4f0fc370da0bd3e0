/**
 * Decision 6: no marketing during the customer's night. Quiet hours are wall-clock times in the
 * customer's timezone (settings' default when the profile has none or an invalid one); a window
 * whose start is after its end wraps midnight (21:00–09:00). Inside the window the send is
 * deferred to the next allowed minute: the window's end, in that timezone (DST-aware: wall-clock.ts).
 */
import { atTimeOfDay, isKnownZone, nextDay, wallTimeAt, zoned } from '../../wall-clock.js';

export interface QuietHours {
  /** HH:MM, 24-hour */
  start: string;
  end: string;
}

/** The instant sending is allowed again, or undefined when `now` is outside the quiet window. */
export function nextAllowedTime(
  now: Date,
  quietHours: QuietHours | undefined,
  timezone: string | undefined,
  defaultTimezone: string,
): Date | undefined {
  if (!quietHours || quietHours.start === quietHours.end) return undefined;
  const zone = isKnownZone(timezone) ? timezone : isKnownZone(defaultTimezone) ? defaultTimezone : 'UTC';
  const at = zoned(now.getTime(), zone);
  const local = wallTimeAt(at.instant, at.offset);
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  const wraps = start > end;
  const quiet = wraps ? minute >= start || minute < end : minute >= start && minute < end;
  if (!quiet) return undefined;
  // After the start of a wrapping window the end is tomorrow; otherwise it is today.
  const endDay = wraps && minute >= start ? nextDay(at, zone) : at;
  const allowed = atTimeOfDay(endDay, Math.floor(end / 60), end % 60, zone);
  return new Date(allowed.instant);
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}
