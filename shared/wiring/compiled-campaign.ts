/**
 * The campaign as the deployed functions read it: one JSON file the CDK app writes at synth from
 * the validated campaign folder (shared/config/campaign-documents.ts), beside each function bundle.
 * It holds each YAML file's value as plain JSON, so a cold start parses JSON and runs the same
 * schemas (settings defaults, segment rules, journey steps) the YAML path runs on the same values,
 * without the `yaml` package in the bundle. The semantic checks (references, templates, file
 * names) ran at synth (`sadakat validate`, infra/app.ts); the local demo and serve still read YAML
 * (runtime-campaign.ts). Decision 240.
 */
import { readFile } from 'node:fs/promises';
import { CampaignConfigError, describeZodIssue } from '../config/located-error.js';
import { type Settings, settingsSchema } from '../config/settings.js';
import type { TemplateFrontMatters, TemplateSources } from '../channels/render.js';
import type { Journey } from '../journeys/ast.js';
import { parseJourney } from '../journeys/parse.js';
import { compileCheckedDefinitions } from '../segments/compile.js';
import type { PathIssue } from '../segments/errors.js';
import { parseSegmentDefinitions } from '../segments/parse.js';
import { withTierSegments } from '../tiers/tier-segments.js';
import type { RuntimeCampaign } from './runtime-campaign.js';

/** Changes when the file's shape does: a function refuses a file written for another shape. */
export const CAMPAIGN_DOCUMENTS_FORMAT = 'sadakat-campaign/1';

/** Each campaign YAML file's value (`yaml` toJS), as JSON. */
export interface CampaignDocuments {
  format: typeof CAMPAIGN_DOCUMENTS_FORMAT;
  /** settings.yaml (`{}` without the file or for an empty one: defaults apply). */
  settings: unknown;
  /** segments.yaml (`[]` without the file). */
  segments: unknown;
  /** journeys/*.yaml in file-name order. */
  journeys: { file: string; document: unknown }[];
  /** templates/<id>/*.liquid as written, and the front matter the send function needs, read. */
  templates: { sources: TemplateSources; frontMatter: TemplateFrontMatters };
}

export async function loadCompiledCampaign(file: string): Promise<RuntimeCampaign> {
  return campaignFromDocuments(await readCompiledCampaign(file));
}

/** Settings only (ingest): no segment or journey code on that path. */
export async function loadCompiledSettings(file: string): Promise<Settings> {
  return settingsFromDocuments(await readCompiledCampaign(file));
}

export function campaignFromDocuments(documents: CampaignDocuments): RuntimeCampaign {
  const settings = settingsFromDocuments(documents);
  const parsed = parseSegmentDefinitions(documents.segments);
  failOn('segments.yaml', parsed.issues);
  const compiled = compileCheckedDefinitions(parsed.definitions, settings.spreadMinutes, settings.defaultTimezone);
  const segments = withTierSegments(compiled, { tiers: settings.tiers, timezone: settings.defaultTimezone });
  const journeys = documents.journeys.map(({ file, document }): Journey => {
    const { journey, issues } = parseJourney(document);
    failOn(`journeys/${file}`, issues);
    if (!journey) throw new CampaignConfigError(`invalid journeys:\njourneys/${file}: not a journey`);
    return journey;
  });
  return { settings, segments, journeys };
}

function settingsFromDocuments(documents: CampaignDocuments): Settings {
  const parsed = settingsSchema.safeParse(documents.settings);
  if (!parsed.success)
    failOn(
      'settings.yaml',
      parsed.error.issues.map((issue) => ({ path: [], reason: describeZodIssue(issue) })),
    );
  return parsed.data as Settings;
}

function failOn(file: string, issues: readonly PathIssue[]): void {
  if (issues.length === 0) return;
  throw new CampaignConfigError(
    `invalid compiled campaign (run \`sadakat validate\` and deploy again):\n${issues.map((issue) => `${file}: ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.reason}`).join('\n')}`,
  );
}

/** The file as written (send builds its TemplateSet from `templates`). */
export async function readCompiledCampaign(file: string): Promise<CampaignDocuments> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CampaignConfigError(
      `cannot read the compiled campaign ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== CAMPAIGN_DOCUMENTS_FORMAT)
    throw new CampaignConfigError(
      `${file}: format ${JSON.stringify(format)}, this code reads "${CAMPAIGN_DOCUMENTS_FORMAT}"; deploy again to compile the campaign with it`,
    );
  return value as CampaignDocuments;
}
