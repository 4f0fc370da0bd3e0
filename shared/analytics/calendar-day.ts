/**
 * Calendar days as integers (days since 1970-01-01), the unit RFM and the CLV summaries count
 * in. A timestamp's day is the date as written in it: a shop's "same day" is its local day,
 * so an offset like +03:00 does not move an order to another date.
 */

const MS_PER_DAY = 86_400_000;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day of an ISO date or datetime, or a reason it is not one. */
export function dayOfTimestamp(text: string): { ok: true; day: number } | { ok: false; reason: string } {
  const match = TIMESTAMP.exec(text);
  if (!match)
    return { ok: false, reason: `"${text}" is not an ISO date or datetime (YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM])` };
  const [, year, month, day, hour, minute, second] = match;
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)) {
    return { ok: false, reason: `"${text}" has a time of day out of range` };
  }
  return dayOfParts(text, Number(year), Number(month), Number(day));
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
