/**
 * campaign/journeys/*.yaml → checked journeys, or every problem located as file:line:col.
 * Reads the template folders once so each send step can be checked against the files its
 * channels need.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Settings } from '../config/settings.js';
import { YamlSource, type LocatedError } from '../config/yaml-source.js';
import { RESERVED_JOURNEY_PREFIX, type Journey } from './ast.js';
import { checkExperimentKeys, checkJourney, unknownEventNames } from './check.js';
import { parseJourney } from './parse.js';

/** Warnings (e.g. an unknown event name) never fail validation; they are printed beside the errors. */
export type JourneysResult =
  | { ok: true; journeys: Journey[]; warnings: LocatedError[] }
  | { ok: false; errors: LocatedError[]; warnings: LocatedError[] };

export async function loadJourneys(
  campaignDir: string,
  settings: Settings,
  segmentIds: ReadonlySet<string> | undefined,
): Promise<JourneysResult> {
  const dir = join(campaignDir, 'journeys');
  const names = (await listDir(dir)).filter((name) => name.endsWith('.yaml') || name.endsWith('.yml')).sort();
  const templates = await readTemplateFolders(join(campaignDir, 'templates'));
  const files = await Promise.all(
    names.map(async (name) => ({ file: join(dir, name), text: await readFile(join(dir, name), 'utf8') })),
  );
  return checkJourneySources(files, {
    segmentIds,
    trackedProperties: settings.trackedProperties,
    webhookEndpoints: new Set(Object.keys(settings.webhooks)),
    tiers: settings.tiers.map((tier) => tier.id),
    templateFiles: (id) => templates.get(id),
  });
}

/** The pure part of loading, for tests: sources in, journeys or located errors out. */
export function checkJourneySources(
  files: readonly { file: string; text: string }[],
  context: Parameters<typeof checkJourney>[1],
): JourneysResult {
  const errors: LocatedError[] = [];
  const warnings: LocatedError[] = [];
  const parsed: { journey: Journey; file: string; source: YamlSource }[] = [];
  const ids = new Map<string, string>();
  for (const { file, text } of files) {
    const source = YamlSource.parse(file, text);
    const syntax = source.syntaxErrors();
    if (syntax.length > 0) {
      errors.push(...syntax);
      continue;
    }
    const { journey, issues } = parseJourney(source.toJS());
    const semantic = journey ? checkJourney(journey, context) : [];
    errors.push(...[...issues, ...semantic].map((issue) => source.error(issue.path, issue.reason)));
    if (!journey) continue;
    if (context.knownEvents)
      for (const issue of unknownEventNames(journey, context.knownEvents))
        warnings.push(source.error(issue.path, issue.reason));
    const stem = basename(file).replace(/\.ya?ml$/, '');
    if (stem !== journey.id)
      errors.push(
        source.error(['id'], `journey id "${journey.id}" differs from its file name; name the file ${journey.id}.yaml`),
      );
    // The ledger and the report know sadakat's own sends by these ids (CONFIRM_JOURNEY_ID, the double opt-in).
    if (journey.id.startsWith(RESERVED_JOURNEY_PREFIX))
      errors.push(
        source.error(
          ['id'],
          `journey ids starting with "${RESERVED_JOURNEY_PREFIX}" are reserved for sadakat's own sends`,
        ),
      );
    const first = ids.get(journey.id);
    if (first !== undefined) errors.push(source.error(['id'], `journey id "${journey.id}" is also used by ${first}`));
    else ids.set(journey.id, file);
    parsed.push({ journey, file, source });
  }
  for (const { file, issue } of checkExperimentKeys(parsed)) {
    const source = parsed.find((entry) => entry.file === file)?.source;
    if (source) errors.push(source.error(issue.path, issue.reason));
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
    return { ok: false, errors, warnings };
  }
  return { ok: true, journeys: parsed.map((entry) => entry.journey), warnings };
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function readTemplateFolders(dir: string): Promise<Map<string, Set<string>>> {
  const folders = new Map<string, Set<string>>();
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) folders.set(entry.name, new Set(await listDir(join(dir, entry.name))));
  }
  return folders;
}
