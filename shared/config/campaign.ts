/**
 * The campaign folder as the runtime needs it, loaded once per cold start: settings and compiled
 * segment rules. A broken file stops start-up with every problem located (file:line:col).
 */
import { loadSegments } from '../segments/load-segments.js';
import type { CompiledSegments } from '../segments/evaluate.js';
import { CampaignConfigError, requireSettings } from './campaign-settings.js';
import type { Settings } from './settings.js';
import { formatLocatedError } from './located-error.js';

export interface Campaign {
  settings: Settings;
  segments: CompiledSegments;
}

export async function loadCampaign(campaignDir: string): Promise<Campaign> {
  const settings = await requireSettings(campaignDir);
  const segments = await loadSegments(campaignDir, settings);
  if (!segments.ok)
    throw new CampaignConfigError(`invalid segment rules:\n${segments.errors.map(formatLocatedError).join('\n')}`);
  return { settings, segments: segments.compiled };
}
