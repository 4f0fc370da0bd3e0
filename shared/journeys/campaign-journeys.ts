/** Journeys for the runtime, loaded once per cold start; a broken file stops start-up with located errors. */
import { CampaignConfigError } from '../config/campaign-settings.js';
import type { Settings } from '../config/settings.js';
import { formatLocatedError } from '../config/located-error.js';
import type { CompiledSegments } from '../segments/evaluate.js';
import type { Journey } from './ast.js';
import { loadJourneys } from './load.js';

export async function requireJourneys(
  campaignDir: string,
  settings: Settings,
  segments: CompiledSegments,
): Promise<Journey[]> {
  const result = await loadJourneys(campaignDir, settings, new Set(segments.byId.keys()));
  if (!result.ok)
    throw new CampaignConfigError(`invalid journeys:\n${result.errors.map(formatLocatedError).join('\n')}`);
  return result.journeys;
}
