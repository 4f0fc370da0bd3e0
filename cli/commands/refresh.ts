/**
 * `sadakat refresh`: the nightly refresh on the local data folder — RFM scores, CLV (when the
 * history passes the model's gate) and recommendations, applied to the profiles through
 * process-events (DESIGN "RFM and CLV").
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { dayOfDate } from '../../shared/analytics/calendar-day.js';
import { RFM_SEGMENTS } from '../../shared/analytics/rfm.js';
import type { EngineChoice } from '../../shared/local/data-dir.js';
import type { LocalRefreshSummary, RefreshPhase } from '../../shared/local/local-refresh.js';
import { systemClock } from '../../shared/ports.js';
import { loadRuntimeCampaign } from '../../shared/wiring/runtime-campaign.js';
import { UserError } from '../errors.js';
import { openLocalData } from '../local-data.js';
import { formatOption, localCampaignOptions, positiveInteger } from '../options.js';
import { progressBar, type Progress } from '../progress.js';
import { formatTable, outputWidth, wrapLine } from '../text-table.js';

interface RefreshOptions {
  dataDir: string;
  engine: EngineChoice;
  campaign: string;
  asOf?: string;
  segments: number;
  format: 'table' | 'json';
}

export function registerRefresh(program: Command): void {
  const command = program.command('refresh');
  localCampaignOptions(command);
  formatOption(command, 'table', 'json');
  command
    .description('run the nightly refresh (RFM, CLV, recommendations) on the local data folder')
    .option('--as-of <date>', 'analysis date, YYYY-MM-DD (default: today, UTC)', isoDate)
    .option('--segments <n>', 'parallel scan segments', positiveInteger, 4)
    .action(async (options: RefreshOptions) => {
      // With its journeys: a score that moves a customer into an audience writes the membership (issue 20).
      const campaign = await loadRuntimeCampaign(options.campaign);
      const { runLocalRefresh } = await import('../../shared/local/local-refresh.js');
      const runtime = await openLocalData(options);
      const bars = phaseBars();
      try {
        const summary = await runLocalRefresh(runtime, {
          clock: systemClock,
          campaign,
          segments: options.segments,
          ...(options.asOf ? { asOf: options.asOf } : {}),
          onProgress: bars.update,
        });
        bars.stop();
        if (summary.profiles === 0)
          throw new UserError(
            `no profiles in ${options.dataDir} (run \`sadakat demo\` or \`sadakat import orders\` first)`,
          );
        process.stdout.write(
          options.format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : render(summary, options.dataDir),
        );
      } finally {
        bars.stop();
        await runtime.stop();
      }
    });
}

function isoDate(value: string): string {
  const parsed = dayOfDate(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.reason);
  return value;
}

const PHASE_LABELS: Record<RefreshPhase, string> = { summarize: 'segments', score: 'profiles', apply: 'applied' };

/** One bar per phase, the previous one closed when the next begins. */
function phaseBars(): { update: (phase: RefreshPhase, done: number, total: number) => void; stop: () => void } {
  let current: { phase: RefreshPhase; bar: Progress } | undefined;
  return {
    update(phase, done, total) {
      if (current?.phase !== phase) {
        current?.bar.stop();
        current = { phase, bar: progressBar(PHASE_LABELS[phase]) };
      }
      current.bar.update(done, total);
    },
    stop() {
      current?.bar.stop();
      current = undefined;
    },
  };
}

function render(summary: LocalRefreshSummary, dataDir: string): string {
  const lines = [
    `refresh ${summary.runId} as of ${summary.asOf}: ${summary.profiles} profiles, ${summary.customers} customers with orders`,
    `${summary.scored} profiles scored, ${summary.changed} changed (applied through process-events), ${summary.recommendations} with recommendations`,
  ];
  if (summary.rfmSegments) {
    const segments = summary.rfmSegments;
    const total = summary.customers;
    lines.push(
      '',
      formatTable(
        ['RFM segment', 'customers', 'share'],
        RFM_SEGMENTS.map((segment) => [
          segment,
          segments[segment],
          total === 0 ? '0.0%' : `${((100 * segments[segment]) / total).toFixed(1)}%`,
        ]),
      ).trimEnd(),
    );
  }
  const clv = summary.clv;
  switch (clv.status) {
    case 'fitted': {
      const p = clv.params;
      lines.push(
        '',
        `CLV: BG/NBD r=${p.r.toFixed(4)} alpha=${p.alpha.toFixed(4)} a=${p.a.toFixed(4)} b=${p.b.toFixed(4)}; ` +
          `Gamma-Gamma p=${p.p.toFixed(4)} q=${p.q.toFixed(4)} gamma=${p.gamma.toFixed(4)}; ` +
          `MBG/NBD (churn score) r=${clv.mbgnbd.r.toFixed(4)} alpha=${clv.mbgnbd.alpha.toFixed(4)} a=${clv.mbgnbd.a.toFixed(4)} b=${clv.mbgnbd.b.toFixed(4)}`,
      );
      break;
    }
    case 'not_enough_data':
      lines.push('', `CLV skipped, not enough data: ${clv.reason} (RFM and recommendations were still written)`);
      break;
    default: {
      const unreachable: never = clv;
      return unreachable;
    }
  }
  if (summary.deadLettered > 0) lines.push(`warning: ${summary.deadLettered} scores messages reached the events DLQ`);
  lines.push(`artifacts: ${join(dataDir, 'refresh', summary.runId)}`);
  const width = outputWidth(undefined);
  return `${lines
    .join('\n')
    .split('\n')
    .map((line) => wrapLine(line, width))
    .join('\n')}\n`;
}
