/**
 * The CLI's option vocabulary: one spelling per idea for every command (`--campaign DIR`,
 * `--data-dir DIR`, `--engine`, `--format`), and parsers that reject bad values with the option's
 * name. Older spellings (`--dir`, `--campaign-dir`, `--out` for a campaign folder, a positional
 * folder) stay for one release as hidden aliases that print a note on stderr.
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_DATA_DIR, recordedEngine, type EngineChoice } from '../shared/local/data-dir.js';
import { UserError } from './errors.js';

export const DEFAULT_CAMPAIGN_DIR = 'campaign';

/**
 * Every local command starts the same engine unless asked: dynalite (pure JS, starts in a second,
 * 4× faster than DynamoDB Local on the demo's writes, docs/decisions.md). An existing data folder
 * is reopened with the engine that wrote it.
 */
export const DEFAULT_ENGINE: EngineChoice = 'dynalite';

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
}

export function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return parsed;
}

/** A TCP port, 0 … 65535 (0: the system picks a free one). */
export function portNumber(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(parsed) || parsed > 65535)
    throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free one)');
  return parsed;
}

export function engineChoice(value: string): EngineChoice {
  if (value === 'dynamodb-local' || value === 'dynalite' || value === 'auto') return value;
  throw new InvalidArgumentError('expected dynamodb-local, dynalite or auto');
}

export function outputFormat<T extends string>(...allowed: T[]): (value: string) => T {
  return (value) => {
    if ((allowed as string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
  };
}

/** `--format table|json[|csv…]`, the first format the default. */
export function formatOption<T extends string>(command: Command, ...formats: [T, ...T[]]): Command {
  return command.addOption(
    new Option('--format <format>', formats.join(' | ')).argParser(outputFormat(...formats)).default(formats[0]),
  );
}

/** `--campaign DIR` (hidden aliases: `--campaign-dir`, `--dir`, and `--out` where given). */
export function campaignOption(
  command: Command,
  description = 'campaign folder',
  aliases: readonly string[] = ['--campaign-dir', '--dir'],
): Command {
  command.option('--campaign <dir>', description, DEFAULT_CAMPAIGN_DIR);
  return withAliases(command, 'campaign', aliases);
}

/**
 * `--data-dir DIR` and `--engine`, the local data folder every local command shares. Without
 * `--engine`, a folder is reopened with the engine that wrote it, a new one gets dynalite.
 */
export function localDataOptions(command: Command, description = 'local data folder', { reopen = true } = {}): Command {
  command
    .option('--data-dir <dir>', description, DEFAULT_DATA_DIR)
    .addOption(
      new Option(
        '--engine <engine>',
        'embedded engine: dynalite | dynamodb-local | auto (auto: dynalite; DynamoDB Local cannot be bound to loopback, so only by name, with a warning); default: the engine that wrote the folder, else dynalite',
      )
        .argParser(engineChoice)
        .default(DEFAULT_ENGINE),
    );
  if (!reopen) return command;
  return command.hook('preAction', (_program, action) => {
    if (action.getOptionValueSource('engine') !== 'default') return;
    const recorded = recordedEngine(action.getOptionValue('dataDir') as string);
    if (recorded) action.setOptionValueWithSource('engine', recorded, 'default');
  });
}

/**
 * The one option block of the commands that work on the local data folder with a campaign
 * (`demo`, `serve`, `import orders`, `refresh`, `report`, `segment size`): `--data-dir`,
 * `--engine` and `--campaign`, the same names, defaults and aliases everywhere.
 */
export function localCampaignOptions(command: Command, data: { description?: string; reopen?: boolean } = {}): Command {
  localDataOptions(command, data.description, { reopen: data.reopen ?? true });
  return campaignOption(command);
}

/** The text of the file an option names; one that cannot be read is an error naming the option and why. */
export async function readOptionFile(flag: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * Old spellings of an option: hidden from `--help`, copied into the option before the action runs,
 * with a note on stderr. Giving an alias and the option with different values is an error.
 */
function withAliases(command: Command, target: string, aliases: readonly string[]): Command {
  const keys = aliases.map((flag) => {
    command.addOption(new Option(`${flag} <dir>`).hideHelp());
    return { flag, key: camel(flag) };
  });
  return command.hook('preAction', (_program, action) => {
    const options = action.opts<Record<string, unknown>>();
    for (const { flag, key } of keys) {
      const value = options[key];
      if (value === undefined) continue;
      const current = action.getOptionValueSource(target) === 'cli' ? options[target] : undefined;
      if (current !== undefined && current !== value)
        throw new UserError(
          `${flag} ${String(value)} and --${kebab(target)} ${String(current)} disagree: give only --${kebab(target)}`,
        );
      process.stderr.write(
        `sadakat: ${flag} is deprecated, use --${kebab(target)} (the old spelling goes in the next release)\n`,
      );
      action.setOptionValueWithSource(target, value, 'cli');
    }
  });
}

/**
 * A positional folder kept from before `--campaign`: accepted without showing it in `--help`.
 * Call on a command registered with `.allowExcessArguments()`.
 */
export function positionalCampaign(action: Command): void {
  const [dir, ...rest] = action.args;
  if (rest.length > 0) throw new UserError(`unexpected arguments: ${rest.join(' ')}`);
  if (dir === undefined) return;
  const given = action.getOptionValueSource('campaign') === 'cli' ? action.getOptionValue('campaign') : undefined;
  if (given !== undefined && given !== dir)
    throw new UserError(`folder ${dir} and --campaign ${String(given)} disagree: give only --campaign`);
  process.stderr.write(`sadakat: a positional campaign folder is deprecated, use --campaign ${dir}\n`);
  action.setOptionValueWithSource('campaign', dir, 'cli');
}

function camel(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
