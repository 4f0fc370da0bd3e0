/**
 * `sadakat validate [dir]`: checks every campaign file and lists every problem as
 * `file:line:col: reason`. Each file kind is one validator; journeys and templates add theirs.
 */
import type { Command } from 'commander';
import { validateCampaign } from '../../shared/config/validate-campaign.js';
import { formatLocatedError } from '../../shared/config/yaml-source.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check the campaign folder: every problem as file:line:col: reason')
    .argument('[dir]', 'campaign folder', 'campaign')
    .action(async (dir: string) => {
      const { summaries, errors } = await validateCampaign(dir);
      if (errors.length > 0) {
        process.stderr.write(
          `${errors.map(formatLocatedError).join('\n')}\n${errors.length} problem${errors.length === 1 ? '' : 's'} in ${dir}\n`,
        );
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${dir}: OK\n${summaries.map((line) => `  ${line}`).join('\n')}\n`);
    });
}
