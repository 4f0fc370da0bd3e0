/**
 * Where the campaign compiled at synth sits beside the bundle. A file of its own: aws-adapters.ts
 * builds every table adapter, which the functions that only read the campaign need not carry
 * (decision 297).
 */
import { requireEnv } from './require-env.js';

/** The campaign compiled to JSON at synth, beside the bundle (CAMPAIGN_JSON; shared/wiring/compiled-campaign.ts). */
export function campaignJsonOf(env: NodeJS.ProcessEnv): string {
  return requireEnv(env, 'CAMPAIGN_JSON');
}
