/**
 * What a message does to the profile, as pure functions: no reads, no writes. Phase 4
 * (write-profile.ts) runs them inside its read-modify-write; coalescing a customer's messages
 * in a batch (issue 19) can fold `nextProfile` over them in order and write once.
 */
import type { CustomerMessage } from '../../events/messages.js';
import type { JourneySignal } from '../../journeys/engine.js';
import { mayConcern } from '../../journeys/journey-phase.js';
import { recordPending } from '../../journeys/pending-segment-changes.js';
import { applySegmentMemberships, type SegmentChanges } from '../../segments/membership-hook.js';
import { applyConsentChange, applyDeviceChange, applyScores, applyWhatsAppInbound } from '../apply-internal.js';
import { applyEvent, type ReducerSettings } from '../reduce.js';
import { markPhoneWrong } from '../phone-status.js';
import { emptyProfile, type Profile } from '../schema.js';
import { updateTier } from '../../tiers/tier-state.js';
import type { ProcessDeps, ProcessStatus } from './message-state.js';

/** The new profile, or undefined when the message changes nothing (a duplicate). */
export type ProfileChange = (profile: Profile) => Profile | undefined;

export interface ProfileEdit {
  change: ProfileChange;
  /**
   * Nothing in the profile changed but time: every segment is evaluated again, and the profile
   * is written only if a membership or the next expiry moved; no profile is created.
   */
  recheck: boolean;
  /** Applies to a stored profile only: without one the message is ignored, and no profile is created. */
  existingOnly?: boolean;
}

/** The edit a message makes, or undefined for the journey messages (wake, schedule, engagement), which only read. */
export function profileEditOf(message: CustomerMessage, settings: ReducerSettings): ProfileEdit | undefined {
  switch (message.kind) {
    case 'event':
      return {
        change: (profile) => {
          const trust = message.source.verified ? 'verified' : 'unverified';
          const applied = applyEvent(profile, message.event, settings, trust);
          return applied.applied ? applied.profile : undefined;
        },
        recheck: false,
      };
    case 'consent':
      return { change: (profile) => applyConsentChange(profile, message), recheck: false };
    case 'device':
      return { change: (profile) => applyDeviceChange(profile, message), recheck: false };
    case 'whatsapp_inbound':
      // Never creates a profile: a number nobody is known by (or a forgotten customer's) changes nothing.
      return { change: (profile) => applyWhatsAppInbound(profile, message), recheck: false, existingOnly: true };
    case 'scores':
      return { change: (profile) => applyScores(profile, message), recheck: false };
    case 'recheck':
      return { change: (profile) => profile, recheck: true };
    case 'engagement':
      // A call outcome from Connect (call-feedback) may say the number is wrong; other engagement only reads.
      return message.type === 'called' && message.outcome === 'wrong_number'
        ? { change: (profile) => withWrongPhone(profile, message.at), recheck: false }
        : undefined;
    case 'wake':
    case 'schedule':
      return undefined;
    default: {
      const unreachable: never = message;
      throw new Error(`unknown message kind ${JSON.stringify(unreachable)}`);
    }
  }
}

function withWrongPhone(profile: Profile, at: string): Profile | undefined {
  const next = structuredClone(profile);
  return markPhoneWrong(next, at) ? next : undefined;
}

export type ProfileStep =
  | { kind: 'unchanged'; status: Extract<ProcessStatus, 'duplicate' | 'ignored'> }
  | { kind: 'changed'; profile: Profile; changes?: SegmentChanges };

/**
 * The profile to write after `edit` on `stored` (undefined: none exists yet), with the segment
 * memberships evaluated at `now`. A segment move that may concern a journey is recorded on the
 * profile itself, so a crash before the journey step cannot lose it (pending-segment-changes.ts).
 */
export function nextProfile(
  deps: Pick<ProcessDeps, 'segments' | 'journeys'> & { settings?: ReducerSettings },
  customerId: string,
  stored: Profile | undefined,
  edit: ProfileEdit,
  now: Date,
): ProfileStep {
  if ((edit.recheck || edit.existingOnly === true) && !stored) return { kind: 'unchanged', status: 'ignored' };
  const edited = edit.change(stored ?? emptyProfile(customerId, now.toISOString()));
  if (!edited) return { kind: 'unchanged', status: 'duplicate' };
  const tiers = deps.settings?.tiers ?? [];
  // The tier before the segments: its generated segments (tier:<id>) follow it in the same write.
  const changed =
    tiers.length > 0 || edited.tier !== undefined
      ? updateTier(stored, edited, { tiers, timezone: deps.settings?.timezone ?? 'UTC' }, now)
      : edited;
  const evaluated = deps.segments
    ? applySegmentMemberships(deps.segments, edit.recheck ? undefined : stored, changed, now)
    : { profile: changed, changes: undefined };
  if (edit.recheck && stored && sameSegments(stored, evaluated.profile))
    return { kind: 'unchanged', status: 'duplicate' };
  const { changes } = evaluated;
  const concernsJourneys =
    changes &&
    deps.journeys &&
    mayConcern(segmentSignal(changes), deps.journeys.definitions, deps.journeys.segmentMoves);
  return {
    kind: 'changed',
    profile: concernsJourneys ? recordPending(evaluated.profile, changes) : evaluated.profile,
    ...(changes ? { changes } : {}),
  };
}

export function segmentSignal(changes: SegmentChanges): JourneySignal {
  return { kind: 'segments', entered: changes.entered, exited: changes.exited, at: changes.at };
}

function sameSegments(a: Profile, b: Profile): boolean {
  return (
    a.nextExpiryAt === b.nextExpiryAt &&
    a.tier === b.tier &&
    a.tierGraceUntil === b.tierGraceUntil &&
    JSON.stringify(a.segments) === JSON.stringify(b.segments)
  );
}
