/**
 * Phase 5: the journeys (shared/journeys/journey-phase.ts) after the profile write. The event
 * and the segments it moved start, exit and convert runs; `wake`, `engagement` and `schedule`
 * messages move or start runs on the profile as stored, which they only read. Segment moves an
 * earlier write recorded but whose journey step never ran (a crash) are replayed first, and
 * cleared once the phase has run.
 */
import type { CustomerMessage } from '../../events/messages.js';
import { isDoctorCustomer } from '../../identity/doctor-customer.js';
import type { JourneySignal } from '../../journeys/engine.js';
import { abandonRunOf, handOverRunOf, journeyPhase, type JourneyDeps } from '../../journeys/journey-phase.js';
import { earlierPending, pendingSignal, withoutHandled } from '../../journeys/pending-segment-changes.js';
import type { SegmentChanges } from '../../segments/membership-hook.js';
import type { Profile } from '../schema.js';
import type { MessageState, Phase, ProcessDeps } from './message-state.js';
import { segmentSignal } from './profile-step.js';
import { writeProfile } from './write-profile.js';

export const runJourneys: Phase = async (deps, state) => {
  // `sadakat doctor`'s test customers go through ingest and send, but no journey takes them in.
  if (isDoctorCustomer(state.customerId)) return 'next';
  const signal = journeySignalOf(state.message);
  if (signal) await moveRun(deps, state, signal);
  else if (state.written) await afterWrite(deps, state);
  return 'next';
};

/** After a profile write: the message's own event and the segments the write moved. */
async function afterWrite(deps: ProcessDeps, state: MessageState): Promise<void> {
  const written = state.written;
  if (!deps.journeys || !written) return;
  // Also on a duplicate: a crash after the profile write must not lose the journey step, and
  // run ids derived from the event make the repeat harmless.
  const own: JourneySignal[] = state.message.kind === 'event' ? [{ kind: 'event', event: state.message.event }] : [];
  const signals = written.changes ? [...own, segmentSignal(written.changes)] : own;
  if (signals.length === 0 && !written.profile?.pendingSegmentChanges) return;
  const profile = written.profile ?? (await deps.profiles.getProfile(written.outcome.customerId));
  if (!profile || profile.mergedInto !== undefined) return;
  const phase = await journeysOn(deps, deps.journeys, profile, signals, written.changes);
  if (phase.runsWritten > 0) state.status = 'applied';
  state.capacityUnits += phase.capacityUnits;
}

/** wake (journey-tick), engagement (ses-feedback) and schedule: move or start one run; the profile is only read. */
async function moveRun(deps: ProcessDeps, state: MessageState, signal: JourneySignal): Promise<void> {
  state.status = 'ignored';
  if (!deps.journeys) return;
  const profile = await deps.profiles.getProfile(state.customerId);
  if (!profile || profile.mergedInto !== undefined) {
    if (signal.kind !== 'wake' && signal.kind !== 'engagement') return;
    const { store } = deps.journeys;
    const now = deps.clock.now();
    const ended =
      profile?.mergedInto !== undefined && signal.kind === 'wake'
        ? await handOverRunOf(store, state.customerId, profile.mergedInto, signal.journeyId, signal.runId, now)
        : await abandonRunOf(
            store,
            state.customerId,
            signal.journeyId,
            signal.runId,
            profile ? 'customer merged into another profile' : 'customer profile not found',
            now,
          );
    if (ended) state.status = 'applied';
    return;
  }
  const phase = await journeysOn(deps, deps.journeys, profile, [signal]);
  state.status = phase.runsWritten > 0 ? 'applied' : 'duplicate';
  state.capacityUnits += phase.capacityUnits;
}

/**
 * The journey phase on `signals`, preceded by the segment changes an earlier write recorded and
 * whose journey step never ran; those are cleared once the phase has run.
 */
async function journeysOn(
  deps: ProcessDeps,
  journeys: JourneyDeps,
  profile: Profile,
  signals: readonly JourneySignal[],
  ownChanges?: SegmentChanges,
) {
  const deferred = deps.pendingHandled;
  // In a coalesced group an entry an earlier message's phase already handled is not replayed.
  const replayed = earlierPending(profile, ownChanges).filter((change) => !deferred?.has(change));
  const phase = await journeyPhase(
    {
      journeys,
      now: deps.clock.now(),
      writeProfile: async (change) => {
        const written = await writeProfile(deps, profile.id, change);
        return { profile: written.profile, changes: written.changes };
      },
      ...(deps.segments ? { segments: deps.segments } : {}),
      ...(deps.onRunChange ? { onRunChange: deps.onRunChange } : {}),
    },
    profile,
    [...replayed.map(pendingSignal), ...signals],
  );
  const handled = profile.pendingSegmentChanges ?? [];
  // A coalesced group clears what its phases handled in one write at its end (process-customer-batch.ts).
  if (deferred) deferred.add(handled);
  else if (handled.length > 0)
    phase.capacityUnits += (
      await writeProfile(deps, profile.id, (stored) => withoutHandled(stored, handled))
    ).outcome.capacityUnits;
  return phase;
}

/** The signal a journey message carries, or undefined for the messages that edit the profile. */
function journeySignalOf(message: CustomerMessage): JourneySignal | undefined {
  switch (message.kind) {
    case 'wake':
      return { kind: 'wake', journeyId: message.journeyId, runId: message.runId, dueAt: message.dueAt };
    case 'schedule':
      return { kind: 'schedule', journeyId: message.journeyId, slot: message.slot };
    case 'engagement':
      return {
        kind: 'engagement',
        journeyId: message.journeyId,
        runId: message.runId,
        stepId: message.stepId,
        type: message.type,
        at: message.at,
        ...(message.outcome ? { outcome: message.outcome } : {}),
      };
    default:
      return undefined;
  }
}
