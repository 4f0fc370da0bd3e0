/**
 * Reads campaign/settings.yaml and validates it against settingsSchema, reporting every problem
 * at its file:line:column. A campaign without settings.yaml runs on the defaults.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultSettings, settingsSchema, type Settings } from './settings.js';
import { YamlSource, type LocatedError } from './yaml-source.js';

export type SettingsResult =
  | { ok: true; settings: Settings; file: string; found: boolean }
  /**
   * `salvaged`: every setting that is valid on its own, defaults for the rest — what the other files
   * are checked against; `unknown`: the settings whose value could not be read (all of them when the
   * YAML does not parse), so a check that depends on one reports nothing rather than a knock-on error.
   */
  | { ok: false; errors: LocatedError[]; file: string; salvaged: Settings; unknown: ReadonlySet<string> };

export function settingsFile(campaignDir: string): string {
  return join(campaignDir, 'settings.yaml');
}

export async function loadSettings(campaignDir: string): Promise<SettingsResult> {
  const file = settingsFile(campaignDir);
  const text = await readOptional(file);
  if (text === undefined) return { ok: true, settings: defaultSettings, file, found: false };
  return parseSettings(file, text);
}

/** Validates settings text; `file` names it in errors. */
export function parseSettings(file: string, text: string): SettingsResult {
  const source = YamlSource.parse(file, text);
  const syntax = source.syntaxErrors();
  if (syntax.length > 0)
    return {
      ok: false,
      errors: syntax,
      file,
      salvaged: defaultSettings,
      unknown: new Set(Object.keys(settingsSchema.shape)),
    };
  // An empty file is valid YAML (null): treat it as "no overrides".
  const raw = source.toJS() ?? {};
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: source.zodErrors(parsed.error.issues), file, ...salvage(raw) };
  return { ok: true, settings: parsed.data, file, found: true };
}

/** Each top-level setting parsed on its own: a broken quietHours must not hide the trackedProperties segments rely on. */
function salvage(raw: unknown): { salvaged: Settings; unknown: ReadonlySet<string> } {
  const keys = Object.keys(settingsSchema.shape);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { salvaged: defaultSettings, unknown: new Set(keys) };
  const fields = raw as Record<string, unknown>;
  const settings: Record<string, unknown> = { ...defaultSettings };
  const unknown = new Set<string>();
  for (const [key, schema] of Object.entries(settingsSchema.shape)) {
    const parsed = schema.safeParse(fields[key]);
    if (!parsed.success) unknown.add(key);
    else if (parsed.data !== undefined) settings[key] = parsed.data;
  }
  return { salvaged: settings as Settings, unknown };
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
