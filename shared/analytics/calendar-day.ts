/**
 * Calendar days as integers (days since 1970-01-01), the unit RFM and the CLV summaries count
 * in, on one rule everywhere (docs/decisions.md 84): a day is a date of the shop's calendar, its
 * `defaultTimezone`. An instant (a timestamp with `Z` or an offset) counts on its date there;
 * a date or a local time without an offset is already the shop's and counts as written.
 */
import { offsetMinutes } from '../wall-clock.js';

const MS_PER_DAY = 86_400_000;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The shop-calendar day of an ISO date or datetime, or a reason it is not one: with an offset, the
 * instant's date in `timezone`; without one, the date as written.
 */
export function dayOfTimestamp(
  text: string,
  timezone: string,
): { ok: true; day: number } | { ok: false; reason: string } {
  const match = TIMESTAMP.exec(text);
  if (!match)
    return { ok: false, reason: `"${text}" is not an ISO date or datetime (YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM])` };
  const [, year, month, day, hour, minute, second, offset] = match;
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)) {
    return { ok: false, reason: `"${text}" has a time of day out of range` };
  }
  const written = dayOfParts(text, Number(year), Number(month), Number(day));
  if (!written.ok || offset === undefined) return written;
  const instant = Date.parse(text);
  // An hour-only offset (+03) matches the pattern but Date cannot read it: callers report it.
  return Number.isNaN(instant) ? written : { ok: true, day: shopDayOfInstant(instant, timezone) };
}

/** The day of a plain YYYY-MM-DD date, or a reason it is not one. */
export function dayOfDate(text: string): { ok: true; day: number } | { ok: false; reason: string } {
  const match = DATE.exec(text);
  if (!match) return { ok: false, reason: `"${text}" is not a date in the form YYYY-MM-DD` };
  return dayOfParts(text, Number(match[1]), Number(match[2]), Number(match[3]));
}

function dayOfParts(
  text: string,
  year: number,
  month: number,
  day: number,
): { ok: true; day: number } | { ok: false; reason: string } {
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return { ok: false, reason: `"${text}" is not a calendar date` };
  }
  return { ok: true, day: ms / MS_PER_DAY };
}

/** YYYY-MM-DD for a day number. */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * The shop's calendar (docs/decisions.md 84): an instant's day is its date in the shop's
 * `defaultTimezone`, for order days in profiles, the refresh and the CLI alike, so a +03:00 shop
 * gets the same RFM and CLV inputs whichever path computed them.
 */
export function shopDayOfInstant(epochMs: number, timezone: string): number {
  return Math.floor((epochMs + utcOffsetMs(epochMs, timezone)) / MS_PER_DAY);
}

/** The shop-calendar day of an ISO instant (see shopDayOfInstant). */
export function shopDay(iso: string, timezone: string): number {
  return shopDayOfInstant(Date.parse(iso), timezone);
}

/** Today's date in the shop's time zone, YYYY-MM-DD. */
export function shopDate(now: Date, timezone: string): string {
  return formatDay(shopDayOfInstant(now.getTime(), timezone));
}

const HOUR_MS = 3_600_000;
// Offsets change only at whole hours in every zone in use (and rarely): cached per zone and hour.
const offsetCache = new Map<string, Map<number, number>>();
const MAX_CACHED_HOURS = 50_000;

function utcOffsetMs(epochMs: number, timezone: string): number {
  if (timezone === 'UTC') return 0;
  const hour = Math.floor(epochMs / HOUR_MS);
  let byHour = offsetCache.get(timezone);
  if (byHour === undefined) {
    byHour = new Map();
    offsetCache.set(timezone, byHour);
  }
  const cached = byHour.get(hour);
  if (cached !== undefined) return cached;
  const offset = computeOffsetMs(hour * HOUR_MS, timezone);
  if (byHour.size >= MAX_CACHED_HOURS) byHour.clear();
  byHour.set(hour, offset);
  return offset;
}

/** The zone's offset at an instant, from wall-clock's one Intl reading; an unknown zone throws as Intl does. */
function computeOffsetMs(epochMs: number, timezone: string): number {
  const minutes = offsetMinutes(epochMs, timezone);
  if (Number.isNaN(minutes)) throw new RangeError(`Invalid time zone specified: ${timezone}`);
  return minutes * 60_000;
}

/** The instant (epoch ms) the shop-calendar day `day` begins in `timezone`: its local midnight. */
export function shopDayStartMs(day: number, timezone: string): number {
  const local = day * MS_PER_DAY;
  // The offset at local midnight; read twice so a midnight next to a DST change gets its own offset.
  const guess = local - utcOffsetMs(local, timezone);
  return local - utcOffsetMs(guess, timezone);
}
