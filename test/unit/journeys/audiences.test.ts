/** Audience membership keys (issue 20): zone buckets, membership diffs and the buckets a pass reads. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BUCKET,
  membershipChanges,
  membershipsOf,
  timezoneBucket,
  timezoneBuckets,
} from '../../../shared/journeys/audiences.js';
import { dueBuckets, dueSlot, dueSlotsByOffset } from '../../../shared/journeys/schedule.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';

const AT = '2026-01-01T00:00:00.000Z';

describe('audience memberships', () => {
  it('buckets a zone by its canonical name, and none or an invalid one as the default bucket', () => {
    // Act
    const buckets = [
      'Asia/Kolkata',
      'Asia/Calcutta',
      'US/Eastern',
      'Etc/GMT+5',
      'UTC',
      'Mars/Olympus',
      '',
      undefined,
    ].map(timezoneBucket);

    // Assess
    expect(buckets).toEqual([
      'Asia/Calcutta',
      'Asia/Calcutta',
      'America/New_York',
      'Etc/GMT+5',
      'UTC',
      DEFAULT_BUCKET,
      DEFAULT_BUCKET,
      DEFAULT_BUCKET,
    ]);
    for (const zone of Intl.supportedValuesOf('timeZone')) expect(timezoneBuckets()).toContain(timezoneBucket(zone));
  });

  it('diffs memberships: new and moved ones put, left ones removed, a merged copy has none', () => {
    // Prepare
    const profile = {
      ...emptyProfile('c1', AT),
      timezone: 'Europe/Istanbul',
      segments: { churn_risk: { enteredAt: AT }, vip: { enteredAt: AT } },
    };

    // Act
    const before = membershipsOf(profile, ['churn_risk', 'vip', 'winback']);
    const after = membershipsOf({ ...profile, timezone: 'Asia/Tokyo', segments: { vip: { enteredAt: AT } } }, [
      'churn_risk',
      'vip',
      'winback',
    ]);
    const merged = membershipsOf({ ...profile, mergedInto: 'c2' }, ['churn_risk']);

    // Assess
    expect(before).toEqual(
      new Map([
        ['churn_risk', 'Europe/Istanbul'],
        ['vip', 'Europe/Istanbul'],
      ]),
    );
    expect(membershipChanges(before, after)).toEqual({
      put: [{ segment: 'vip', bucket: 'Asia/Tokyo' }],
      remove: ['churn_risk'],
    });
    expect(membershipChanges(after, after)).toEqual({ put: [], remove: [] });
    expect(merged.size).toBe(0);
  });

  it('reads only the buckets whose slot came in the hour, the default bucket in the shop zone', () => {
    // Act: Monday 10:00 in Istanbul is 07:00 UTC
    const due = dueBuckets('0 10 * * MON', new Date('2026-03-02T07:00:00Z'), 3_600_000, 'Europe/Istanbul');
    const sunday = dueBuckets('0 10 * * MON', new Date('2026-03-01T07:00:00Z'), 3_600_000, 'Europe/Istanbul');

    // Assess
    const names = due.map((bucket) => bucket.bucket);
    expect(names).toContain('Europe/Istanbul');
    expect(names).toContain(DEFAULT_BUCKET);
    expect(names).not.toContain('America/New_York');
    expect(names.length).toBeLessThan(60);
    expect(due.find((bucket) => bucket.bucket === 'Europe/Istanbul')?.slot).toBe('2026-03-02T07:00:00.000Z');
    expect(sunday.filter((bucket) => bucket.bucket.startsWith('Europe/'))).toEqual([]);
  });

  it('finds per offset the slot each zone would find on its own, daylight-saving nights included', () => {
    // Prepare: zones with half- and quarter-hour offsets and odd rules; instants on and around the
    // 2026 spring-forward nights (EU 29 March 01:00 UTC, US 8 March 07:00 UTC, Lord Howe's
    // half-hour shift 5 April 15:00 UTC) and an ordinary Monday.
    const zones = [
      'Europe/Istanbul',
      'Europe/Berlin',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'America/St_Johns',
      'Pacific/Chatham',
      'Etc/GMT+5',
      'UTC',
    ];
    const instants = [
      '2026-03-29T00:30:00Z',
      '2026-03-29T01:00:00Z',
      '2026-03-29T01:30:00Z',
      '2026-03-08T07:00:00Z',
      '2026-03-08T07:30:00Z',
      '2026-04-05T15:00:00Z',
      '2026-04-05T15:30:00Z',
      '2026-03-02T07:00:00Z',
    ];
    const crons = ['0 10 * * MON', '30 2 * * *', '0 3 * * *'];

    // Act
    const mismatches: string[] = [];
    for (const cron of crons)
      for (const instant of instants) {
        const now = new Date(instant);
        const slotIn = dueSlotsByOffset(cron, now, 3_600_000);
        for (const zone of zones) {
          const alone = dueSlot(cron, zone, now, 3_600_000);
          if (slotIn(zone) !== alone) mismatches.push(`${cron} ${instant} ${zone}: ${slotIn(zone)} ≠ ${alone}`);
        }
      }

    // Assess
    expect(mismatches).toEqual([]);
  });
});
