/**
 * `sadakat validate [dir]`: checks every campaign file and lists every problem as
 * `file:line:col: reason`. Each file kind is one validator; journeys and templates add theirs.
 */
import type { Command } from 'commander';
import { loadSettings } from '../../shared/config/load-settings.js';
import { defaultSettings, type Settings } from '../../shared/config/settings.js';
import { formatLocatedError, type LocatedError } from '../../shared/config/yaml-source.js';
import { loadJourneys } from '../../shared/journeys/load.js';
import { loadSegments } from '../../shared/segments/compile.js';

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
];

export async function validateCampaign(dir: string): Promise<{ summaries: string[]; errors: LocatedError[] }> {
  const loaded = await loadSettings(dir);
  const summaries = [loaded.ok ? `settings.yaml: ${loaded.found ? 'ok' : 'absent, defaults apply'}` : 'settings.yaml'];
  const errors = loaded.ok ? [] : [...loaded.errors];
  const context: ValidationContext = { dir, settings: loaded.ok ? loaded.settings : defaultSettings };
  for (const validator of validators) {
    const result = await validator.validate(context);
    summaries.push(result.summary);
    errors.push(...result.errors);
  }
  return { summaries, errors };
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check the campaign folder: every problem as file:line:col: reason')
    .argument('[dir]', 'campaign folder', 'campaign')
    .action(async (dir: string) => {
      const { summaries, errors } = await validateCampaign(dir);
      if (errors.length > 0) {
        process.stderr.write(`${errors.map(formatLocatedError).join('\n')}\n${errors.length} problem${errors.length === 1 ? '' : 's'} in ${dir}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${dir}: OK\n${summaries.map((line) => `  ${line}`).join('\n')}\n`);
    });
}
