/**
 * Numbers and dates as the campaign's `locale` (settings.yaml) writes them: 12,345.6 and
 * 7 Dec 2026, 14:05 in English; 12.345,6 and 7 Ara 2026 14:05 in Turkish. Times are shown in the
 * campaign's default timezone, the one quiet hours and schedules use.
 *
 * A figure that was not counted (NOT_COUNTED: a deployed table's snapshot counts from indexes only,
 * decision 220) is shown as "—", never as a number.
 */

/** A figure a snapshot does not have (it would take a scan): NaN, so sums of it stay not counted. */
export const NOT_COUNTED = Number.NaN;

export interface Formats {
  locale: string;
  timeZone: string;
  number(value: number): string;
  percent(value: number): string;
  money(value: number): string;
  /** An ISO instant as date and time; anything unparseable as given. */
  dateTime(iso: string | undefined): string;
  /** A calendar day (YYYY-MM-DD) as a short date. */
  day(isoDay: string): string;
}

export function formatsFor(locale: string, timeZone: string, currency: string): Formats {
  const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const percents = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const dateTimes = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const days = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return {
    locale,
    timeZone,
    number: (value) => (Number.isNaN(value) ? '—' : numbers.format(value)),
    percent: (value) => (Number.isNaN(value) ? '—' : percents.format(value)),
    money: (value) => money.format(value),
    dateTime: (iso) => {
      if (iso === undefined) return '';
      const at = Date.parse(iso);
      return Number.isFinite(at) ? dateTimes.format(at) : iso;
    },
    day: (isoDay) => {
      const at = Date.parse(`${isoDay}T00:00:00Z`);
      return Number.isFinite(at) ? days.format(at) : isoDay;
    },
  };
}
