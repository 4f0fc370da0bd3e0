/** Profiles for segment tests: an empty profile with the parts a test cares about. */
import { emptyProfile, type EventSummary, type Profile } from '../../../shared/profiles/schema.js';

export const NOW = Date.parse('2026-05-10T12:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export function profileWith(change: (profile: Profile) => void = () => {}): Profile {
  const profile = emptyProfile('c-1', '2026-01-01T00:00:00Z');
  change(profile);
  return profile;
}

/** An event summary with one event at each given time (counted in its hour and its day). */
export function eventsAt(...times: number[]): EventSummary {
  const daily: Record<string, number> = {};
  const hourly: Record<string, number> = {};
  for (const t of times) {
    const day = String(Math.floor(t / DAY));
    const hour = String(Math.floor(t / HOUR));
    daily[day] = (daily[day] ?? 0) + 1;
    hourly[hour] = (hourly[hour] ?? 0) + 1;
  }
  const last = Math.max(...times);
  return { lastAt: new Date(last).toISOString(), count: times.length, daily, hourly };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
