/**
 * Quiet hours, `wait: { until }` and the schedule's offsets moved from luxon to Intl
 * (shared/wall-clock.ts, decision 260). luxon is the oracle: the code each function had before,
 * run on the same instants around 2026's daylight-saving nights — spring-forward gaps and
 * fall-back repeats, at 02:00, at midnight (Santiago, Beirut), by half an hour (Lord Howe) and in
 * zones with quarter- and half-hour offsets — must give the same answers.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextAllowedTime, type QuietHours } from '../../shared/channels/guards/quiet-hours.js';
import { customerTimezone, nextTimeOfDay } from '../../shared/journeys/time-of-day.js';
import { offsetMinutes } from '../../shared/wall-clock.js';

/** Each zone with its 2026 offset changes (UTC dates). */
const NIGHTS: Record<string, string[]> = {
  'Europe/Berlin': ['2026-03-29', '2026-10-25'],
  'America/New_York': ['2026-03-08', '2026-11-01'],
  'Australia/Lord_Howe': ['2026-04-04', '2026-10-03'],
  'America/Santiago': ['2026-04-05', '2026-09-06'],
  'Asia/Beirut': ['2026-03-28', '2026-10-24'],
  'Pacific/Chatham': ['2026-04-04', '2026-09-26'],
  'America/St_Johns': ['2026-03-08', '2026-11-01'],
  'Asia/Kolkata': ['2026-03-29'],
};
const STEP_MS = 41 * 60_000 + 7_000;
const HOUR = 3_600_000;

/** Instants from 26 h before to 26 h after 00:00 UTC of each night, every 41 min 7 s. */
function instants(): [string, number][] {
  return Object.entries(NIGHTS).flatMap(([zone, nights]) =>
    nights.flatMap((night) => {
      const middle = Date.parse(`${night}T00:00:00Z`);
      const list: [string, number][] = [];
      for (let at = middle - 26 * HOUR; at < middle + 26 * HOUR; at += STEP_MS) list.push([zone, at]);
      return list;
    }),
  );
}

/** The code before decision 260. */
function luxonNextAllowedTime(now: Date, quiet: QuietHours, zone: string): Date | undefined {
  const local = DateTime.fromJSDate(now, { zone });
  const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));
  const minute = local.hour * 60 + local.minute;
  const [start, end] = [minutesOf(quiet.start), minutesOf(quiet.end)];
  const wraps = start > end;
  if (!(wraps ? minute >= start || minute < end : minute >= start && minute < end)) return undefined;
  const endDay = wraps && minute >= start ? local.plus({ days: 1 }) : local;
  return endDay.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 }).toJSDate();
}

function luxonNextTimeOfDay(now: Date, hour: number, minute: number, zone: string): Date {
  let candidate = DateTime.fromJSDate(now, { zone }).set({ hour, minute, second: 0, millisecond: 0 });
  if (candidate.toMillis() < now.getTime())
    candidate = candidate.plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 });
  return candidate.toJSDate();
}

const WINDOWS: QuietHours[] = [
  { start: '21:00', end: '09:00' },
  { start: '01:00', end: '02:30' },
  { start: '02:15', end: '03:00' },
  { start: '23:30', end: '00:30' },
  { start: '22:00', end: '02:00' },
];
const TIMES: [number, number][] = [
  [0, 0],
  [0, 30],
  [2, 0],
  [2, 30],
  [10, 0],
];

describe('wall-clock time without luxon', () => {
  it('reads the same offset as luxon at every instant', () => {
    // Prepare
    const cases = instants();
    // Act
    const mismatches = cases.filter(
      ([zone, at]) => offsetMinutes(at, zone) !== DateTime.fromMillis(at, { zone }).offset,
    );
    // Assess
    expect(cases.length).toBeGreaterThan(1000);
    expect(mismatches).toEqual([]);
  });

  it('ends quiet hours at the instant luxon did, across the 2026 daylight-saving nights', () => {
    // Prepare
    const cases = instants();
    // Act
    const mismatches = cases.flatMap(([zone, at]) =>
      WINDOWS.flatMap((window) => {
        const ours = nextAllowedTime(new Date(at), window, zone, 'UTC')?.toISOString();
        const theirs = luxonNextAllowedTime(new Date(at), window, zone)?.toISOString();
        return ours === theirs ? [] : [{ zone, at: new Date(at).toISOString(), window, ours, theirs }];
      }),
    );
    // Assess
    expect(mismatches).toEqual([]);
  });

  it('waits until the same local time of day as luxon did', () => {
    // Prepare
    const cases = instants();
    // Act
    const mismatches = cases.flatMap(([zone, at]) =>
      TIMES.flatMap(([hour, minute]) => {
        const ours = nextTimeOfDay(new Date(at), hour, minute, zone).toISOString();
        const theirs = luxonNextTimeOfDay(new Date(at), hour, minute, zone).toISOString();
        return ours === theirs ? [] : [{ zone, at: new Date(at).toISOString(), hour, minute, ours, theirs }];
      }),
    );
    // Assess
    expect(mismatches).toEqual([]);
  });

  it('falls back for a zone Intl does not know, as before', () => {
    // Prepare
    const now = new Date('2026-11-02T19:30:00Z');
    // Act
    const untilTen = nextTimeOfDay(now, 10, 0, 'Mars/Olympus');
    // Assess
    expect(untilTen.toISOString()).toBe('2026-11-03T10:00:00.000Z');
    expect(customerTimezone('Mars/Olympus', 'Europe/Istanbul')).toBe('Europe/Istanbul');
    expect(customerTimezone(undefined, 'Europe/Istanbul')).toBe('Europe/Istanbul');
    expect(customerTimezone('Asia/Kathmandu', 'Europe/Istanbul')).toBe('Asia/Kathmandu');
    expect(offsetMinutes(now.getTime(), 'Mars/Olympus')).toBeNaN();
  });
});
