/** journey-schedule-plan's dependencies in Lambda: the slot claims and the clock, no campaign. */
import { systemClock, type Clock, type PassSlots } from '../ports.js';
import { awsTableAdapters } from './aws-adapters.js';

export function awsJourneySchedulePlanDeps(env: NodeJS.ProcessEnv): { slots: PassSlots; clock: Clock } {
  return { slots: awsTableAdapters(env).passSlots, clock: systemClock };
}
