/**
 * `sadakat simulate --journey <id> --events events.jsonl [--from DATE]`: plays storefront events
 * (one Segment call per line) through the real engine on a virtual clock and prints each
 * customer's path through the journey, step by step with times and what would be sent. Nothing
 * is sent and no data folder is touched. Engagement lines play opens and clicks of sent messages
 * (shared/journeys/simulation/engagement-call.ts).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { loadCampaign } from '../../shared/config/campaign.js';
import { requireJourneys } from '../../shared/journeys/campaign-journeys.js';
import { simulateJourney, type PathEntry, type SimulationResult } from '../../shared/journeys/simulation/simulate.js';
import { campaignOption, outputFormat, readOptionFile } from '../options.js';
import { UserError } from '../errors.js';

/** `text` is the old name of `table`, still accepted. */
type SimulateFormat = 'table' | 'json' | 'text';

export function registerSimulate(program: Command): void {
  const command = program.command('simulate');
  campaignOption(command);
  command
    .description("play events through one journey on a virtual clock and print each customer's path (nothing is sent)")
    .requiredOption('--journey <id>', 'journey id (campaign/journeys/<id>.yaml)')
    .requiredOption(
      '--events <file>',
      'Segment calls, one JSON object per line (track, identify…) with timestamps; engagement lines {"type":"engagement","kind":"opened","userId","step","timestamp"} play opens and clicks',
    )
    .option('--from <date>', 'start of the virtual clock (ISO date or time; default: the first event)', isoDate)
    .option('--format <format>', 'table | json', outputFormat<SimulateFormat>('table', 'json', 'text'), 'table')
    .action(
      async (options: { journey: string; events: string; from?: Date; campaign: string; format: SimulateFormat }) => {
        const campaign = await loadCampaign(options.campaign);
        const journeys = await requireJourneys(options.campaign, campaign.settings, campaign.segments);
        const journey = journeys.find((candidate) => candidate.id === options.journey);
        if (!journey)
          throw new UserError(
            `--journey: no journey "${options.journey}" in ${options.campaign}/journeys (found: ${journeys.map((j) => j.id).join(', ') || 'none'})`,
          );
        const calls = await readCalls(options.events);
        const result = await simulateJourney({
          journey,
          settings: campaign.settings,
          segments: campaign.segments,
          calls,
          ...(options.from ? { from: options.from } : {}),
        });
        process.stdout.write(
          options.format === 'json' ? `${JSON.stringify(toJson(result), null, 2)}\n` : renderText(journey.id, result),
        );
      },
    );
}

async function readCalls(file: string): Promise<unknown[]> {
  const text = await readOptionFile('--events', file);
  return text.split(/\r?\n/).flatMap((line, index) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      throw new UserError(`${file}:${index + 1}: not a JSON object (one Segment call per line)`);
    }
  });
}

function isoDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError('expected an ISO date such as 2026-11-02 or 2026-11-02T10:00:00Z');
  return date;
}

function renderText(journeyId: string, result: SimulationResult): string {
  const lines: string[] = [];
  for (const rejected of result.rejected)
    lines.push(`line ${rejected.line} skipped: ${rejected.field}: ${rejected.reason}`);
  if (result.paths.size === 0) lines.push(`no customer entered ${journeyId}`);
  for (const [customerId, path] of result.paths) {
    lines.push(`customer ${customerId}`);
    for (const entry of path) {
      const text = describe(entry);
      if (text !== undefined) lines.push(`  ${entry.at.slice(0, 16).replace('T', ' ')} UTC  ${text}`);
    }
  }
  const sent = result.sends.filter((request) => !request.holdout).length;
  lines.push(
    `${result.paths.size} customer${result.paths.size === 1 ? '' : 's'} entered, ${sent} message${sent === 1 ? '' : 's'} would be sent, ${result.sends.length - sent} skipped as holdout; clock stopped at ${result.endedAt}`,
  );
  return `${lines.join('\n')}\n`;
}

function describe(entry: PathEntry): string | undefined {
  if (entry.kind === 'entered')
    return `entered (run ${entry.runId.slice(0, 8)}${entry.holdout ? ', global holdout: sends skipped' : ''})`;
  const { effect, runId } = entry;
  switch (effect.kind) {
    case 'step':
      return `${effect.stepId.padEnd(16)} ${effect.stepKind.padEnd(7)} ${effect.detail}`;
    case 'send': {
      const request = effect.request;
      return `${''.padEnd(16)} → ${request.holdout ? 'skipped (holdout)' : 'would send'} ${request.channel}${request.fallback.length > 0 ? ` (fallback ${request.fallback.join(', ')})` : ''} template ${request.template}${request.variant ? ` variant ${request.variant}` : ''}`;
    }
    case 'update':
      return undefined;
    case 'assign':
      return `${''.padEnd(16)} → assigned ${effect.experiment} = ${effect.variant}`;
    case 'schedule-wake':
      return undefined;
    case 'goal':
      return `goal reached at ${effect.at} (run ${runId.slice(0, 8)})`;
    case 'end':
      return `${effect.status} (${effect.reason})`;
    default: {
      const unreachable: never = effect;
      return unreachable;
    }
  }
}

function toJson(result: SimulationResult) {
  return {
    customers: Object.fromEntries(
      [...result.paths].map(([customerId, path]) => [
        customerId,
        path.map((entry) => (entry.kind === 'entered' ? entry : { at: entry.at, runId: entry.runId, ...entry.effect })),
      ]),
    ),
    sends: result.sends,
    rejected: result.rejected,
    endedAt: result.endedAt,
  };
}
