/**
 * Validation of a whole campaign folder, shared by `sadakat validate` and the CDK app (which
 * refuses to synthesize a broken campaign). Each file kind is one validator; every problem is
 * located as `file:line:col: reason`.
 */
import { loadJourneys } from '../journeys/load.js';
import { loadSegments } from '../segments/compile.js';
import { loadSettings } from './load-settings.js';
import { loadTemplateErrors } from './template-syntax.js';
import { defaultSettings, type Settings } from './settings.js';
import type { LocatedError } from './yaml-source.js';

export interface ValidationContext {
  dir: string;
  /** The campaign settings, or the defaults when settings.yaml is invalid (its errors are reported once). */
  settings: Settings;
}

export interface ValidationResult {
  /** One line for the OK summary, e.g. "segments.yaml: 8 segments". */
  summary: string;
  errors: LocatedError[];
}

export interface CampaignValidator {
  name: string;
  validate(context: ValidationContext): Promise<ValidationResult>;
}

export const validators: CampaignValidator[] = [
  {
    name: 'segments',
    async validate({ dir, settings }) {
      const result = await loadSegments(dir, settings);
      if (!result.ok) return { summary: 'segments', errors: result.errors };
      const count = result.definitions.length;
      return { summary: `segments.yaml: ${count} segment${count === 1 ? '' : 's'}`, errors: [] };
    },
  },
  {
    name: 'journeys',
    async validate({ dir, settings }) {
      const segments = await loadSegments(dir, settings);
      const result = await loadJourneys(dir, settings, segments.ok ? new Set(segments.definitions.map((d) => d.id)) : undefined);
      if (!result.ok) return { summary: 'journeys', errors: result.errors };
      const count = result.journeys.length;
      return { summary: `journeys/: ${count} journey${count === 1 ? '' : 's'}`, errors: [] };
    },
  },
  {
    name: 'templates',
    async validate({ dir }) {
      const { templates, errors } = await loadTemplateErrors(dir);
      return { summary: `templates/: ${templates} template${templates === 1 ? '' : 's'}`, errors };
    },
  },
];

export async function validateCampaign(dir: string): Promise<{ summaries: string[]; errors: LocatedError[] }> {
  const loaded = await loadSettings(dir);
  const summaries = [loaded.ok ? `settings.yaml: ${loaded.found ? 'ok' : 'absent, defaults apply'}` : 'settings.yaml'];
  const errors = loaded.ok ? [] : [...loaded.errors];
  const context: ValidationContext = { dir, settings: loaded.ok ? loaded.settings : defaultSettings };
  for (const validator of validators) {
    const result = await validator.validate(context);
    summaries.push(result.summary);
    // Not push(...errors): a file with a hundred thousand problems would overflow the call stack.
    for (const error of result.errors) errors.push(error);
  }
  return { summaries, errors };
}
