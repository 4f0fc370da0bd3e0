/**
 * `sadakat backfill-indexes [--campaign DIR] [--data-dir D | --table T [--region R]] [--max-pages N]`:
 * the resumable backfill of issue 20's indexes (shared/aws/index-backfill.ts) — membership items
 * of the campaign's scheduled journeys' audiences, and the `customers` key on the profiles and
 * orders written before the index. Run once after each step of the rollout (docs/deploy.md) and
 * whenever a journey starts targeting a new audience; stopped, it goes on where it stopped.
 */
import type { Command } from 'commander';
import type { BackfillResult } from '../../shared/aws/index-backfill.js';
import { openLocalData } from '../local-data.js';
import { formatOption, localCampaignOptions, positiveInteger } from '../options.js';
import type { EngineChoice } from '../../shared/local/data-dir.js';

interface BackfillCommandOptions {
  campaign: string;
  dataDir: string;
  engine: EngineChoice;
  table?: string;
  region?: string;
  maxPages?: number;
  format: 'table' | 'json';
}

export function registerBackfill(program: Command): void {
  const command = program.command('backfill-indexes');
  localCampaignOptions(command);
  formatOption(command, 'table', 'json');
  command
    .description(
      "write the audience memberships and customers keys of items written before the table's indexes (resumable)",
    )
    .option(
      '--table <name>',
      'backfill a deployed table instead, with your AWS credentials (Scan, BatchWriteItem, UpdateItem)',
    )
    .option('--region <region>', 'AWS region of --table (default: your AWS configuration)')
    .option('--max-pages <n>', 'stop after this many scan pages; run again to go on', positiveInteger)
    .action(async (options: BackfillCommandOptions) => {
      const [{ loadRuntimeCampaign }, { scheduledAudiences }, { backfillIndexes }] = await Promise.all([
        import('../../shared/wiring/runtime-campaign.js'),
        import('../../shared/journeys/audiences.js'),
        import('../../shared/aws/index-backfill.js'),
      ]);
      const audiences = scheduledAudiences((await loadRuntimeCampaign(options.campaign)).journeys);
      const progress = (result: BackfillResult) =>
        options.format === 'table' && process.stderr.write(`  ${result.scanned.toLocaleString('en-US')} items read\r`);
      const run = async (doc: Parameters<typeof backfillIndexes>[0], tableName: string) =>
        backfillIndexes(doc, tableName, {
          audiences,
          onPage: progress,
          ...(options.maxPages ? { maxPages: options.maxPages } : {}),
        });
      let result: BackfillResult;
      if (options.table) {
        const { createDocumentClient } = await import('../../shared/aws/dynamo-client.js');
        result = await run(createDocumentClient(options.region ? { region: options.region } : {}), options.table);
      } else {
        const runtime = await openLocalData(options);
        try {
          result = await run(runtime.doc, runtime.tableName);
        } finally {
          await runtime.stop();
        }
      }
      process.stdout.write(
        options.format === 'json'
          ? `${JSON.stringify({ audiences, ...result })}\n`
          : `${result.complete ? 'complete' : 'stopped (run again to go on)'}: ${result.scanned.toLocaleString('en-US')} items read, ${result.memberships.toLocaleString('en-US')} memberships of ${audiences.join(', ') || 'no audience'} written, ${result.keyed.toLocaleString('en-US')} customers keys set, ${Math.round(result.capacityUnits)} write units\n`,
      );
    });
}
