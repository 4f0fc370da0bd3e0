/** Retention rules (shared/privacy/retention.ts): what expires, when, and what never does. */
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/config/settings.js';
import { newRun } from '../../../shared/journeys/run.js';
import {
  DAY_MS,
  isExpired,
  isThrowawayProfile,
  longestReadingWindowMs,
  MESSAGE_LIFETIME_MS,
  retentionPolicy,
} from '../../../shared/privacy/retention.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';
import { journeyFrom } from '../journeys/journey-builders.js';

const NOW = new Date('2026-12-07T04:00:00.000Z');
const seconds = (ms: number) => Math.floor(ms / 1000);

const repeatable = journeyFrom(`id: cart
trigger: { event: Product Added }
entry: { reentry: { after: 7d } }
goal: { event: Order Completed, within: 3d }
steps:
  - send: { channel: email, template: t }
`);
const once = journeyFrom(`id: welcome
trigger: { event: Signed Up }
entry: { reentry: never }
steps:
  - send: { channel: email, template: t }
`);
const longGoal = journeyFrom(`id: slow
trigger: { event: Signed Up }
entry: { reentry: always }
goal: { event: Order Completed, within: 500d }
steps:
  - wait: 1d
  - id: s
    send: { channel: email, template: s }
  - branch: { opened: s, within: 40d, then: done, else: done }
  - id: done
    end: true
`);

const anonymous = emptyProfile('anon:a-1', NOW.toISOString());
const policy = retentionPolicy(defaultSettings, [repeatable, once]);

describe('anonymous profiles', () => {
  it('expire 90 days (the default) after the write that is being made', () => {
    expect(policy.profileExpiresAt(anonymous, NOW)).toBe(seconds(NOW.getTime() + 90 * DAY_MS));
    const later = new Date(NOW.getTime() + 10 * DAY_MS);
    expect(policy.profileExpiresAt(anonymous, later)).toBe(seconds(later.getTime() + 90 * DAY_MS));
  });

  it('follow retention.anonymousProfileDays from settings', () => {
    const short = retentionPolicy({ retention: { anonymousProfileDays: 7, historyDays: 400 } }, []);
    expect(short.profileExpiresAt(anonymous, NOW)).toBe(seconds(NOW.getTime() + 7 * DAY_MS));
  });

  it('never expire once known, merged, ordered, refunded or holding a granted consent', () => {
    const kept = [
      emptyProfile('c-42', NOW.toISOString()),
      { ...anonymous, mergedInto: 'c-42' },
      { ...anonymous, orders: { ...anonymous.orders, count: 1 } },
      { ...anonymous, refunds: { count: 1, amount: 5 } },
      { ...anonymous, consent: { email: { granted: true, at: NOW.toISOString() } } },
    ];
    for (const profile of kept) {
      expect(isThrowawayProfile(profile)).toBe(false);
      expect(policy.profileExpiresAt(profile, NOW)).toBeUndefined();
    }
    const revoked = { ...anonymous, consent: { email: { granted: false, at: NOW.toISOString() } } };
    expect(policy.profileExpiresAt(revoked, NOW)).toBeDefined();
  });
});

describe('journey runs', () => {
  const ended = { ...newRun('cart', 'r1', 'c-1', false, NOW.toISOString()), status: 'completed' as const };

  it('expire historyDays after their last write once ended', () => {
    expect(policy.runExpiresAt(ended, NOW)).toBe(seconds(NOW.getTime() + 400 * DAY_MS));
    expect(policy.runExpiresAt({ ...ended, status: 'exited' }, NOW)).toBeDefined();
  });

  it('never expire while live, for a reentry: never journey, or for a journey no longer in the campaign', () => {
    expect(policy.runExpiresAt({ ...ended, status: 'waiting' }, NOW)).toBeUndefined();
    expect(policy.runExpiresAt({ ...ended, status: 'active' }, NOW)).toBeUndefined();
    expect(policy.runExpiresAt({ ...ended, journeyId: 'welcome' }, NOW)).toBeUndefined();
    expect(policy.runExpiresAt({ ...ended, journeyId: 'removed' }, NOW)).toBeUndefined();
  });
});

describe('history retention', () => {
  it('is at least the time a copy of a send can still arrive (28 days of SQS + DLQ, then a deferral)', () => {
    expect(MESSAGE_LIFETIME_MS).toBeGreaterThanOrEqual(28 * DAY_MS);
    const tiny = retentionPolicy({ retention: { anonymousProfileDays: 90, historyDays: 1 } }, [repeatable]);
    expect(tiny.historyDays * DAY_MS).toBeGreaterThanOrEqual(MESSAGE_LIFETIME_MS);
    expect(tiny.ledgerExpiresAt(NOW) * 1000).toBeGreaterThanOrEqual(NOW.getTime() + MESSAGE_LIFETIME_MS - 1000);
  });

  it('is raised to the longest goal window, re-entry interval or engagement window that reads it', () => {
    expect(longestReadingWindowMs([longGoal])).toBe(500 * DAY_MS);
    expect(longestReadingWindowMs([{ ...longGoal, goal: undefined }])).toBe(40 * DAY_MS);
    expect(longestReadingWindowMs([])).toBe(MESSAGE_LIFETIME_MS);
    const raised = retentionPolicy(defaultSettings, [longGoal]);
    expect(raised.historyDays).toBe(500);
    expect(raised.ledgerExpiresAt(NOW)).toBe(seconds(NOW.getTime() + 500 * DAY_MS));
    const reentry = journeyFrom(`id: yearly
trigger: { event: Signed Up }
entry: { reentry: { after: 450d } }
steps:
  - send: { channel: email, template: t }
`);
    expect(retentionPolicy(defaultSettings, [reentry]).historyDays).toBe(450);
  });

  it('keeps the setting when it is already longer than every window', () => {
    expect(policy.historyDays).toBe(400);
    expect(policy.ledgerExpiresAt(NOW)).toBe(seconds(NOW.getTime() + 400 * DAY_MS));
  });

  it('keeps the record of a send that sent nothing decisionDays (default 30), whatever the windows that read the ledger', () => {
    const week = retentionPolicy({ retention: { anonymousProfileDays: 90, historyDays: 400, decisionDays: 7 } }, []);
    expect(policy.decisionExpiresAt(NOW)).toBe(seconds(NOW.getTime() + 30 * DAY_MS));
    expect(week.decisionExpiresAt(NOW)).toBe(seconds(NOW.getTime() + 7 * DAY_MS));
  });
});

describe('isExpired', () => {
  it('is true from the TTL second on, and never for an item without a numeric TTL', () => {
    const ttl = seconds(NOW.getTime());
    expect(isExpired(ttl, NOW)).toBe(true);
    expect(isExpired(ttl + 1, NOW)).toBe(false);
    expect(isExpired(undefined, NOW)).toBe(false);
    expect(isExpired('1', NOW)).toBe(false);
  });
});
