/** Settings for the runtime: loaded once per cold start; a broken file stops start-up with located errors. */
import { loadSettings } from './load-settings.js';
import type { Settings } from './settings.js';
import { CampaignConfigError, formatLocatedError } from './located-error.js';

export { CampaignConfigError } from './located-error.js';

export async function requireSettings(campaignDir: string): Promise<Settings> {
  const result = await loadSettings(campaignDir);
  if (!result.ok)
    throw new CampaignConfigError(`invalid campaign settings:\n${result.errors.map(formatLocatedError).join('\n')}`);
  return result.settings;
}
