/**
 * `sadakat replay --stream events [--since D] [--until D] --into DIR` (issue 23): the local
 * archive's events re-posted through ingest into a fresh data folder, profiles rebuilt from
 * history under each customer's pseudonym, journeys off. The proof that the archive is complete.
 */
import type { Command } from 'commander';
import { loadCampaign } from '../../shared/config/campaign.js';
import type { ArchiveStream } from '../../shared/archive/columns.js';
import { ArchiveFileError } from '../../shared/local/archive-files.js';
import type { EngineChoice } from '../../shared/local/data-dir.js';
import { replayArchive, ReplayTargetError } from '../../shared/local/archive-replay.js';
import { UserError } from '../errors.js';
import { formatOption, localCampaignOptions } from '../options.js';
import { archiveDay, archiveStreamOption } from './export.js';

interface ReplayCliOptions {
  stream: ArchiveStream;
  since?: string;
  until?: string;
  into: string;
  dataDir: string;
  engine: EngineChoice;
  campaign: string;
  format: 'table' | 'json';
}

export function registerReplay(program: Command): void {
  const command = program
    .command('replay')
    .description(
      're-post the archived events of the data folder through ingest into a fresh folder (profiles rebuilt, nothing sent)',
    );
  archiveStreamOption(command);
  localCampaignOptions(command, { description: 'local data folder whose archive is replayed', reopen: false });
  formatOption(command, 'table', 'json');
  command
    .option('--since <day>', 'first partition day, YYYY-MM-DD (UTC)', archiveDay)
    .option('--until <day>', 'last partition day, YYYY-MM-DD (UTC)', archiveDay)
    .requiredOption('--into <dir>', 'a new data folder to replay into')
    .action(async (options: ReplayCliOptions) => {
      if (options.stream !== 'events')
        throw new UserError(
          `--stream ${options.stream}: only events are replayed (decisions and engagement are what events caused)`,
        );
      if (options.since && options.until && options.since > options.until)
        throw new UserError(`--since ${options.since} is after --until ${options.until}`);
      try {
        const summary = await replayArchive({
          from: options.dataDir,
          into: options.into,
          campaign: await loadCampaign(options.campaign),
          engine: options.engine,
          ...(options.since ? { since: options.since } : {}),
          ...(options.until ? { until: options.until } : {}),
        });
        if (options.format === 'json') process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else {
          const rejected = Object.entries(summary.rejected).map(([why, n]) => `${n} ${why}`);
          process.stdout.write(
            `${summary.rows} archived events: ${summary.accepted} replayed into ${options.into}, ${summary.skipped} without a pseudonym skipped` +
              `${rejected.length > 0 ? `, rejected: ${rejected.join('; ')}` : ''}\n`,
          );
        }
      } catch (error) {
        if (error instanceof ArchiveFileError || error instanceof ReplayTargetError) throw new UserError(error.message);
        throw error;
      }
    });
}
