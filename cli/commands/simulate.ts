/**
 * `sadakat simulate --journey <id> --events events.jsonl [--from DATE]`: plays storefront events
 * (one Segment call per line) through the real engine on a virtual clock and prints each
 * customer's path through the journey, step by step with times in the customer's timezone, and
 * what the send handler's own decision makes of each send (would send, refused with its reason,
 * deferred). Nothing is sent and no data folder is touched. Engagement lines play opens and clicks of sent messages
 * (shared/journeys/simulation/engagement-call.ts).
 */
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadCampaign } from '../../shared/config/campaign.js';
import { requireJourneys } from '../../shared/journeys/campaign-journeys.js';
import { DateTime } from 'luxon';
import { loadTemplates } from '../../shared/channels/load-templates.js';
import type { SimulatedDecision } from '../../shared/journeys/simulation/dry-run-sending.js';
import { spreadOffsetMs } from '../../shared/spread.js';
import { simulateJourney, type PathEntry, type SimulationResult } from '../../shared/journeys/simulation/simulate.js';
import { campaignOption, outputFormat, readOptionFile } from '../options.js';
import { UserError } from '../errors.js';
import { outputWidth, wrapLine } from '../text-table.js';

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
          templates: await loadTemplates(join(options.campaign, 'templates')),
          calls,
          ...(options.from ? { from: options.from } : {}),
        });
        process.stdout.write(
          options.format === 'json'
            ? `${JSON.stringify(toJson(result), null, 2)}\n`
            : renderText(journey.id, result, campaign.settings.spreadMinutes),
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

function renderText(journeyId: string, result: SimulationResult, spreadMinutes: number): string {
  const lines: string[] = [];
  for (const rejected of result.rejected)
    lines.push(`line ${rejected.line} skipped: ${rejected.field}: ${rejected.reason}`);
  if (result.paths.size === 0) lines.push(`no customer entered ${journeyId}`);
  for (const [customerId, path] of result.paths) {
    const zone = result.timezones.get(customerId) ?? 'UTC';
    lines.push(`customer ${customerId} (times in ${zone})`);
    for (const entry of path) {
      const text = describe(entry, zone, spreadMinutes);
      if (text !== undefined) lines.push(`  ${localTime(entry.at, zone)}  ${text}`);
    }
  }
  const width = outputWidth(undefined);
  return `${[...lines.map((line) => wrapLine(line, width, ' '.repeat(27))), wrapLine(summaryLine(result), width)].join('\n')}\n`;
}

/** `2026-11-02 12:05 +03:00`: the customer's wall clock, its UTC offset as the label. */
function localTime(at: string, zone: string): string {
  return DateTime.fromISO(at, { zone }).toFormat('yyyy-LL-dd HH:mm ZZ');
}

/** The ISO instants in a step's trace (`until 2026-11-02T11:05:00.000Z`), on the customer's clock. */
function localTimes(text: string, zone: string): string {
  return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z/g, (iso) => localTime(iso, zone));
}

/** Each request's last decision: sent, refused (by reason), skipped as holdout, or still deferred. */
function summaryLine(result: SimulationResult): string {
  const last = new Map(result.decisions.map((decision) => [decision.request.messageId, decision.result]));
  const counts = new Map<string, number>();
  for (const outcome of last.values()) {
    const key = outcome.reason;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const take = (key: string): number => {
    const count = counts.get(key) ?? 0;
    counts.delete(key);
    return count;
  };
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const sent = take('sent');
  const holdout = take('holdout');
  const deferred = take('deferred');
  const refused = [...counts].sort(([a], [b]) => a.localeCompare(b));
  const refusedCount = refused.reduce((sum, [, count]) => sum + count, 0);
  return [
    `${plural(result.paths.size, 'customer')} entered, ${plural(sent, 'message')} would be sent`,
    `${refusedCount} refused${refusedCount > 0 ? ` (${refused.map(([reason, count]) => `${reason} ${count}`).join(', ')})` : ''}`,
    `${holdout} skipped as holdout`,
    ...(deferred > 0 ? [`${deferred} deferred past the end`] : []),
    `clock stopped at ${result.endedAt.slice(0, 16).replace('T', ' ')} UTC`,
  ].join(', ');
}

function describe(entry: PathEntry, zone: string, spreadMinutes: number): string | undefined {
  if (entry.kind === 'entered')
    return `entered (run ${entry.runId.slice(0, 8)}${entry.holdout ? ', global holdout: sends skipped' : ''})`;
  if (entry.kind === 'decision') return `${''.padEnd(16)} → ${decisionText(entry, zone, spreadMinutes)}`;
  const { effect, runId } = entry;
  switch (effect.kind) {
    case 'step':
      return `${effect.stepId.padEnd(16)} ${effect.stepKind.padEnd(7)} ${localTimes(effect.detail, zone)}`;
    case 'send':
    case 'update':
    case 'schedule-wake':
      // A send's line is its decision's (below); updates and wakes show in the step lines.
      return undefined;
    case 'assign':
      return `${''.padEnd(16)} → assigned ${effect.experiment} = ${effect.variant}`;
    case 'goal':
      return `goal reached at ${localTime(effect.at, zone)} (run ${runId.slice(0, 8)})`;
    case 'end':
      return `${effect.status} (${effect.reason})`;
    default: {
      const unreachable: never = effect;
      return unreachable;
    }
  }
}

/** What the send handler decided, in its own words: the reason and its detail. */
function decisionText({ request, result }: SimulatedDecision, zone: string, spreadMinutes: number): string {
  const what = `${result.channel} ${request.template}${request.variant && request.variant !== 'holdout' ? ` (variant ${request.variant})` : ''}`;
  switch (result.reason) {
    case 'sent':
      return `would send ${what}`;
    case 'holdout':
      return `skipped (holdout): ${what}`;
    case 'deferred':
      return `deferred (${result.cause === 'quiet_hours' ? 'quiet hours' : (result.cause ?? 'later')}) until ${result.wakeAt ? localTime(result.wakeAt, zone) : 'later'}${result.cause === 'quiet_hours' ? spreadText(request.customerId, spreadMinutes) : ''}: ${what}`;
    default:
      return `refused: ${result.reason}${result.detail ? ` (${result.detail})` : ''}: ${what}`;
  }
}

/** ` (12m 5s into the 30-minute spread)`: where the customer's morning release falls (decision 177). */
function spreadText(customerId: string, spreadMinutes: number): string {
  const seconds = Math.round(spreadOffsetMs(customerId, spreadMinutes) / 1000);
  if (spreadMinutes <= 0) return '';
  return ` (${Math.floor(seconds / 60)}m ${seconds % 60}s into the ${spreadMinutes}-minute spread)`;
}

function toJson(result: SimulationResult) {
  return {
    customers: Object.fromEntries(
      [...result.paths].map(([customerId, path]) => [
        customerId,
        path.map((entry) =>
          entry.kind === 'entered'
            ? entry
            : entry.kind === 'decision'
              ? { at: entry.at, runId: entry.runId, kind: 'decision', ...decisionJson(entry) }
              : { at: entry.at, runId: entry.runId, ...entry.effect },
        ),
      ]),
    ),
    timezones: Object.fromEntries(result.timezones),
    sends: result.sends,
    decisions: result.decisions.map((decision) => ({ at: decision.at, ...decisionJson(decision) })),
    deferred: result.deferred.map(({ request, wakeAt }) => ({
      customerId: request.customerId,
      messageId: request.messageId,
      wakeAt,
    })),
    rejected: result.rejected,
    endedAt: result.endedAt,
  };
}

/** A decision in the JSON: the request's ids and the send handler's outcome (`sent`, a refusal reason, `deferred`). */
function decisionJson({ request, result }: SimulatedDecision) {
  return {
    customerId: request.customerId,
    messageId: request.messageId,
    stepId: request.stepId,
    template: request.template,
    channel: result.channel,
    outcome: result.kind === 'done' ? result.reason : result.cause,
    ...(result.detail ? { detail: result.detail } : {}),
    ...(result.kind === 'done' && result.wakeAt ? { wakeAt: result.wakeAt } : {}),
  };
}
