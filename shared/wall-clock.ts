/**
 * Wall-clock time in an IANA zone through the runtime's Intl, for the functions that only need a
 * zone's offset and local time of day (quiet hours, `wait: { until }`, the schedule's offsets)
 * and so need not bundle luxon (70 KB, decision 260). The arithmetic is luxon's own: the offset at
 * an instant is Intl's local date and time read back as UTC minus the instant (IANAZone.offset),
 * and a local time becomes an instant by guessing an offset and correcting it once (fixOffset), so
 * a time a spring-forward gap skips moves forward by the gap and a time a fall-back repeats keeps
 * the offset it was reached from. A unit test holds every function to luxon across 2026's
 * daylight-saving nights. Zones here are what `Intl` accepts; the profile's and the settings'
 * zones are checked with Intl where they enter (profiles/locale.ts), so luxon's own names
 * (`local`, `system`, `UTC+3`) never reach these functions.
 */

/** Local calendar date and time of day, month 1–12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Building a DateTimeFormat costs a quarter of a millisecond: one per zone, remembered (luxon keeps them too). */
const formats = new Map<string, Intl.DateTimeFormat | undefined>();
const FORMATS_SIZE = 1000;

function formatOf(zone: string): Intl.DateTimeFormat | undefined {
  if (formats.has(zone)) return formats.get(zone);
  let format: Intl.DateTimeFormat | undefined;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      hour12: false,
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
  } catch {
    format = undefined;
  }
  if (formats.size >= FORMATS_SIZE) formats.clear();
  formats.set(zone, format);
  return format;
}

/** True when Intl knows the zone. */
export function isKnownZone(zone: string | undefined): zone is string {
  return zone !== undefined && zone !== '' && formatOf(zone) !== undefined;
}

/** The zone's offset from UTC in minutes at `instant` (ms); NaN for a zone Intl does not know. */
export function offsetMinutes(instant: number, zone: string): number {
  const format = formatOf(zone);
  if (!format || !Number.isFinite(instant)) return Number.NaN;
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(instant))) parts[part.type] = part.value;
  const year = Number(parts.year);
  const asUtc = localMillis({
    year: parts.era === 'BC' ? 1 - Math.abs(year) : year,
    month: Number(parts.month),
    day: Number(parts.day),
    // hour12: false can print midnight as 24.
    hour: Number(parts.hour) === 24 ? 0 : Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: 0,
  });
  const over = instant % 1000;
  const wholeSeconds = instant - (over >= 0 ? over : 1000 + over);
  return (asUtc - wholeSeconds) / 60_000;
}

/** The local date and time at `instant` for a zone whose offset there is `offset` minutes. */
export function wallTimeAt(instant: number, offset: number): WallTime {
  const local = new Date(instant + offset * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
  };
}

/**
 * The instant (and its offset) of a local date and time in `zone`, starting from the offset
 * `guess` the caller's time had (luxon's fixOffset). Day overflow (the 32nd) rolls into the next
 * month as Date.UTC does.
 */
export function instantOf(wall: WallTime, guess: number, zone: string): ZonedInstant {
  const local = localMillis(wall);
  let instant = local - guess * 60_000;
  const second = offsetMinutes(instant, zone);
  if (second === guess) return { instant, offset: guess };
  instant -= (second - guess) * 60_000;
  const third = offsetMinutes(instant, zone);
  if (second === third) return { instant, offset: second };
  // Inside a gap: the local time does not exist; keep it, read with the earlier offset.
  return { instant: local - Math.min(second, third) * 60_000, offset: Math.max(second, third) };
}

/** An instant with the zone's offset there: what a luxon DateTime in that zone holds. */
export interface ZonedInstant {
  instant: number;
  offset: number;
}

export function zoned(instant: number, zone: string): ZonedInstant {
  return { instant, offset: offsetMinutes(instant, zone) };
}

/** The same local time one calendar day later (luxon's `plus({ days: 1 })`). */
export function nextDay(at: ZonedInstant, zone: string): ZonedInstant {
  const wall = wallTimeAt(at.instant, at.offset);
  return instantOf({ ...wall, day: wall.day + 1 }, at.offset, zone);
}

/** The same local date at `hour`:`minute`:00.000 (luxon's `set({ hour, minute, second: 0, millisecond: 0 })`). */
export function atTimeOfDay(at: ZonedInstant, hour: number, minute: number, zone: string): ZonedInstant {
  return instantOf({ ...wallTimeAt(at.instant, at.offset), hour, minute, second: 0, millisecond: 0 }, at.offset, zone);
}

/** Local date and time read as if it were UTC (luxon's objToLocalTS, years below 100 included). */
function localMillis(wall: WallTime): number {
  const { year, month, day } = wall;
  const millis = Date.UTC(year, month - 1, day, wall.hour, wall.minute, wall.second, wall.millisecond);
  if (year >= 100 || year < 0) return millis;
  // Date.UTC reads years 0–99 as 1900–1999.
  const date = new Date(millis);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}
