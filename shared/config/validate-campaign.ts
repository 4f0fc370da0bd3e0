/**
 * Validation of a whole campaign folder, shared by `sadakat validate` and the CDK app (which
 * refuses to synthesize a broken campaign). The folder is read once into sources, then each file
 * kind is checked; every problem is located as `file:line:col: reason`.
 *
 * A broken file does not drag its neighbours down: a settings.yaml with errors lends the other
 * files every setting that is valid on its own, and a broken segments.yaml skips only the
 * journeys' segment-name checks.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTemplateSources, type TemplateSources } from '../channels/render.js';
import { ECOMMERCE_EVENTS, SERVER_ONLY_EVENTS } from '../events/event.js';
import { checkJourneySources } from '../journeys/load.js';
import { compileSegmentsSource, segmentsFile } from '../segments/load-segments.js';
import { parseSettings, settingsFile } from './load-settings.js';
import { defaultSettings } from './settings.js';
import { checkTemplateVariables } from './template-checks.js';
import { checkTemplateSources } from './template-syntax.js';
import type { LocatedError } from './located-error.js';

/** A campaign folder's files as text (absent ones undefined), each named by its path. */
export interface CampaignSources {
  dir: string;
  settings?: { file: string; text: string };
  segments?: { file: string; text: string };
  journeys: { file: string; text: string }[];
  /** Keyed `<templateId>/<file>`, under `join(dir, 'templates')`. */
  templates: TemplateSources;
}

export interface CampaignValidation {
  /** One line per file kind for the OK summary, e.g. "segments.yaml: 8 segments". */
  summaries: string[];
  errors: LocatedError[];
  /** What may be intended but looks like a mistake (an unknown event name, a variable without a default). */
  warnings: LocatedError[];
}

export async function readCampaignSources(dir: string): Promise<CampaignSources> {
  const journeysDir = join(dir, 'journeys');
  const journeyNames = (await readdir(journeysDir).catch(ifMissing<string[]>([])))
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort();
  const settings = await readOptional(settingsFile(dir));
  const segments = await readOptional(segmentsFile(dir));
  return {
    dir,
    ...(settings !== undefined ? { settings } : {}),
    ...(segments !== undefined ? { segments } : {}),
    journeys: await Promise.all(
      journeyNames.map(async (name) => ({
        file: join(journeysDir, name),
        text: await readFile(join(journeysDir, name), 'utf8'),
      })),
    ),
    templates: await loadTemplateSources(join(dir, 'templates')),
  };
}

/** The pure part: sources in, summaries and located errors out. */
export function validateCampaignSources(sources: CampaignSources): CampaignValidation {
  const summaries: string[] = [];
  const errors: LocatedError[] = [];
  const warnings: LocatedError[] = [];
  // Not push(...list): a file with a hundred thousand problems would overflow the call stack.
  const report = (list: readonly LocatedError[]) => {
    for (const error of list) errors.push(error);
  };

  const settingsResult = sources.settings ? parseSettings(sources.settings.file, sources.settings.text) : undefined;
  const settings =
    settingsResult === undefined
      ? defaultSettings
      : settingsResult.ok
        ? settingsResult.settings
        : settingsResult.salvaged;
  summaries.push(
    settingsResult === undefined
      ? 'settings.yaml: absent, defaults apply'
      : settingsResult.ok
        ? 'settings.yaml: ok'
        : 'settings.yaml',
  );
  if (settingsResult && !settingsResult.ok) report(settingsResult.errors);

  const segments = compileSegmentsSource(
    sources.segments?.file ?? segmentsFile(sources.dir),
    sources.segments?.text ?? '[]',
    settings,
  );
  if (segments.ok) summaries.push(`segments.yaml: ${plural(segments.definitions.length, 'segment')}`);
  else {
    summaries.push('segments');
    report(segments.errors);
  }

  const templateFiles = templateFilesOf(sources.templates);
  const templatesDir = join(sources.dir, 'templates');
  const templateChecks = checkTemplateVariables(templatesDir, sources.templates);
  const knownEvents = new Set<string>([
    ...Object.values(ECOMMERCE_EVENTS),
    // The server-only events sadakat interprets (survey answers, complaints, call outcomes).
    ...SERVER_ONLY_EVENTS,
    ...Object.keys(settings.trackedProperties),
    ...(segments.ok ? eventNamesIn(segments.definitions) : []),
  ]);
  const journeys = checkJourneySources(sources.journeys, {
    // With the generated tier segments (tier:<id>), which journeys trigger on as `tier:`.
    segmentIds: segments.ok ? new Set(segments.compiled.byId.keys()) : undefined,
    trackedProperties: settings.trackedProperties,
    webhookEndpoints: new Set(Object.keys(settings.webhooks)),
    // Tiers that could not be read: a tier trigger is then no error of its own (settings.yaml's says why).
    tiers:
      settingsResult?.ok === false && settingsResult.unknown.has('tiers')
        ? undefined
        : settings.tiers.map((tier) => tier.id),
    templateFiles: (id) => templateFiles.get(id),
    templateVars: (id) => templateChecks.requiredVars.get(id),
    knownEvents,
  });
  for (const warning of journeys.warnings) warnings.push(warning);
  if (journeys.ok) summaries.push(`journeys/: ${plural(journeys.journeys.length, 'journey')}`);
  else {
    summaries.push('journeys');
    report(journeys.errors);
  }

  const templateErrors = checkTemplateSources(templatesDir, sources.templates);
  summaries.push(`templates/: ${plural(templateFiles.size, 'template')}`);
  report(templateErrors);
  report(templateChecks.errors);
  for (const warning of templateChecks.warnings) warnings.push(warning);
  return { summaries, errors, warnings };
}

/** A folder that does not exist, or holds none of a campaign's files, is an error (a mistyped path in CI). */
export async function validateCampaign(dir: string): Promise<CampaignValidation> {
  const missing = await notACampaignFolder(dir);
  if (missing) return { summaries: [], errors: [{ file: dir, line: 1, column: 1, reason: missing }], warnings: [] };
  return validateCampaignSources(await readCampaignSources(dir));
}

async function notACampaignFolder(dir: string): Promise<string | undefined> {
  const info = await stat(dir).catch(ifMissing(undefined));
  if (!info) return 'no such campaign folder';
  if (!info.isDirectory())
    return 'not a folder: a campaign is a folder with settings.yaml, segments.yaml, journeys/ and templates/';
  const names = await readdir(dir);
  const parts = ['settings.yaml', 'segments.yaml', 'journeys', 'templates'];
  if (!parts.some((part) => names.includes(part))) return `not a campaign folder: none of ${parts.join(', ')} in it`;
  return undefined;
}

/** Event names the segments test (`event:` predicates anywhere in a rule). */
function eventNamesIn(definitions: readonly unknown[]): string[] {
  const names: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (record.kind === 'event' && typeof record.event === 'string') names.push(record.event);
      for (const value of Object.values(record)) walk(value);
    }
  };
  walk(definitions);
  return names;
}

/** Template id → the files its folder holds, what journey send steps are checked against. */
export function templateFilesOf(templates: TemplateSources): Map<string, Set<string>> {
  const folders = new Map<string, Set<string>>();
  for (const name of Object.keys(templates)) {
    const [id = '', file = ''] = name.split('/');
    folders.set(id, (folders.get(id) ?? new Set()).add(file));
  }
  return folders;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function readOptional(file: string): Promise<{ file: string; text: string } | undefined> {
  return readFile(file, 'utf8').then((text) => ({ file, text }), ifMissing(undefined));
}

/** A rejection handler: a missing file or folder is `fallback`, any other error stays an error. */
function ifMissing<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  };
}
