/** Settings for the runtime: loaded once per cold start; a broken file stops start-up with located errors. */
import { loadSettings } from './load-settings.js';
import type { Settings } from './settings.js';
import { formatLocatedError } from './yaml-source.js';

/** A campaign file is wrong: the message lists every problem as file:line:column: reason. */
export class CampaignConfigError extends Error {
  override readonly name = 'CampaignConfigError';
}

export async function requireSettings(campaignDir: string): Promise<Settings> {
  const result = await loadSettings(campaignDir);
  if (!result.ok)
    throw new CampaignConfigError(`invalid campaign settings:\n${result.errors.map(formatLocatedError).join('\n')}`);
  return result.settings;
}
