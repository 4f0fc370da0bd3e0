/**
 * `sadakat validate [--campaign DIR] [--format table|json]`: checks every campaign file and lists
 * every problem as `file:line:col: reason`, warnings (e.g. an unknown event name) beside them.
 * Exit 1 when there is an error (a missing folder is one); warnings alone exit 0.
 */
import type { Command } from 'commander';
import { validateCampaign } from '../../shared/config/validate-campaign.js';
import { formatLocatedError, type LocatedError } from '../../shared/config/located-error.js';
import { EXIT } from '../exit-codes.js';
import { campaignOption, formatOption, positionalCampaign } from '../options.js';

export function registerValidate(program: Command): void {
  const command = program
    .command('validate')
    .description('check the campaign folder: every problem as file:line:col: reason')
    .allowExcessArguments();
  campaignOption(command);
  formatOption(command, 'table', 'json');
  command.action(async (options: { campaign: string; format: 'table' | 'json' }, action: Command) => {
    positionalCampaign(action);
    const dir = action.opts<{ campaign: string }>().campaign;
    const { summaries, errors, warnings } = await validateCampaign(dir);
    if (errors.length > 0) process.exitCode = EXIT.invalidInput;
    if (options.format === 'json') {
      const located = (list: LocatedError[]) =>
        list.map(({ file, line, column, reason }) => ({ file, line, column, reason }));
      process.stdout.write(
        `${JSON.stringify({ campaign: dir, ok: errors.length === 0, summaries, errors: located(errors), warnings: located(warnings) }, null, 2)}\n`,
      );
      return;
    }
    const warningLines = warnings.map((warning) => `warning: ${formatLocatedError(warning)}\n`).join('');
    if (errors.length > 0) {
      process.stderr.write(
        `${errors.map(formatLocatedError).join('\n')}\n${warningLines}${plural(errors.length, 'problem')}${warnings.length > 0 ? ` and ${plural(warnings.length, 'warning')}` : ''} in ${dir}\n`,
      );
      return;
    }
    process.stderr.write(warningLines);
    process.stdout.write(
      `${dir}: OK${warnings.length > 0 ? ` with ${plural(warnings.length, 'warning')}` : ''}\n${summaries.map((line) => `  ${line}`).join('\n')}\n`,
    );
  });
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
