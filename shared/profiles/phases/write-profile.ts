/**
 * Phase 4 and the one profile write of process-events: read-modify-write of one profile,
 * retried on version conflicts. A frozen (merged) anonymous profile forwards the change to the
 * customer it was merged into. Segment moves are announced once the write has succeeded.
 */
import { withVersionRetry } from '../version-retry.js';
import type { Phase, ProcessDeps, Written } from './message-state.js';
import { nextProfile, profileEditOf, type ProfileChange, type ProfileEdit } from './profile-step.js';

/** How many `mergedInto` links a write follows before it writes where it stands. */
const MAX_FORWARDS = 3;

/** Phase 4: the message's own edit of the profile (none for the journey messages). */
export const updateProfile: Phase = async (deps, state) => {
  const edit = profileEditOf(state.message, deps.settings);
  if (!edit) return 'next';
  const written = await writeProfile(deps, state.customerId, edit);
  state.written = written;
  state.customerId = written.outcome.customerId;
  state.status = written.outcome.status;
  state.capacityUnits += written.outcome.capacityUnits;
  return 'next';
};

export async function writeProfile(
  deps: ProcessDeps,
  customerId: string,
  edit: ProfileEdit | ProfileChange,
): Promise<Written> {
  const profileEdit: ProfileEdit = typeof edit === 'function' ? { change: edit, recheck: false } : edit;
  let targetId = customerId;
  const { outcome, changes, profile } = await withVersionRetry(async (): Promise<Written> => {
    for (let hops = 0; ; hops++) {
      const stored = await deps.profiles.getProfile(targetId);
      if (stored?.mergedInto && hops < MAX_FORWARDS) {
        targetId = stored.mergedInto;
        continue;
      }
      const step = nextProfile(deps, targetId, stored, profileEdit, deps.clock.now());
      if (step.kind === 'unchanged')
        return {
          outcome: { status: step.status, customerId: targetId, capacityUnits: 0 },
          ...(stored ? { profile: stored } : {}),
        };
      const written = await deps.profiles.putProfile(step.profile, stored?.version);
      return {
        outcome: { status: 'applied', customerId: targetId, capacityUnits: written.receipt.capacityUnits },
        profile: written.profile,
        ...(step.changes ? { changes: step.changes } : {}),
      };
    }
  });
  if (changes) await deps.segmentChanges?.publish(changes);
  return { outcome, ...(profile ? { profile } : {}), ...(changes ? { changes } : {}) };
}
