/** journey-schedule's and journey-schedule-plan's dependencies in Lambda, built once per cold start from the environment. */
import { systemClock, type Clock, type PassSlots } from '../ports.js';
import { loadRuntimeCampaign } from '../wiring/runtime-campaign.js';
import { composeJourneyScheduleDeps, type JourneyScheduleDeps } from '../wiring/compose.js';
import { awsCoreAdapters, awsTableAdapters, campaignDirOf } from './aws-adapters.js';

export async function awsJourneyScheduleDeps(env: NodeJS.ProcessEnv): Promise<JourneyScheduleDeps> {
  return composeJourneyScheduleDeps(awsCoreAdapters(env), await loadRuntimeCampaign(campaignDirOf(env)));
}

export function awsJourneySchedulePlanDeps(env: NodeJS.ProcessEnv): { slots: PassSlots; clock: Clock } {
  return { slots: awsTableAdapters(env).passSlots, clock: systemClock };
}
