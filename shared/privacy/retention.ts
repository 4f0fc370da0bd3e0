/**
 * Retention (issue 17; README "Retention"): which items of the single table DynamoDB deletes by
 * TTL, and when. The rules are pure; the table adapters stamp the `ttl` attribute they compute
 * and ignore items whose TTL has passed (DynamoDB deletes them only within a few days).
 *
 * - An **unmerged anonymous profile that never ordered** (and holds no granted consent) expires
 *   `retention.anonymousProfileDays` after its last write; every write moves the date on.
 * - **Send-ledger entries** expire `historyDays` after their claim, and **ended journey runs**
 *   `historyDays` after their last write, where `historyDays` is never shorter than any window
 *   that reads them: every goal window, re-entry interval and engagement window of the campaign,
 *   and the longest a copy of a send can still arrive (SQS plus dead-letter retention, then the
 *   longest deferral). The report reads what is kept, so its horizon is `historyDays`.
 * - Never: live runs, runs of `reentry: never` journeys and of journeys no longer in the
 *   campaign (their re-entry rule is unknown), and everything else that protects a customer
 *   (suppressions, tombstones, identity links: their adapters never set a TTL).
 */
import type { Settings } from '../config/settings.js';
import { isAnonymousCustomerId } from '../identity/customer-id.js';
import type { Journey } from '../journeys/ast.js';
import { isLive, type JourneyRun } from '../journeys/run.js';
import type { Profile } from '../profiles/schema.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** SQS retention of the events and sends queues and of their FIFO dead-letter queues (14 days each; a FIFO DLQ restarts the clock). */
export const QUEUE_AND_DLQ_RETENTION_MS = 28 * DAY_MS;
/**
 * The longest a copy of a send waits in the `due` index before it is claimed again: quiet hours
 * span less than a day, and their end is spread over `spreadMinutes` (at most 3 hours, decision
 * 177); two days leave room for that and for the send function's own pacing of a copy that comes
 * back without a slot.
 */
export const LONGEST_DEFERRAL_MS = 2 * DAY_MS;
/** How long a copy of a send can still arrive after its first claim: what the ledger must outlive. */
export const MESSAGE_LIFETIME_MS = QUEUE_AND_DLQ_RETENTION_MS + LONGEST_DEFERRAL_MS;

/** How long the record of a send that sent nothing is kept when settings say nothing (decision 205). */
export const DEFAULT_DECISION_DAYS = 30;

export interface RetentionPolicy {
  /** Epoch seconds after which the profile may be deleted, or undefined to keep it. */
  profileExpiresAt(profile: Profile, writtenAt: Date): number | undefined;
  /** Epoch seconds after which the run may be deleted, or undefined to keep it. */
  runExpiresAt(run: JourneyRun, writtenAt: Date): number | undefined;
  /** Epoch seconds after which a send-ledger entry claimed at `claimedAt` may be deleted. */
  ledgerExpiresAt(claimedAt: Date): number;
  /** Epoch seconds after which the record of a send that sent nothing (`D#`) may be deleted. */
  decisionExpiresAt(decidedAt: Date): number;
  /** The effective history retention in days (settings, raised to the longest window that reads it). */
  readonly historyDays: number;
}

/** The longest window that reads ledger entries or ended runs, in ms (at least the message lifetime). */
export function longestReadingWindowMs(journeys: readonly Journey[]): number {
  let longest = MESSAGE_LIFETIME_MS;
  for (const journey of journeys) {
    if (journey.goal) longest = Math.max(longest, journey.goal.withinMs);
    if (journey.entry.reentry.kind === 'after') longest = Math.max(longest, journey.entry.reentry.ms);
    for (const step of journey.steps)
      if (step.kind === 'branch' && step.condition.kind !== 'segment')
        longest = Math.max(longest, step.condition.withinMs);
  }
  return longest;
}

export function retentionPolicy(
  settings: { retention: Omit<Settings['retention'], 'decisionDays'> & { decisionDays?: number } },
  journeys: readonly Journey[],
): RetentionPolicy {
  const { anonymousProfileDays } = settings.retention;
  const decisionDays = settings.retention.decisionDays ?? DEFAULT_DECISION_DAYS;
  const historyDays = Math.max(settings.retention.historyDays, Math.ceil(longestReadingWindowMs(journeys) / DAY_MS));
  const expiring = new Set(journeys.filter((journey) => journey.entry.reentry.kind !== 'never').map((j) => j.id));
  return {
    historyDays,
    profileExpiresAt(profile, writtenAt) {
      return isThrowawayProfile(profile) ? epochSeconds(writtenAt, anonymousProfileDays) : undefined;
    },
    runExpiresAt(run, writtenAt) {
      if (isLive(run) || !expiring.has(run.journeyId)) return undefined;
      return epochSeconds(writtenAt, historyDays);
    },
    ledgerExpiresAt(claimedAt) {
      return epochSeconds(claimedAt, historyDays);
    },
    decisionExpiresAt(decidedAt) {
      return epochSeconds(decidedAt, decisionDays);
    },
  };
}

/** An anonymous visitor nobody can miss: never merged, never ordered or refunded, no consent granted. */
export function isThrowawayProfile(profile: Profile): boolean {
  if (!isAnonymousCustomerId(profile.id) || profile.mergedInto !== undefined) return false;
  if (profile.orders.count > 0 || profile.refunds.count > 0) return false;
  return !Object.values(profile.consent).some((consent) => consent?.granted === true);
}

function epochSeconds(from: Date, days: number): number {
  return Math.floor((from.getTime() + days * DAY_MS) / 1000);
}

/** True when an item's TTL (epoch seconds) has passed at `now`: DynamoDB may not have deleted it yet. */
export function isExpired(ttl: unknown, now: Date): boolean {
  return typeof ttl === 'number' && ttl * 1000 <= now.getTime();
}
