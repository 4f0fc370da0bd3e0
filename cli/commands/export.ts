/**
 * `sadakat export --stream events|decisions|engagement [--since D] [--until D] --out DIR
 * [--format parquet|jsonl]` (issue 23): the local archive's rows for analysts, in the data
 * bucket's layout; any Parquet reader opens the files (README "Your data, out").
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ARCHIVE_STREAMS, type ArchiveStream } from '../../shared/archive/columns.js';
import { exportArchive, type ExportFormat } from '../../shared/local/archive-export.js';
import { ArchiveFileError } from '../../shared/local/archive-files.js';
import { DEFAULT_DATA_DIR } from '../../shared/local/data-dir.js';
import { UserError } from '../errors.js';
import { outputFormat } from '../options.js';

/** `--since` / `--until`: a calendar day, YYYY-MM-DD (UTC: the archive's partition days). */
export function archiveDay(value: string): string {
  const day = value.trim();
  const time = new Date(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(time.getTime()) || time.toISOString().slice(0, 10) !== day)
    throw new InvalidArgumentError('expected a day as YYYY-MM-DD (UTC)');
  return day;
}

export function archiveStreamOption(command: Command): Command {
  return command.addOption(
    new Option('--stream <stream>', ARCHIVE_STREAMS.join(' | '))
      .argParser(outputFormat<ArchiveStream>(...ARCHIVE_STREAMS))
      .makeOptionMandatory(),
  );
}

interface ExportCliOptions {
  stream: ArchiveStream;
  since?: string;
  until?: string;
  out: string;
  format: ExportFormat;
  dataDir: string;
}

export function registerExport(program: Command): void {
  const command = program
    .command('export')
    .description(
      "write one stream of the local archive (<data-dir>/archive) as Parquet or JSON lines, in the data bucket's layout",
    );
  archiveStreamOption(command)
    .option('--since <day>', 'first partition day, YYYY-MM-DD (UTC)', archiveDay)
    .option('--until <day>', 'last partition day, YYYY-MM-DD (UTC)', archiveDay)
    .requiredOption('--out <dir>', 'folder to write <stream>/dt=YYYY-MM-DD/part-00000.<ext> into')
    .addOption(
      new Option('--format <format>', 'parquet | jsonl')
        .argParser(outputFormat<ExportFormat>('parquet', 'jsonl'))
        .default('parquet'),
    )
    .option('--data-dir <dir>', 'local data folder', DEFAULT_DATA_DIR)
    .action(async (options: ExportCliOptions) => {
      if (options.since && options.until && options.since > options.until)
        throw new UserError(`--since ${options.since} is after --until ${options.until}`);
      try {
        const summary = await exportArchive(options);
        process.stdout.write(
          `${summary.rows} ${options.stream} rows in ${summary.files.length} ${options.format} files under ${options.out}\n`,
        );
        if (summary.rows === 0)
          process.stderr.write(
            `sadakat: no ${options.stream} rows in ${options.dataDir}/archive for those days (run \`sadakat demo\` or \`sadakat serve\` first)\n`,
          );
      } catch (error) {
        if (error instanceof ArchiveFileError) throw new UserError(error.message);
        throw error;
      }
    });
}
