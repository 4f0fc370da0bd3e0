/**
 * `sadakat console [--port 8788] [--data-dir D | --table T [--region R]] [--campaign DIR]`: the read-only web console on
 * loopback. The first line it prints is `sadakat console: http://127.0.0.1:<port>/?token=<token>`;
 * it runs until Ctrl-C (SIGINT) or SIGTERM.
 */
import type { Command } from 'commander';
import type { CampaignState } from '../../console/campaign-state.js';
import type { ConsoleSource } from '../../console/local-source.js';
import { DEFAULT_DATA_DIR } from '../../shared/local/data-dir.js';
import { type Clock, systemClock } from '../../shared/ports.js';
import { UserError } from '../errors.js';
import { campaignOption, portNumber } from '../options.js';

export const DEFAULT_CONSOLE_PORT = 8788;

export interface ConsoleCommandOptions {
  port: number;
  dataDir: string;
  campaign: string;
  table?: string;
  region?: string;
  /** With --table: the pipeline stack whose CampaignSha256 output the local campaign is compared with. */
  stack?: string;
  /** With --table: the artifacts bucket holding the nightly refresh's snapshot (ConsoleSnapshotBucket output). */
  bucket?: string;
  /** What "now" is for expiry and as-of times (tests on a demo folder pass the demo's clock); default the system's. */
  clock?: Clock;
}

export function registerConsole(program: Command): void {
  const command = program
    .command('console')
    .description(
      'a read-only web console on 127.0.0.1 over the local data folder (customers, segments, journeys, messages, experiments, problems)',
    )
    .option('--port <port>', 'loopback port (0 picks a free one)', portNumber, DEFAULT_CONSOLE_PORT)
    .option('--data-dir <dir>', 'local data folder', DEFAULT_DATA_DIR)
    .option(
      '--table <name>',
      'read a deployed table instead, with your AWS credentials (policy SadakatConsoleReadOnly: Query only, never a scan)',
    )
    .option('--region <region>', 'AWS region of --table (default: your AWS configuration)')
    .option(
      '--stack <name>',
      'with --table: the pipeline stack (Sadakat-<stage>-Pipeline); pages warn when --campaign differs from the campaign it deployed',
    )
    .option(
      '--bucket <name>',
      "with --table: the data stack's ConsoleSnapshotBucket; pages show the nightly refresh's counts (customers, segments, journey steps) and the report a person stored with sadakat report --table --bucket",
    );
  campaignOption(command);
  command.action(async (options: ConsoleCommandOptions) => {
    const running = await runConsole(
      options,
      (line) => process.stdout.write(line),
      (line) => process.stderr.write(line),
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await running.stop();
  });
}

async function tableSource(
  options: ConsoleCommandOptions & { table: string },
  campaign: CampaignState,
  clock: Clock,
): Promise<ConsoleSource> {
  const { table, region, stack, bucket } = options;
  const [
    { DeployedTableSource },
    { createDocumentClient },
    { stackCampaign },
    { s3ConsoleSnapshot, s3ReportSnapshot },
  ] = await Promise.all([
    import('../../console/table-source.js'),
    import('../../shared/aws/dynamo-client.js'),
    import('../../shared/aws/stack-campaign.js'),
    import('../../shared/aws/s3-console-snapshot.js'),
  ]);
  const source = new DeployedTableSource(
    createDocumentClient(region ? { region } : {}),
    table,
    region,
    campaign,
    clock,
    {
      ...(stack ? { deployedCampaign: stackCampaign(stack, region) } : {}),
      ...(bucket ? { nightly: s3ConsoleSnapshot(bucket, region), report: s3ReportSnapshot(bucket, region) } : {}),
    },
  );
  try {
    await source.check();
  } catch (error) {
    await source.close();
    throw new UserError(error instanceof Error ? error.message : String(error));
  }
  return source;
}

export interface ConsoleRun {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the console and prints its address as the first line; `stop` closes it and what it opened. */
export async function runConsole(
  options: ConsoleCommandOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<ConsoleRun> {
  const [{ startConsole }, { LocalFolderSource }, { CampaignState }] = await Promise.all([
    import('../../console/server.js'),
    import('../../console/local-source.js'),
    import('../../console/campaign-state.js'),
  ]);
  const clock = options.clock ?? systemClock;
  if (options.stack && !options.table) throw new UserError('--stack: only with --table (it names the deployed stack)');
  if (options.bucket && !options.table)
    throw new UserError('--bucket: only with --table (the local refresh keeps its counts in the data folder)');
  const campaign = await CampaignState.open(options.campaign, () => systemClock.now());
  const table = options.table;
  const source = table
    ? await tableSource({ ...options, table }, campaign, clock).catch((error: unknown) => {
        campaign.close();
        throw error;
      })
    : new LocalFolderSource(options.dataDir, clock);
  const running = await startConsole({ port: options.port, source, campaign, clock }).catch(async (error: unknown) => {
    campaign.close();
    await source.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new UserError(`--port ${options.port}: the port is in use; pass another, or --port 0 for a free one`);
    throw error;
  });
  out(`sadakat console: ${running.url}\n`);
  const status = await source.status();
  const problems = campaign.snapshot.errors.length;
  err(
    `sadakat console: data ${status.description}; campaign ${options.campaign}${problems > 0 ? ` (${problems} problems: see /problems)` : ''}\n`,
  );
  err('sadakat console: read-only; Ctrl-C stops it\n');
  return {
    url: running.url,
    port: running.port,
    stop: async () => {
      await running.close();
      campaign.close();
      await source.close();
    },
  };
}
