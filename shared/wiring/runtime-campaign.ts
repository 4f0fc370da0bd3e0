/**
 * The campaign folder as the functions run it, loaded once per cold start (or once per local
 * command): settings, compiled segment rules and the checked journeys. A broken file stops
 * start-up with every problem located (file:line:col).
 */
import { type Campaign, loadCampaign } from '../config/campaign.js';
import type { Journey } from '../journeys/ast.js';
import { requireJourneys } from '../journeys/campaign-journeys.js';

export interface RuntimeCampaign extends Campaign {
  journeys: readonly Journey[];
}

export async function loadRuntimeCampaign(campaignDir: string): Promise<RuntimeCampaign> {
  const campaign = await loadCampaign(campaignDir);
  return { ...campaign, journeys: await requireJourneys(campaignDir, campaign.settings, campaign.segments) };
}
