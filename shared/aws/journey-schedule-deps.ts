/** journey-schedule's dependencies in Lambda, built once per cold start from the environment. */
import { loadCompiledCampaign } from '../wiring/compiled-campaign.js';
import { composeJourneyScheduleDeps, type JourneyScheduleDeps } from '../wiring/compose.js';
import { awsCoreAdapters, campaignJsonOf } from './aws-adapters.js';

export async function awsJourneyScheduleDeps(env: NodeJS.ProcessEnv): Promise<JourneyScheduleDeps> {
  return composeJourneyScheduleDeps(awsCoreAdapters(env), await loadCompiledCampaign(campaignJsonOf(env)));
}
