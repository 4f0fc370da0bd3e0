/**
 * The compiled campaign file itself (decision 240): its format, reading it, and its settings. Its
 * own module so ingest, which needs only the settings, bundles no segment or journey code
 * (compiled-campaign.ts builds the rest; decision 261).
 */
import { readFile } from 'node:fs/promises';
import { CampaignConfigError, describeZodIssue } from '../config/located-error.js';
import { type Settings, settingsSchema } from '../config/settings.js';
import type { TemplateFrontMatters, TemplateSources } from '../channels/render.js';
import type { PathIssue } from '../segments/errors.js';

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

/** Settings only (ingest): no segment or journey code on that path. */
export async function loadCompiledSettings(file: string): Promise<Settings> {
  return settingsFromDocuments(await readCompiledCampaign(file));
}

export function settingsFromDocuments(documents: CampaignDocuments): Settings {
  const parsed = settingsSchema.safeParse(documents.settings);
  if (!parsed.success)
    failOn(
      'settings.yaml',
      parsed.error.issues.map((issue) => ({ path: [], reason: describeZodIssue(issue) })),
    );
  return parsed.data as Settings;
}

export function failOn(file: string, issues: readonly PathIssue[]): void {
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
