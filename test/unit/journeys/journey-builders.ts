/** Test helpers: journeys from YAML text, profiles and runs at fixed instants. */
import { parse } from 'yaml';
import type { Journey } from '../../../shared/journeys/ast.js';
import { parseJourney } from '../../../shared/journeys/parse.js';
import { newRun, type JourneyRun } from '../../../shared/journeys/run.js';
import { emptyProfile, type Profile } from '../../../shared/profiles/schema.js';

export const T0 = new Date('2026-03-02T08:00:00.000Z'); // a Monday

export function journeyFrom(yaml: string): Journey {
  const { journey, issues } = parseJourney(parse(yaml));
  if (!journey || issues.length > 0) throw new Error(`bad test journey: ${JSON.stringify(issues)}`);
  return journey;
}

export function profile(overrides: Partial<Profile> = {}): Profile {
  return { ...emptyProfile('c1', T0.toISOString()), ...overrides };
}

export function run(journey: Journey, overrides: Partial<JourneyRun> = {}): JourneyRun {
  return { ...newRun(journey.id, 'r1', 'c1', false, T0.toISOString()), ...overrides };
}

export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
