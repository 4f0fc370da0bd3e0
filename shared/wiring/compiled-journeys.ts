/**
 * The compiled campaign's settings and journeys without its segments: what journey-schedule and
 * release-deferred read. A file of its own so their bundles carry no segment compiler (and the
 * CLV code it reaches); compiled-campaign.ts builds the whole campaign from the same functions
 * (decision 261).
 */
import { CampaignConfigError } from '../config/located-error.js';
import type { Journey } from '../journeys/ast.js';
import { parseJourney } from '../journeys/parse.js';
import { type CampaignDocuments, failOn, readCompiledCampaign, settingsFromDocuments } from './compiled-documents.js';
import type { RuntimeCampaign } from './runtime-campaign.js';

export async function loadCompiledJourneys(file: string): Promise<Pick<RuntimeCampaign, 'settings' | 'journeys'>> {
  const documents = await readCompiledCampaign(file);
  return { settings: settingsFromDocuments(documents), journeys: journeysFromDocuments(documents) };
}

export function journeysFromDocuments(documents: CampaignDocuments): Journey[] {
  return documents.journeys.map(({ file, document }): Journey => {
    const { journey, issues } = parseJourney(document);
    failOn(`journeys/${file}`, issues);
    if (!journey) throw new CampaignConfigError(`invalid journeys:\njourneys/${file}: not a journey`);
    return journey;
  });
}
