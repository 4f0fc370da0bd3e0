/**
 * Segment entries and exits that the journeys have not seen yet (decisions.md, "A segment entry
 * survives a crash before the journey step"). The profile write that moves a segment records the
 * change on the profile itself; the journey phase replays whatever is recorded and then clears
 * it. A crash in between leaves the record, so the redelivered message — or the customer's next
 * one — starts the journey the write promised. Replays are harmless: a segment-started run's id
 * derives from the change's `at`, so a run that already started is found, not started again.
 */
import type { Profile } from '../profiles/schema.js';
import type { SegmentChanges } from '../segments/membership-hook.js';
import type { JourneySignal } from './engine.js';

export type PendingSegmentChange = NonNullable<Profile['pendingSegmentChanges']>[number];

/** A bound on what a profile carries: each entry is cleared by the next journey phase, so more means a long outage. */
const MAX_PENDING = 20;

/** The profile to write, with `changes` recorded for the journeys. */
export function recordPending(profile: Profile, changes: SegmentChanges): Profile {
  const change: PendingSegmentChange = { entered: [...changes.entered], exited: [...changes.exited], at: changes.at };
  return { ...profile, pendingSegmentChanges: [...(profile.pendingSegmentChanges ?? []), change].slice(-MAX_PENDING) };
}

/** The recorded changes except `current` (the change this very write made, signalled in its own place). */
export function earlierPending(profile: Profile, current: SegmentChanges | undefined): PendingSegmentChange[] {
  const pending = profile.pendingSegmentChanges ?? [];
  return current ? pending.filter((change) => !sameChange(change, current)) : pending;
}

export function pendingSignal(change: PendingSegmentChange): JourneySignal {
  return { kind: 'segments', entered: change.entered, exited: change.exited, at: change.at };
}

/**
 * The profile without the changes the journey phase has handled, or undefined when none of them
 * is still recorded. Changes recorded meanwhile (by the phase's own writes) stay for the next message.
 */
export function withoutHandled(profile: Profile, handled: readonly PendingSegmentChange[]): Profile | undefined {
  const pending = profile.pendingSegmentChanges ?? [];
  const left = pending.filter((change) => !handled.some((done) => sameChange(change, done)));
  if (left.length === pending.length) return undefined;
  const { pendingSegmentChanges: _handled, ...rest } = profile;
  return left.length > 0 ? { ...rest, pendingSegmentChanges: left } : rest;
}

function sameChange(
  a: Pick<PendingSegmentChange, 'entered' | 'exited' | 'at'>,
  b: Pick<PendingSegmentChange, 'entered' | 'exited' | 'at'>,
): boolean {
  return changeKey(a) === changeKey(b);
}

function changeKey(change: Pick<PendingSegmentChange, 'entered' | 'exited' | 'at'>): string {
  return `${change.at}\t${change.entered.join('\n')}\t${change.exited.join('\n')}`;
}

/** The recorded changes some journey phases have handled, to clear in one write (a coalesced group's). */
export class HandledChanges {
  private readonly handled = new Map<string, PendingSegmentChange>();

  has(change: PendingSegmentChange): boolean {
    return this.handled.has(changeKey(change));
  }

  add(changes: readonly PendingSegmentChange[]): void {
    for (const change of changes) this.handled.set(changeKey(change), change);
  }

  list(): PendingSegmentChange[] {
    return [...this.handled.values()];
  }
}
