/**
 * `sadakat report [--data-dir D] [--journey id] [--as-of ISO] [--format table|json|html] [--out file]`:
 * the A/B report (DESIGN "Measurement") from the local data folder that `demo` or `serve` wrote.
 * `--as-of` (default: now) decides whose goal window has closed; the rest are `maturing`.
 */
import { writeFile } from 'node:fs/promises';
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
    .action(async (options: ReportCommandOptions) => {
      const campaign = await loadCampaign(options.campaign);
      const journeys = await requireJourneys(options.campaign, campaign.settings, campaign.segments);
      if (options.journey !== undefined && !journeys.some((journey) => journey.id === options.journey)) {
        throw new UserError(
          `--journey: no journey "${options.journey}" in ${options.campaign}/journeys (there are: ${journeys.map((journey) => journey.id).join(', ')})`,
        );
      }
      const { readReportData } = await import('../../shared/aws/dynamo-report-source.js');
      const runtime = await openLocalData(options);
      let report: Report;
      try {
        const asOf = options.asOf ?? systemClock.now().toISOString();
        const data = await readReportData(runtime.doc, runtime.tableName, new Date(asOf));
        report = campaignReport(journeys, campaign.settings, data, asOf, options.journey);
      } finally {
        await runtime.stop();
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
