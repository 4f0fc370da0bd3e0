/**
 * `sadakat import pinpoint`: converts an Amazon Pinpoint export (journeys, campaigns, segments, templates)
 * into a campaign folder with migration-report.md, and endpoints into profiles: counted on a dry
 * run, written with --load to the local data folder or, with --table, to the deployed table.
 */
import type { Command } from 'commander';
import type { EngineChoice } from '../../shared/local/data-dir.js';
import { convertExport, PinpointInputError } from '../../shared/migration/pinpoint/convert-export.js';
import { endpointsToProfiles, parseEndpoints } from '../../shared/migration/pinpoint/endpoints-to-profiles.js';
import { systemClock, type AudienceIndex, type ProfileStore } from '../../shared/ports.js';
import { UserError } from '../errors.js';
import { openLocalData } from '../local-data.js';
import { campaignOption, localDataOptions, positiveInteger, readOptionFile } from '../options.js';
import { progressBar } from '../progress.js';

interface PinpointOptions {
  journeys?: string;
  campaigns?: string;
  segments?: string;
  templates?: string;
  endpoints?: string;
  campaign: string;
  load?: boolean;
  table?: string;
  region?: string;
  concurrency: number;
  dataDir: string;
  engine: EngineChoice;
}

export function registerImportPinpoint(importCommand: Command): void {
  const command = importCommand.command('pinpoint');
  campaignOption(command, 'campaign folder to write', ['--out']);
  localDataOptions(command, 'local data folder for --load');
  command
    .description(
      'convert an Amazon Pinpoint export (journeys, campaigns, segments, templates) into a campaign folder, and endpoints into profiles',
    )
    .option('--journeys <path>', 'GetJourney JSON file, or a folder of them')
    .option('--campaigns <path>', 'GetCampaign JSON file, or a folder of them (each becomes a journey)')
    .option('--segments <path>', 'GetSegment JSON file, or a folder of them')
    .option('--templates <path>', 'GetEmailTemplate / GetSmsTemplate / GetPushTemplate JSON file, or a folder of them')
    .option('--endpoints <file>', 'endpoint export job output (newline-delimited JSON)')
    .option('--load', 'write the endpoints as profiles (default: count them only)')
    .option(
      '--table <name>',
      'with --load: the deployed DynamoDB table (AWS credentials from the environment) instead of the data folder',
    )
    .option('--region <region>', 'AWS region of --table (default: from the environment)')
    .option('--concurrency <n>', 'profiles written at the same time', positiveInteger, 16)
    .action(async (options: PinpointOptions) => {
      if (!options.journeys && !options.campaigns && !options.segments && !options.templates && !options.endpoints)
        throw new UserError(
          'import pinpoint: give at least one of --journeys, --campaigns, --segments, --templates, --endpoints',
        );
      if ((options.load || options.table) && !options.endpoints)
        throw new UserError('--load and --table write endpoints as profiles: give --endpoints too');
      if (options.journeys || options.campaigns || options.segments || options.templates) {
        const summary = await convertExport({ ...options, out: options.campaign }).catch((error: unknown) => {
          throw error instanceof PinpointInputError ? new UserError(error.message) : error;
        });
        process.stdout.write(
          `wrote ${summary.journeys.length} journeys, ${summary.campaigns.length} campaigns (as journeys), ${summary.segments.length} segments, ${summary.templates.length} templates to ${options.campaign}\n` +
            `${summary.report.findings.length} item(s) need a look: ${options.campaign}/migration-report.md\n` +
            `next: sadakat validate ${options.campaign}\n`,
        );
      }
      if (options.endpoints) await importEndpoints(options.endpoints, options);
    });
}

async function importEndpoints(file: string, options: PinpointOptions): Promise<void> {
  const text = await readOptionFile('--endpoints', file);
  const { endpoints, rejected } = parseEndpoints(text);
  const { profiles, counts, dropped } = endpointsToProfiles(endpoints, systemClock.now().toISOString());
  for (const line of rejected) process.stderr.write(`${file}:${line.line}: skipped: ${line.reason}\n`);
  const channels = Object.entries(counts.byChannel)
    .map(([channel, count]) => `${channel} ${count}`)
    .join(', ');
  process.stdout.write(
    `${counts.endpoints} endpoints (${channels}) → ${counts.profiles} profiles; ${counts.optedOut} opted out, ${counts.inactive} inactive, ${rejected.length} lines skipped\n`,
  );
  if (dropped.length > 0) {
    const reasons = new Map<string, number>();
    for (const { reason, channelType } of dropped) {
      const label = reason === 'no sadakat channel' ? `${reason} (${channelType || 'none'})` : reason;
      reasons.set(label, (reasons.get(label) ?? 0) + 1);
    }
    process.stdout.write(
      `${dropped.length} addresses not kept (their attributes still reach the profiles): ${[...reasons].map(([reason, count]) => `${count} ${reason}`).join(', ')}\n`,
    );
  }
  const target = options.table
    ? `table ${options.table}${options.region ? ` (${options.region})` : ''}`
    : options.dataDir;
  if (!options.load) {
    process.stdout.write(`dry run: add --load to write ${counts.profiles} profiles to ${target}\n`);
    return;
  }
  const { loadProfiles } = await import('../../shared/migration/pinpoint/load-profiles.js');
  const store = await openProfileStore(options);
  const bar = progressBar('profiles');
  try {
    const summary = await loadProfiles(store.profiles, profiles, {
      audiences: store.audiences,
      concurrency: options.concurrency,
      onProgress: (done, total) => bar.update(done, total),
    });
    bar.stop();
    process.stdout.write(
      `loaded into ${target}: ${summary.created} new profiles, ${summary.updated} existing profiles filled in, ${summary.unchanged} unchanged\n`,
    );
  } catch (error) {
    throw awsAccessError(error, options) ?? error;
  } finally {
    bar.stop();
    await store.close();
  }
}

/** The deployed table's profile store and audience index with --table, else the local data folder's. */
async function openProfileStore(
  options: PinpointOptions,
): Promise<{ profiles: ProfileStore; audiences: AudienceIndex; close(): Promise<void> }> {
  if (options.table) {
    const [{ createDocumentClient }, { DynamoProfileStore }, { DynamoAudienceIndex }] = await Promise.all([
      import('../../shared/aws/dynamo-client.js'),
      import('../../shared/aws/dynamo-profile-store.js'),
      import('../../shared/aws/dynamo-audience-index.js'),
    ]);
    const doc = createDocumentClient(options.region ? { region: options.region } : {});
    return {
      profiles: new DynamoProfileStore(doc, options.table),
      audiences: new DynamoAudienceIndex(doc, options.table),
      close: async () => doc.destroy(),
    };
  }
  const runtime = await openLocalData(options, { create: true });
  return { profiles: runtime.profiles, audiences: runtime.adapters.table.audiences, close: () => runtime.stop() };
}

/** Missing credentials, region, table or permission: say which and what to do, not a stack trace. */
function awsAccessError(error: unknown, options: PinpointOptions): UserError | undefined {
  if (!options.table || !(error instanceof Error)) return undefined;
  const hint: Record<string, string> = {
    ResourceNotFoundException: `--table: no table ${options.table} in this account and region (check --region)`,
    AccessDeniedException: `--table: access denied; the import needs dynamodb:BatchGetItem, GetItem, UpdateItem, Query and BatchWriteItem on ${options.table} (docs/pinpoint.md)`,
    CredentialsProviderError:
      '--table: no AWS credentials found (set AWS_PROFILE or the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY variables)',
    UnrecognizedClientException: '--table: the AWS credentials were rejected (expired or wrong account)',
  };
  if (hint[error.name]) return new UserError(hint[error.name] as string);
  if (/region is missing/i.test(error.message))
    return new UserError('--region: no AWS region configured (pass --region or set AWS_REGION)');
  return undefined;
}
