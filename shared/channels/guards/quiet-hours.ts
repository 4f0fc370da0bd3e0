/**
 * Decision 6: no marketing during the customer's night. Quiet hours are wall-clock times in the
 * customer's timezone (settings' default when the profile has none or an invalid one); a window
 * whose start is after its end wraps midnight (21:00–09:00). Inside the window the send is
 * deferred to the next allowed minute: the window's end, in that timezone (DST-aware via luxon).
 */
import { DateTime } from 'luxon';

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
  const local = DateTime.fromJSDate(now, { zone: validZone(timezone) ?? validZone(defaultTimezone) ?? 'UTC' });
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  const wraps = start > end;
  const quiet = wraps ? minute >= start || minute < end : minute >= start && minute < end;
  if (!quiet) return undefined;
  // After the start of a wrapping window the end is tomorrow; otherwise it is today.
  const endDay = wraps && minute >= start ? local.plus({ days: 1 }) : local;
  const allowed = endDay.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  return allowed.toJSDate();
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

function validZone(zone: string | undefined): string | undefined {
  return zone && DateTime.local({ zone }).isValid ? zone : undefined;
}
