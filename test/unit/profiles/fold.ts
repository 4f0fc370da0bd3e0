/** Test helpers: fold events into a profile, and compare profiles where arrival order may legitimately show. */
import type { NormalizedEvent } from '../../../shared/events/event.js';
import { applyEvent, type ReducerSettings } from '../../../shared/profiles/reduce.js';
import { emptyProfile, type Profile } from '../../../shared/profiles/schema.js';
import { settings as defaultSettings } from './arbitraries.js';

export const START = '2025-12-01T00:00:00.000Z';

export function fold(
  events: readonly NormalizedEvent[],
  profile: Profile = emptyProfile('u1', START),
  settings: ReducerSettings = defaultSettings,
): Profile {
  let current = profile;
  for (const event of events) {
    const result = applyEvent(current, event, settings);
    if (result.applied) current = result.profile;
  }
  return current;
}

/** `recentIds` is a ring in arrival order: compared as a set. */
export function withoutArrivalOrder(profile: Profile): Profile {
  return { ...profile, recentIds: [...profile.recentIds].sort() };
}
