/**
 * Real-time segment evaluation on every profile change (DESIGN "One writer per customer"):
 * memberships and the earliest lapse time are written with the change itself, and the entered /
 * exited segments are announced only once that write has succeeded.
 */
import type { Profile } from '../profiles/schema.js';
import { evaluateChanged, type CompiledSegments } from './evaluate.js';

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
  const profile: Profile = {
    ...rest,
    segments: evaluation.memberships,
    ...(evaluation.nextExpiryAt !== undefined ? { nextExpiryAt: evaluation.nextExpiryAt } : {}),
  };
  const changed = evaluation.entered.length > 0 || evaluation.exited.length > 0;
  return {
    profile,
    changes: changed ? { customerId: after.id, entered: evaluation.entered, exited: evaluation.exited, at: now.toISOString() } : undefined,
  };
}
