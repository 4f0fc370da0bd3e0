/**
 * `sadakat import pinpoint`: converts an Amazon Pinpoint export (journeys, segments, templates)
 * into a campaign folder with migration-report.md, and endpoints into profiles: counted on a dry
 * run, written to the local profile store with --load.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_DATA_DIR } from '../../shared/local/data-dir.js';
import { convertExport, PinpointInputError } from '../../shared/migration/pinpoint/convert-export.js';
import { endpointsToProfiles, parseEndpoints } from '../../shared/migration/pinpoint/endpoints-to-profiles.js';
import { systemClock } from '../../shared/ports.js';
import { UserError } from '../errors.js';
import { engineChoice } from '../options.js';
import { progressBar } from '../progress.js';

interface PinpointOptions {
  journeys?: string;
  segments?: string;
  templates?: string;
  endpoints?: string;
  out: string;
  load?: boolean;
  dataDir: string;
  engine: 'auto';
}

export function registerImportPinpoint(importCommand: Command): void {
  importCommand
    .command('pinpoint')
    .description('convert an Amazon Pinpoint export into a campaign folder (and endpoints into profiles)')
    .option('--journeys <path>', 'GetJourney JSON file, or a folder of them')
    .option('--segments <path>', 'GetSegment JSON file, or a folder of them')
    .option('--templates <path>', 'GetEmailTemplate / GetSmsTemplate / GetPushTemplate JSON file, or a folder of them')
    .option('--endpoints <file>', 'endpoint export job output (newline-delimited JSON)')
    .option('--out <dir>', 'campaign folder to write', 'campaign')
    .option('--load', 'write the endpoints as profiles (default: count them only)')
    .option('--data-dir <dir>', 'data folder for --load', DEFAULT_DATA_DIR)
    .option('--engine <engine>', 'dynamodb-local | dynalite | auto', engineChoice, 'auto')
    .action(async (options: PinpointOptions) => {
      if (!options.journeys && !options.segments && !options.templates && !options.endpoints)
        throw new UserError('import pinpoint: give at least one of --journeys, --segments, --templates, --endpoints');
      if (options.journeys || options.segments || options.templates) {
        const summary = await convertExport({ ...options }).catch((error: unknown) => {
          throw error instanceof PinpointInputError ? new UserError(error.message) : error;
        });
        process.stdout.write(
          `wrote ${summary.journeys.length} journeys, ${summary.segments.length} segments, ${summary.templates.length} templates to ${options.out}\n` +
            `${summary.report.findings.length} item(s) need a look: ${options.out}/migration-report.md\n` +
            `next: sadakat validate ${options.out}\n`,
        );
      }
      if (options.endpoints) await importEndpoints(options.endpoints, options);
    });
}

async function importEndpoints(file: string, options: PinpointOptions): Promise<void> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`--endpoints: cannot read ${file} (${error.code ?? 'error'})`);
  });
  const { endpoints, rejected } = parseEndpoints(text);
  const { profiles, counts } = endpointsToProfiles(endpoints, systemClock.now().toISOString());
  for (const line of rejected) process.stderr.write(`${file}:${line.line}: skipped: ${line.reason}\n`);
  const channels = Object.entries(counts.byChannel).map(([channel, count]) => `${channel} ${count}`).join(', ');
  process.stdout.write(`${counts.endpoints} endpoints (${channels}) → ${counts.profiles} profiles; ${counts.optedOut} opted out, ${counts.inactive} inactive, ${rejected.length} lines skipped\n`);
  if (!options.load) {
    process.stdout.write('dry run: add --load to write the profiles\n');
    return;
  }
  const { startLocalRuntime } = await import('../../shared/local/runtime.js');
  const { loadProfiles } = await import('../../shared/migration/pinpoint/load-profiles.js');
  const runtime = await startLocalRuntime({ dataDir: options.dataDir, engine: options.engine, clock: systemClock });
  const bar = progressBar('profiles');
  try {
    const summary = await loadProfiles(runtime.profiles, profiles, { concurrency: 16, onProgress: (done, total) => bar.update(done, total) });
    bar.stop();
    process.stdout.write(`loaded into ${options.dataDir}: ${summary.created} new profiles, ${summary.updated} existing profiles filled in\n`);
  } finally {
    bar.stop();
    await runtime.stop();
  }
}
