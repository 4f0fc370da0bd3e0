/**
 * Real-time segment evaluation on every profile change (DESIGN "One writer per customer"):
 * memberships and the earliest lapse time are written with the change itself, and the entered /
 * exited segments are announced only once that write has succeeded.
 */
import type { Profile } from '../profiles/schema.js';
import { spreadFrom } from '../spread.js';
import { evaluateChanged, type CompiledSegments } from './evaluate.js';

const DAY_MS = 86_400_000;

export interface SegmentChanges {
  customerId: string;
  entered: string[];
  exited: string[];
  at: string;
}

/** Where entered/exited segments go (journey triggers; the demo's counters). */
export interface SegmentChangeSink {
  publish(changes: SegmentChanges): void | Promise<void>;
}

/**
 * Re-evaluates the segments whose inputs changed between `before` and `after` (all of them when
 * `before` is undefined: a new profile or a recheck) and returns the profile to write.
 */
export function applySegmentMemberships(
  compiled: CompiledSegments,
  before: Profile | undefined,
  after: Profile,
  now: Date,
): { profile: Profile; changes: SegmentChanges | undefined } {
  const evaluation = evaluateChanged(compiled, before, after, now.getTime());
  const { nextExpiryAt: _previousExpiry, ...rest } = after;
  const lapse = spreadMidnight(evaluation.nextExpiryAt, after.id, compiled.spreadMinutes);
  const nextExpiryAt = keptExpiry(before?.nextExpiryAt, lapse, now);
  const profile: Profile = {
    ...rest,
    segments: evaluation.memberships,
    ...(nextExpiryAt !== undefined ? { nextExpiryAt } : {}),
  };
  const changed = evaluation.entered.length > 0 || evaluation.exited.length > 0;
  return {
    profile,
    changes: changed
      ? { customerId: after.id, entered: evaluation.entered, exited: evaluation.exited, at: now.toISOString() }
      : undefined,
  };
}

/**
 * A lapse at 00:00 UTC (daily windows drop a day's bucket then: millions of memberships at once)
 * is rechecked at the customer's fixed offset within `spreadMinutes` after it (decision 177): the
 * membership holds until then. Lapses at other times are rare enough to keep.
 */
function spreadMidnight(
  lapse: string | undefined,
  customerId: string,
  spreadMinutes: number | undefined,
): string | undefined {
  if (lapse === undefined || !spreadMinutes || Date.parse(lapse) % DAY_MS !== 0) return lapse;
  return spreadFrom(new Date(lapse), customerId, spreadMinutes).toISOString();
}

/**
 * The expiry to store. Every "viewed within 7d" event pushes the computed lapse later, and each
 * move of `nextExpiryAt` rewrites the `expiry` index entry (2 more write units). An earlier,
 * still-future expiry is kept instead: the recheck it triggers finds nothing to change and stores
 * the then-current lapse — one index write per lapse instead of one per event. A recheck passes
 * no `before`, so it always stores the freshly computed value.
 */
function keptExpiry(stored: string | undefined, computed: string | undefined, now: Date): string | undefined {
  if (stored === undefined || computed === undefined) return computed;
  return stored > now.toISOString() && stored < computed ? stored : computed;
}
