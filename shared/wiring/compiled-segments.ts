/**
 * The compiled campaign's settings and segments without its journeys: what refresh-score reads
 * (the CLV comparisons its rules make). A file of its own so its bundle carries no journey parser
 * and schemas; compiled-campaign.ts builds the whole campaign from the same functions (decision 297,
 * as compiled-journeys.ts in decision 261).
 */
import type { Settings } from '../config/settings.js';
import { compileCheckedDefinitions } from '../segments/compile.js';
import { parseSegmentDefinitions } from '../segments/parse.js';
import { withTierSegments } from '../tiers/tier-segments.js';
import { type CampaignDocuments, failOn, readCompiledCampaign, settingsFromDocuments } from './compiled-documents.js';
import type { RuntimeCampaign } from './runtime-campaign.js';

export async function loadCompiledSegments(file: string): Promise<Pick<RuntimeCampaign, 'settings' | 'segments'>> {
  const documents = await readCompiledCampaign(file);
  const settings = settingsFromDocuments(documents);
  return { settings, segments: segmentsFromDocuments(documents, settings) };
}

export function segmentsFromDocuments(documents: CampaignDocuments, settings: Settings): RuntimeCampaign['segments'] {
  const parsed = parseSegmentDefinitions(documents.segments);
  failOn('segments.yaml', parsed.issues);
  const compiled = compileCheckedDefinitions(parsed.definitions, settings.spreadMinutes, settings.defaultTimezone);
  return withTierSegments(compiled, { tiers: settings.tiers, timezone: settings.defaultTimezone });
}
