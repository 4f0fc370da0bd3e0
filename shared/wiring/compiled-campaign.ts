/**
 * The campaign as the deployed functions read it: one JSON file the CDK app writes at synth from
 * the validated campaign folder (shared/config/campaign-documents.ts), beside each function bundle.
 * It holds each YAML file's value as plain JSON, so a cold start parses JSON and runs the same
 * schemas (settings defaults, segment rules, journey steps) the YAML path runs on the same values,
 * without the `yaml` package in the bundle. The semantic checks (references, templates, file
 * names) ran at synth (`sadakat validate`, infra/app.ts); the local demo and serve still read YAML
 * (runtime-campaign.ts). Decision 240.
 */
import { type CampaignDocuments, readCompiledCampaign, settingsFromDocuments } from './compiled-documents.js';
import { journeysFromDocuments } from './compiled-journeys.js';
import { segmentsFromDocuments } from './compiled-segments.js';
import type { RuntimeCampaign } from './runtime-campaign.js';

export async function loadCompiledCampaign(file: string): Promise<RuntimeCampaign> {
  return campaignFromDocuments(await readCompiledCampaign(file));
}

export function campaignFromDocuments(documents: CampaignDocuments): RuntimeCampaign {
  const settings = settingsFromDocuments(documents);
  return { settings, segments: segmentsFromDocuments(documents, settings), journeys: journeysFromDocuments(documents) };
}
