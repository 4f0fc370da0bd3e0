/**
 * A Pinpoint export (files or folders of GetJourney, GetCampaign, GetSegment and Get*Template
 * JSON) → a sadakat campaign folder: journeys/<id>.yaml (campaigns too), segments.yaml,
 * templates/<id>/ and migration-report.md.
 * Existing files are kept: segments are appended, tracked properties merged into settings.yaml.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CampaignResponse,
  EmailTemplateResponse,
  PushNotificationTemplateResponse,
  SegmentResponse,
  SMSTemplateResponse,
} from '@aws-sdk/client-pinpoint';
import { parseDocument, stringify } from 'yaml';
import { convertCampaign } from './campaign-to-journey.js';
import { convertJourney, slug, type JourneyObject, type PinpointJourney } from './journey-to-yaml.js';
import { MigrationReport } from './migration-report.js';
import { convertSegment, segmentSlug } from './segment-to-rules.js';
import { convertTemplate, type PinpointTemplate } from './template-to-liquid.js';

export interface ExportInputs {
  journeys?: string;
  campaigns?: string;
  segments?: string;
  templates?: string;
  out: string;
}

export interface ExportSummary {
  journeys: string[];
  /** Journey ids written for campaigns. */
  campaigns: string[];
  segments: string[];
  templates: string[];
  report: MigrationReport;
}

/** Bad input: names the file and the reason (the CLI prints it without a stack trace). */
export class PinpointInputError extends Error {
  override readonly name = 'PinpointInputError';
}

export async function convertExport(inputs: ExportInputs): Promise<ExportSummary> {
  const report = new MigrationReport();
  const segmentDocs = (await readJsonInputs(inputs.segments, '--segments', 'segment')).map(({ file, json }) =>
    unwrap<SegmentResponse>(file, json, 'SegmentResponse'),
  );
  const segmentIds = new Map(
    segmentDocs
      .filter((segment) => segment.Id)
      .map((segment) => [segment.Id as string, segmentSlug(segment.Name ?? (segment.Id as string))]),
  );
  const missingSegments = new Set<string>();
  const segmentId = (pinpointId: string): string => {
    const known = segmentIds.get(pinpointId);
    if (known !== undefined) return known;
    missingSegments.add(pinpointId);
    return segmentSlug(`pinpoint_${pinpointId}`);
  };

  const templates = (await readJsonInputs(inputs.templates, '--templates', 'template')).flatMap(
    ({ file, json }) => templateOf(file, json, report) ?? [],
  );
  const templateIds = new Map(
    templates.map((template) => [
      template.template.TemplateName ?? '',
      slug(template.template.TemplateName ?? 'template'),
    ]),
  );
  const templateId = (name: string): string => templateIds.get(name) ?? slug(name);

  const journeys = (await readJsonInputs(inputs.journeys, '--journeys', 'journey')).map(({ file, json }) => ({
    file,
    journey: unwrap<PinpointJourney>(file, json, 'JourneyResponse'),
  }));
  const campaigns = (await readJsonInputs(inputs.campaigns, '--campaigns', 'campaign')).map(({ file, json }) =>
    unwrap<CampaignResponse>(file, json, 'CampaignResponse'),
  );

  const segmentItems = segmentDocs.map((segment) => convertSegment(segment, segmentId, report));
  const tracked: Record<string, string[]> = {};
  const journeyIds: string[] = [];
  const campaignIds: string[] = [];
  const addTracked = (properties: Record<string, string[]>): void => {
    for (const [event, names] of Object.entries(properties))
      tracked[event] = [...new Set([...(tracked[event] ?? []), ...names])];
  };
  const writeJourney = async (journey: JourneyObject): Promise<void> => {
    for (const referenced of referencedTemplates(journey.steps)) {
      if (![...templateIds.values()].includes(referenced) && !inlineFolders.has(referenced))
        report.add(
          'journey',
          journey.id,
          `template ${referenced} was not among --templates`,
          `export it with aws pinpoint get-*-template and import again, or write templates/${referenced}/`,
        );
    }
    await writeFile(
      join(inputs.out, 'journeys', `${journey.id}.yaml`),
      `# Imported from Pinpoint by sadakat import pinpoint; see migration-report.md\n${stringify(journey, { lineWidth: 0 })}`,
    );
    journeyIds.push(journey.id);
  };
  const inlineFolders = new Set<string>();
  await mkdir(join(inputs.out, 'journeys'), { recursive: true });
  for (const { journey: exported } of journeys) {
    // Two names with the same slug would overwrite one file (and share experiment keys): number the later one.
    const taken = journeyIds.includes(slug(exported.Name ?? exported.Id ?? 'pinpoint-journey'));
    const journey = taken
      ? { ...exported, Name: `${exported.Name ?? exported.Id ?? 'pinpoint-journey'} ${journeyIds.length + 1}` }
      : exported;
    if (taken)
      report.add(
        'journey',
        slug(journey.Name ?? ''),
        `another journey has the same id; this one (Pinpoint ${exported.Id ?? exported.Name}) was renamed`,
        'rename it in the YAML if you like (the file name must match the id)',
      );
    const converted = convertJourney(journey, { segmentId, templateId, report });
    segmentItems.push(...converted.segments);
    addTracked(converted.trackedProperties);
    await writeJourney(converted.journey);
  }

  for (const campaign of campaigns) {
    const converted = convertCampaign(campaign, { segmentId, templateId, report });
    if (!converted.journey) continue;
    let id = converted.journey.id;
    for (let n = 2; journeyIds.includes(id); n++) id = `${converted.journey.id.slice(0, 60)}-${n}`;
    if (id !== converted.journey.id)
      report.add(
        'journey',
        id,
        `another journey has the id ${converted.journey.id}; this campaign (Pinpoint ${campaign.Id ?? campaign.Name}) was renamed`,
        'rename it in the YAML if you like (the file name must match the id)',
      );
    for (const inline of converted.inlineTemplates) {
      const written = convertTemplate(inline.template, inline.folder, report);
      await mkdir(join(inputs.out, 'templates', written.folder), { recursive: true });
      for (const [name, text] of Object.entries(written.files))
        await writeFile(join(inputs.out, 'templates', written.folder, name), text);
      inlineFolders.add(inline.folder);
    }
    addTracked(converted.trackedProperties);
    await writeJourney({ ...converted.journey, id });
    campaignIds.push(id);
  }

  for (const template of templates) {
    const converted = convertTemplate(template, templateId(template.template.TemplateName ?? ''), report);
    await mkdir(join(inputs.out, 'templates', converted.folder), { recursive: true });
    for (const [name, text] of Object.entries(converted.files))
      await writeFile(join(inputs.out, 'templates', converted.folder, name), text);
  }

  for (const missing of missingSegments)
    report.add(
      'segment',
      missing,
      `Pinpoint segment ${missing} is referenced but was not among --segments`,
      `export it with aws pinpoint get-segment and import again, or write segment ${segmentSlug(`pinpoint_${missing}`)} in segments.yaml`,
    );
  await appendSegments(join(inputs.out, 'segments.yaml'), segmentItems);
  if (Object.keys(tracked).length > 0) await mergeTrackedProperties(join(inputs.out, 'settings.yaml'), tracked);
  await writeFile(join(inputs.out, 'migration-report.md'), report.toMarkdown());
  return {
    journeys: journeyIds.filter((id) => !campaignIds.includes(id)),
    campaigns: campaignIds,
    segments: segmentItems.map((item) => String(item.id)),
    templates: templates.map((template) => templateId(template.template.TemplateName ?? '')),
    report,
  };
}

function referencedTemplates(steps: readonly Record<string, unknown>[]): string[] {
  return steps.flatMap((step) => {
    const send = step.send as { template?: string } | undefined;
    return send?.template ? [send.template] : [];
  });
}

/** Accepts both the Get* output (`{ JourneyResponse: {...} }`) and the bare shape. */
function unwrap<T>(file: string, json: unknown, key: string): T {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new PinpointInputError(`${file}: expected a JSON object (${key})`);
  const inner = (json as Record<string, unknown>)[key];
  return (inner ?? json) as T;
}

/** The template, or undefined for a VOICE or INAPP template (reported: no sadakat channel). */
function templateOf(file: string, json: unknown, report: MigrationReport): PinpointTemplate | undefined {
  if (typeof json !== 'object' || json === null)
    throw new PinpointInputError(
      `${file}: expected a JSON object (EmailTemplateResponse, SMSTemplateResponse or PushNotificationTemplateResponse)`,
    );
  const record = json as Record<string, unknown>;
  const other = record.VoiceTemplateResponse
    ? 'VOICE'
    : record.InAppTemplateResponse
      ? 'INAPP'
      : record.TemplateType === 'VOICE' || record.TemplateType === 'INAPP'
        ? record.TemplateType
        : undefined;
  if (other !== undefined) {
    const inner = (record.VoiceTemplateResponse ?? record.InAppTemplateResponse ?? record) as { TemplateName?: string };
    report.add(
      'template',
      `${inner.TemplateName ?? file}`,
      `${other} template has no sadakat channel: not imported`,
      other === 'VOICE'
        ? 'send the message as SMS, or call your voice provider from your own service'
        : 'show it in your app from your own code, or send it as push',
    );
    return undefined;
  }
  if (record.EmailTemplateResponse)
    return { kind: 'email', template: record.EmailTemplateResponse as EmailTemplateResponse };
  if (record.SMSTemplateResponse) return { kind: 'sms', template: record.SMSTemplateResponse as SMSTemplateResponse };
  if (record.PushNotificationTemplateResponse)
    return { kind: 'push', template: record.PushNotificationTemplateResponse as PushNotificationTemplateResponse };
  switch (record.TemplateType) {
    case 'EMAIL':
      return { kind: 'email', template: json as EmailTemplateResponse };
    case 'SMS':
      return { kind: 'sms', template: json as SMSTemplateResponse };
    case 'PUSH':
      return { kind: 'push', template: json as PushNotificationTemplateResponse };
    default:
      throw new PinpointInputError(
        `${file}: TemplateType: expected EMAIL, SMS, PUSH, VOICE or INAPP, found ${JSON.stringify(record.TemplateType)}`,
      );
  }
}

type ExportKind = 'journey' | 'campaign' | 'segment' | 'template';

/** What an exported JSON document is, from its wrapper key or its own fields. */
function kindOf(json: unknown): ExportKind | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const keys = Object.keys(json);
  if (keys.some((key) => ['JourneyResponse', 'Activities', 'StartActivity', 'StartCondition'].includes(key)))
    return 'journey';
  if (
    keys.some((key) =>
      [
        'CampaignResponse',
        'AdditionalTreatments',
        'TreatmentName',
        'MessageConfiguration',
        'HoldoutPercent',
        'SegmentVersion',
      ].includes(key),
    )
  )
    return 'campaign';
  if (keys.some((key) => ['SegmentResponse', 'SegmentType', 'SegmentGroups', 'Dimensions'].includes(key)))
    return 'segment';
  if (keys.some((key) => key.endsWith('TemplateResponse') || key === 'TemplateType')) return 'template';
  return undefined;
}

/**
 * A file, or the *.json files of a folder, parsed. In a folder only documents of the expected
 * kind are taken, so one export folder can be given to --journeys, --campaigns, --segments and --templates.
 */
async function readJsonInputs(
  path: string | undefined,
  flag: string,
  kind: ExportKind,
): Promise<{ file: string; json: unknown }[]> {
  if (path === undefined) return [];
  let files: string[];
  let folder: boolean;
  try {
    folder = (await stat(path)).isDirectory();
    files = folder
      ? (await readdir(path))
          .filter((name) => name.endsWith('.json'))
          .sort()
          .map((name) => join(path, name))
      : [path];
  } catch (error) {
    throw new PinpointInputError(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const documents = await Promise.all(
    files.map(async (file) => {
      try {
        return { file, json: JSON.parse(await readFile(file, 'utf8')) as unknown };
      } catch (error) {
        throw new PinpointInputError(
          `${flag}: ${file} is not JSON (${error instanceof Error ? error.message : 'parse error'})`,
        );
      }
    }),
  );
  return folder ? documents.filter((document) => kindOf(document.json) === kind) : documents;
}

async function appendSegments(file: string, items: readonly Record<string, unknown>[]): Promise<void> {
  if (items.length === 0) return;
  const existing = await readFile(file, 'utf8').catch(() => '');
  const existingIds = new Set(((parseDocument(existing).toJS() ?? []) as { id?: string }[]).map((item) => item.id));
  const fresh = items.filter((item) => !existingIds.has(String(item.id)));
  if (fresh.length === 0) return;
  const block = `\n# Imported from Pinpoint by sadakat import pinpoint; see migration-report.md\n${stringify(fresh, { lineWidth: 0 })}`;
  await writeFile(file, existing.trimEnd() === '' ? block.trimStart() : `${existing.trimEnd()}\n${block}`);
}

async function mergeTrackedProperties(file: string, tracked: Record<string, string[]>): Promise<void> {
  const document = parseDocument(await readFile(file, 'utf8').catch(() => ''));
  const current = (document.toJS() ?? {}) as { trackedProperties?: Record<string, string[]> };
  const merged = { ...(current.trackedProperties ?? {}) };
  for (const [event, properties] of Object.entries(tracked))
    merged[event] = [...new Set([...(merged[event] ?? []), ...properties])];
  if (document.contents === null) await writeFile(file, stringify({ trackedProperties: merged }));
  else {
    document.set('trackedProperties', merged);
    await writeFile(file, document.toString());
  }
}
