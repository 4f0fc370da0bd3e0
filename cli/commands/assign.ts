/**
 * `sadakat assign --experiment <key> [--seed S] [--weights 50,50] [--coverage 1] --ids ids.txt`:
 * prints `id,variantIndex` per id (-1 when coverage leaves it out) — the same answer journeys and
 * any GrowthBook SDK give, so marketing can check a split before it runs.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { variantAssigner } from '../../shared/experiments/assign.js';
import { readOptionFile } from '../options.js';

export function registerAssign(program: Command): void {
  program
    .command('assign')
    .description('print id,variantIndex for each id (one per line in --ids), as journeys assign them')
    .requiredOption('--experiment <key>', 'experiment key (the default seed)')
    .option('--seed <seed>', 'hash seed (default: the experiment key)')
    .option('--weights <list>', 'relative variant weights, comma-separated', weightList, [50, 50])
    .option('--coverage <share>', 'share of ids in the experiment, 0…1', share, 1)
    .requiredOption('--ids <file>', 'text file with one customer id per line')
    .action(
      async (options: { experiment: string; seed?: string; weights: number[]; coverage: number; ids: string }) => {
        const ids = await readIds(options.ids);
        const assign = variantAssigner({
          key: options.experiment,
          weights: options.weights,
          coverage: options.coverage,
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
        });
        const assigned = ids.map((id) => ({ id, variant: assign(id) }));
        process.stdout.write(assigned.map(({ id, variant }) => `${id},${variant}\n`).join(''));
        const outside = assigned.filter(({ variant }) => variant === -1).length;
        if (outside > 0)
          process.stderr.write(
            `sadakat: -1 means outside the experiment: ${outside} id(s) fall beyond --coverage ${options.coverage} and are in no variant (journeys walk them down the first variant's path, unreported)\n`,
          );
      },
    );
}

async function readIds(file: string): Promise<string[]> {
  return (await readOptionFile('--ids', file))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

function weightList(value: string): number[] {
  const weights = value.split(',').map((part) => Number(part.trim()));
  if (
    weights.length === 0 ||
    weights.some((weight) => !Number.isFinite(weight) || weight < 0) ||
    weights.every((weight) => weight === 0)
  ) {
    throw new InvalidArgumentError('expected numbers ≥ 0 separated by commas, at least one above 0 (e.g. 50,50)');
  }
  return weights;
}

function share(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1)
    throw new InvalidArgumentError('expected a number between 0 and 1');
  return parsed;
}
