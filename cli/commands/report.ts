/**
 * `sadakat report [--data-dir D | --table T [--region R] [--bucket B]] [--journey id] [--as-of ISO]
 * [--format table|json|html] [--out file]`: the A/B report (DESIGN "Measurement") from the local data
 * folder that `demo` or `serve` wrote, or with `--table` from a deployed table — a person's one-off
 * Scan with their own credentials, never on a schedule (decision 224) — and with `--bucket` also
 * stored for `sadakat console --table … --bucket` (`refresh/console-report.json`).
 * `--as-of` (default: now) decides whose goal window has closed; the rest are `maturing`.
 */
import { writeFile } from 'node:fs/promises';
import type { readReportData as ReadReportData } from '../../shared/aws/dynamo-report-source.js';
import { InvalidArgumentError, type Command } from 'commander';
import type { EngineChoice } from '../../shared/local/data-dir.js';
import { loadCampaign } from '../../shared/config/campaign.js';
import { minimumDetectableOf, type Settings } from '../../shared/config/settings.js';
import type { Journey } from '../../shared/journeys/ast.js';
import { requireJourneys } from '../../shared/journeys/campaign-journeys.js';
import { systemClock } from '../../shared/ports.js';
import { buildReport, type Report, type ReportData } from '../../shared/measurement/report.js';
import { UserError } from '../errors.js';
import { openLocalData } from '../local-data.js';
import { formatOption, localCampaignOptions } from '../options.js';
import { formatReportTable } from '../report-table.js';
import { outputWidth } from '../text-table.js';

type ReportFormat = 'table' | 'json' | 'html';

interface ReportCommandOptions {
  dataDir: string;
  engine: EngineChoice;
  campaign: string;
  journey?: string;
  format: ReportFormat;
  out?: string;
  asOf?: string;
  wide?: boolean;
  table?: string;
  region?: string;
  bucket?: string;
  segments: number;
}

export function registerReport(program: Command): void {
  const command = program.command('report');
  localCampaignOptions(command);
  formatOption(command, 'table', 'json', 'html');
  command
    .description(
      'the A/B report from the local data folder: per journey and variant, sends, engagement, conversions and statistics',
    )
    .option('--journey <id>', 'only this journey')
    .option(
      '--as-of <instant>',
      'ISO instant the report is as of (default now): windows still open then are "maturing"',
      isoInstant,
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--wide', 'table: every column, however wide (default: fit the terminal, 100 columns when piped)')
    .option(
      '--table <name>',
      'report on a deployed table instead, with your AWS credentials (a one-off Scan of the table: dynamodb:Scan)',
    )
    .option('--region <region>', 'AWS region of --table and --bucket (default: your AWS configuration)')
    .option(
      '--segments <n>',
      'with --table: parallel Scan segments (1 to 64; more read faster, same read units in all)',
      scanSegments,
      DEFAULT_SCAN_SEGMENTS,
    )
    .option(
      '--bucket <name>',
      "with --table: also write the report to the data stack's ConsoleSnapshotBucket, for sadakat console --table (s3:PutObject)",
    )
    .action(async (options: ReportCommandOptions) => {
      const campaign = await loadCampaign(options.campaign);
      const journeys = await requireJourneys(options.campaign, campaign.settings, campaign.segments);
      if (options.journey !== undefined && !journeys.some((journey) => journey.id === options.journey)) {
        throw new UserError(
          `--journey: no journey "${options.journey}" in ${options.campaign}/journeys (there are: ${journeys.map((journey) => journey.id).join(', ')})`,
        );
      }
      if (options.bucket && !options.table)
        throw new UserError('--bucket: only with --table (it stores the report of a deployed table for the console)');
      const asOf = options.asOf ?? systemClock.now().toISOString();
      let report: Report;
      if (options.table) {
        const [{ createDocumentClient }, { s3ReportSnapshot }] = await Promise.all([
          import('../../shared/aws/dynamo-client.js'),
          import('../../shared/aws/s3-console-snapshot.js'),
        ]);
        const doc = createDocumentClient(options.region ? { region: options.region } : {});
        try {
          report = await tableReport(
            doc,
            options.table,
            journeys,
            campaign.settings,
            asOf,
            options.journey,
            options.segments,
          );
        } catch (error) {
          if (error instanceof Error && error.name === 'AccessDeniedException')
            throw new UserError(
              `--table ${options.table}: your AWS credentials may not scan it; sadakat report --table needs dynamodb:Scan on the table and kms:Decrypt on its key (README "Console"), which SadakatConsoleReadOnly does not grant`,
            );
          const { explainTableError } = await import('../../console/table-source.js');
          throw new UserError(explainTableError(error, options.table, options.region));
        } finally {
          doc.destroy();
        }
        if (options.bucket) {
          const stored = s3ReportSnapshot(options.bucket, options.region);
          await stored.write({ writtenAt: systemClock.now().toISOString(), report }).catch((error: unknown) => {
            throw new UserError(
              `--bucket ${options.bucket}: the report could not be written to ${stored.name} (${error instanceof Error ? error.message : String(error)}); you need s3:PutObject on that key (README "Console")`,
            );
          });
          process.stderr.write(`report stored for sadakat console at ${stored.name}\n`);
        }
      } else {
        const runtime = await openLocalData(options);
        try {
          report = await tableReport(
            runtime.doc,
            runtime.tableName,
            journeys,
            campaign.settings,
            asOf,
            options.journey,
          );
        } finally {
          await runtime.stop();
        }
      }
      // A file is read in an editor, not a terminal: every column.
      const text = await renderReport(report, options.format, outputWidth(options.wide || options.out !== undefined));
      if (options.out) {
        await writeFile(options.out, text);
        process.stderr.write(`report written to ${options.out}\n`);
      } else {
        process.stdout.write(text);
      }
    });
}

/** The report of what a table holds — a local data folder's or a deployed one's: one source of truth. */
export async function tableReport(
  doc: Parameters<typeof ReadReportData>[0],
  tableName: string,
  journeys: Journey[],
  settings: Settings,
  asOf: string,
  journeyId?: string,
  segments = 1,
): Promise<Report> {
  const { readReportData } = await import('../../shared/aws/dynamo-report-source.js');
  const data = await readReportData(doc, tableName, new Date(asOf), segments);
  return campaignReport(journeys, settings, data, asOf, journeyId);
}

/** `--segments` with `--table`: parallel Scan segments of the deployed table. */
export const DEFAULT_SCAN_SEGMENTS = 8;

function scanSegments(value: string): number {
  const segments = Number(value);
  if (!(Number.isInteger(segments) && segments >= 1 && segments <= 64))
    throw new InvalidArgumentError('expected a whole number of segments from 1 to 64');
  return segments;
}

/** The report of a campaign's journeys over what the table holds: `sadakat report`'s and the console's. */
export function campaignReport(
  journeys: Journey[],
  settings: Settings,
  data: ReportData,
  asOf: string,
  journeyId?: string,
): Report {
  return buildReport(journeys, data, {
    minimumDetectable: minimumDetectableOf(settings),
    asOf,
    holdoutPercent: settings.holdoutPercent,
    tiers: settings.tiers.map((tier) => tier.id),
    ...(journeyId ? { journeyId } : {}),
  });
}

function isoInstant(value: string): string {
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || !Number.isFinite(at))
    throw new InvalidArgumentError('expected an ISO instant, e.g. 2026-11-10T00:00:00Z');
  return new Date(at).toISOString();
}

export async function renderReport(
  report: Report,
  format: ReportFormat,
  width = Number.POSITIVE_INFINITY,
): Promise<string> {
  switch (format) {
    case 'table':
      return formatReportTable(report, width);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'html': {
      const { reportHtml } = await import('../../shared/measurement/report-html.js');
      return reportHtml(report);
    }
    default: {
      const never: never = format;
      throw new UserError(`--format: unknown format ${String(never)}`);
    }
  }
}
