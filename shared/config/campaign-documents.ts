/**
 * The campaign folder's YAML files as the JSON the deployed functions read
 * (shared/wiring/compiled-campaign.ts): each file's value, nothing interpreted, and the templates
 * as written with the front matter send needs read. The CDK app writes
 * it at synth after `sadakat validate`'s checks passed (infra/app.ts), so a function parses JSON at
 * cold start instead of carrying a YAML parser. A value JSON cannot hold (`.inf`, `.nan`) is refused
 * here, naming its file, rather than changing on the way. Decision 240.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { templateFrontMatters } from '../channels/load-templates.js';
import { readTemplateSources } from '../channels/render.js';
import { CAMPAIGN_DOCUMENTS_FORMAT, type CampaignDocuments } from '../wiring/compiled-documents.js';
import { CampaignConfigError, formatLocatedError } from './located-error.js';
import { YamlSource } from './yaml-source.js';

export function campaignDocuments(campaignDir: string): CampaignDocuments {
  const journeyNames = listDir(join(campaignDir, 'journeys'))
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort();
  const sources = readTemplateSources(join(campaignDir, 'templates'));
  return {
    format: CAMPAIGN_DOCUMENTS_FORMAT,
    settings: documentOf(campaignDir, 'settings.yaml', {}) ?? {},
    segments: documentOf(campaignDir, 'segments.yaml', []),
    journeys: journeyNames.map((name) => ({ file: name, document: documentOf(campaignDir, `journeys/${name}`, null) })),
    templates: { sources, frontMatter: templateFrontMatters(sources) },
  };
}

/** `campaignDocuments` as the file's text. */
export function campaignDocumentsJson(campaignDir: string): string {
  return JSON.stringify(campaignDocuments(campaignDir));
}

function documentOf(campaignDir: string, name: string, absent: unknown): unknown {
  const file = join(campaignDir, name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return absent;
    throw error;
  }
  const source = YamlSource.parse(file, text);
  const syntax = source.syntaxErrors();
  if (syntax.length > 0) throw new CampaignConfigError(syntax.map(formatLocatedError).join('\n'));
  const value = source.toJS();
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(value) ?? 'null'), value))
    throw new CampaignConfigError(
      `${file}: holds a value JSON cannot carry (.inf, .nan or a non-string key); write it as a plain number or string`,
    );
  return value;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
