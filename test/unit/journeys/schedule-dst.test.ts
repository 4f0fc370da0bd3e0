/**
 * The schedule pass evaluates cron patterns with croner instead of cron-parser (decision 295:
 * cron-parser requires luxon, 98 KB of journey-schedule's bundle). Around every 2026 offset change
 * of zones that change at 02:00, at midnight (Santiago, Beirut), by half an hour (Lord Howe) or at
 * a quarter-hour offset (Chatham), a pass must find the latest instant of its window whose local
 * time the pattern matches — none for a slot a spring-forward gap skips, each of the two instants
 * of a slot a fall-back night repeats: checked minute by minute, and against cron-parser (the code
 * before) wherever cron-parser answers right. On ordinary days: cron-parser's slots for every kind
 * of field.
 */
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { dueBuckets, dueSlot, parseSchedule } from '../../../shared/journeys/schedule.js';
import { SCHEDULE_WINDOW_MS } from '../../../shared/journeys/schedule-pass.js';
import { offsetMinutes } from '../../../shared/wall-clock.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Asia/Beirut',
  'Pacific/Chatham',
  'America/St_Johns',
];
/** Fixed-time and interval patterns on and around the hours that change, and one that never meets them. */
const PATTERNS = [
  '30 2 * * *',
  '0 2 * * *',
  '59 1 * * *',
  '0 3 * * *',
  '30 0 * * *',
  '0 0 * * *',
  '45 23 * * *',
  '0 * * * *',
  '*/15 * * * *',
  '* 2 * * *',
  '0 1-3 * * *',
  '15 2,3 * * SUN',
  '0 10 * * MON',
];

type SlotFinder = (cron: string, zone: string, now: Date, windowMs: number) => string | undefined;

/** The code before decision 295. */
const cronParserDueSlot: SlotFinder = (cron, zone, now, windowMs) => {
  const expression = CronExpressionParser.parse(cron, { currentDate: new Date(now.getTime() + 1), tz: zone });
  const previous = expression.prev().toDate();
  return previous.getTime() > now.getTime() - windowMs ? previous.toISOString() : undefined;
};

/** Whether a zone's local time at a whole minute matches a pattern; remembered, the windows overlap. */
const localMatches = new Map<string, boolean>();

/** The definition, one minute at a time: the latest whole minute of the window whose local time matches. */
const minuteByMinuteSlot: SlotFinder = (cron, zone, now, windowMs) => {
  const pattern = parseSchedule(cron);
  for (let at = Math.floor(now.getTime() / MINUTE) * MINUTE; at > now.getTime() - windowMs; at -= MINUTE) {
    const key = `${cron}|${zone}|${at}`;
    let matches = localMatches.get(key);
    if (matches === undefined) {
      matches = pattern.match(new Date(at + offsetMinutes(at, zone) * MINUTE));
      localMatches.set(key, matches);
    }
    if (matches) return new Date(at).toISOString();
  }
  return undefined;
};

/** Each instant a zone's offset changes in 2026 (to the minute): a day that changes, halved. */
function offsetChanges(zone: string): number[] {
  const changes: number[] = [];
  for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2027, 0, 1); day += DAY) {
    if (offsetMinutes(day, zone) === offsetMinutes(day + DAY, zone)) continue;
    let [before, after] = [day, day + DAY];
    while (after - before > MINUTE) {
      const middle = before + Math.floor((after - before) / 2 / MINUTE) * MINUTE;
      if (offsetMinutes(middle, zone) === offsetMinutes(before, zone)) before = middle;
      else after = middle;
    }
    changes.push(after);
  }
  return changes;
}

const CHANGES = ZONES.map((zone) => [zone, offsetChanges(zone)] as const);

/** Instants from `span` before to `span` after each change, every `step`, starting `lag` after a whole quarter hour. */
function nightInstants(span: number, step: number, lag: number): [string, number][] {
  return CHANGES.flatMap(([zone, changes]) =>
    changes.flatMap((change) => {
      const list: [string, number][] = [];
      const first = Math.floor((change - span) / (15 * MINUTE)) * 15 * MINUTE + lag;
      for (let at = first; at < change + span; at += step) list.push([zone, at]);
      return list;
    }),
  );
}

function mismatches(cases: [string, number][], patterns: readonly string[], oracle: SlotFinder) {
  return cases.flatMap(([zone, at]) =>
    patterns.flatMap((cron) => {
      const ours = dueSlot(cron, zone, new Date(at), SCHEDULE_WINDOW_MS);
      const theirs = oracle(cron, zone, new Date(at), SCHEDULE_WINDOW_MS);
      return ours === theirs ? [] : [{ zone, cron, at: new Date(at).toISOString(), ours, theirs }];
    }),
  );
}

describe('cron schedules with croner', () => {
  it('finds the latest local minute the pattern matches, around every 2026 offset change', () => {
    // Prepare: every 9 min 7 s from 2 h before to 2 h after each change
    const cases = nightInstants(2 * HOUR, 9 * MINUTE + 7_000, 0);
    // Act
    const found = mismatches(cases, PATTERNS, minuteByMinuteSlot);
    // Assess
    expect(CHANGES.map(([, changes]) => changes.length)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(cases.length).toBeGreaterThan(350);
    expect(found).toEqual([]);
  });

  it('finds the slot cron-parser found around those changes, wherever cron-parser answers right', () => {
    // Prepare: one second after every quarter hour (where slots fall) from an hour before to an hour
    // after each change, but the spring nights cron-parser gives up on ("loop limit exceeded" after
    // 2–20 s of CPU each time): Lord Howe's half-hour gap, Santiago's and Beirut's midnight gaps,
    // Chatham's 02:45 gap (there even for `0 0 * * *`, hours from it)
    const givesUp = ['2026-10-03', '2026-09-06', '2026-03-28', '2026-09-26'];
    const cases = nightInstants(HOUR, 15 * MINUTE, 1_000).filter(
      ([, at]) => !givesUp.some((night) => new Date(at).toISOString().startsWith(night)),
    );
    // Act
    const found = mismatches(cases, PATTERNS, cronParserDueSlot);
    // Assess: cron-parser misses the first instant of Lord Howe's half-hour and Chatham's repeat
    // (it answers nothing), where the minute-by-minute reading above holds croner's answer right.
    const cronParserMisses = (m: (typeof found)[number]) =>
      m.theirs === undefined && ['Australia/Lord_Howe', 'Pacific/Chatham'].includes(m.zone);
    expect(cases.length).toBeGreaterThan(70);
    expect(found.filter((m) => !cronParserMisses(m))).toEqual([]);
    expect(found.filter(cronParserMisses).length).toBeGreaterThan(0);
  });

  it("finds every other zone's midnight on a night one zone skips its midnight (cron-parser threw for the whole pass)", () => {
    // Prepare: Santiago skips 2026-09-06 00:00 → 01:00 (04:00 UTC)
    const now = new Date('2026-09-06T04:15:00Z');
    // Act
    const due = dueBuckets('0 0 * * *', now, SCHEDULE_WINDOW_MS, 'Europe/Istanbul');
    // Assess: zones at UTC−4 reach midnight at 04:00 UTC; Santiago, at UTC−4 until that instant, does not
    expect(due.map(({ bucket }) => bucket)).toContain('America/Caracas');
    expect(due.map(({ bucket }) => bucket)).not.toContain('America/Santiago');
  });

  it('skips a slot the spring-forward gap removes and runs a repeated one twice, as cron-parser did', () => {
    // Prepare: Berlin, 2026-03-29 02:00 → 03:00 and 2026-10-25 03:00 → 02:00
    const afterGap = new Date('2026-03-29T01:45:00Z');
    const firstRepeat = new Date('2026-10-25T00:45:00Z');
    const secondRepeat = new Date('2026-10-25T01:45:00Z');
    // Act
    const slots = [afterGap, firstRepeat, secondRepeat].map((now) =>
      dueSlot('30 2 * * *', 'Europe/Berlin', now, SCHEDULE_WINDOW_MS),
    );
    // Assess
    expect(slots).toEqual([undefined, '2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
  });

  it('finds the slot cron-parser found on ordinary days, for every kind of field', () => {
    // Prepare: a pass every 7 h 59 min 13 s through a fortnight, and one a second after 10:00 each
    // day, in a zone 5 h 45 min ahead of UTC
    const zone = 'Asia/Kathmandu';
    const cases: [string, number][] = [];
    for (let at = Date.UTC(2026, 5, 24); at < Date.UTC(2026, 6, 8); at += 7 * HOUR + 59 * MINUTE + 13_000)
      cases.push([zone, at]);
    for (let day = Date.UTC(2026, 5, 24); day < Date.UTC(2026, 6, 8); day += DAY)
      cases.push([zone, day + 10 * HOUR - offsetMinutes(day, zone) * MINUTE + 1_000]);
    const patterns = [
      '0 10 * * MON',
      '0 10 * * 7',
      '0 9-17/2 * * 1-5',
      '5/15 * * * *',
      '0 10 1,15 * MON',
      '0 10 */2 * MON',
      '0 10 L * *',
      '0 10 * * 5L',
      '0 10 * * 1#2',
      '0 10 ? * MON-FRI/2',
      '30 8 * JUL *',
      '0 10 1 * *',
    ];
    // Act
    const found = mismatches(cases, patterns, cronParserDueSlot);
    // Assess
    expect(cases.length).toBeGreaterThan(50);
    expect(found).toEqual([]);
  });

  it('gives each timezone bucket the slot of the zone it names, on daylight-saving nights', () => {
    // Prepare: passes through Europe's and then North America's autumn nights
    const nows: Date[] = [];
    for (const start of ['2026-10-25T00:00:00Z', '2026-11-01T05:00:00Z'])
      for (let at = Date.parse(start); at < Date.parse(start) + 3 * HOUR; at += 17 * MINUTE) nows.push(new Date(at));
    // Act
    const found = nows.flatMap((now) =>
      dueBuckets('30 1 * * *', now, SCHEDULE_WINDOW_MS, 'Europe/Istanbul')
        .filter(({ bucket }) => bucket !== 'default')
        .flatMap(({ bucket, slot }) => {
          const own = dueSlot('30 1 * * *', bucket, now, SCHEDULE_WINDOW_MS);
          return slot === own ? [] : [{ bucket, now: now.toISOString(), slot, own }];
        }),
    );
    // Assess
    expect(found).toEqual([]);
  });
});
