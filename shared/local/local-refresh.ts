/**
 * The nightly refresh on the embedded runtime (`sadakat refresh`, and the demo's last act): the
 * same phases the Step Functions state machine runs — plan → summarize per segment → fit → score
 * per segment — in process, with artifacts in `<dataDir>/refresh/`, then the `scores` messages
 * drained from the events queue through the real process-events handler.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../ports.js';
import type { ConsoleIndexCounts } from '../analytics/refresh/console-counts.js';
import { fitRefresh, type FitResult } from '../analytics/refresh/fit.js';
import { planRefresh } from '../analytics/refresh/plan.js';
import { clvRulesOf, scoreSlice, type ScoreOptions } from '../analytics/refresh/score.js';
import { summarizeSlice } from '../analytics/refresh/summarize.js';
import type { FitGate } from '../analytics/bgnbd.js';
import { FileRefreshArtifacts } from './file-artifacts.js';
import { buildHandler as buildProcessEventsHandler } from '../../functions/process-events.js';
import { composeProcessDeps, type ProfileWriterCampaign } from '../wiring/compose.js';
import { drainQueue } from './queue-driver.js';
import type { LocalRuntime } from './runtime.js';

export type RefreshPhase = 'summarize' | 'score' | 'apply';

export interface LocalRefreshOptions {
  clock: Clock;
  /** Settings and segment rules: process-events re-evaluates segments as it applies the scores. */
  /** With its journeys (a RuntimeCampaign), scores that move customers between audiences keep their memberships. */
  campaign: ProfileWriterCampaign;
  /** YYYY-MM-DD; defaults to the clock's date in the shop's time zone. */
  asOf?: string;
  /** Parallel scan segments (default 4). */
  segments?: number;
  /** The CLV model's history gate (tests lower it for small data sets). */
  gate?: FitGate;
  /** Scheduled journeys' audience segments: the console snapshot counts their members (decision 220). */
  audiences?: readonly string[];
  /** The score phase's writes (decision 225); `every-change` is the behaviour before it. */
  writes?: ScoreOptions['writes'];
  /** summarize: segments done; score: profiles scored; apply: `scores` messages applied. */
  onProgress?: (phase: RefreshPhase, done: number, total: number) => void;
}

export interface LocalRefreshSummary {
  runId: string;
  asOf: string;
  /** Profiles scanned. */
  profiles: number;
  /** Customers with orders on or before the as-of date (the RFM and CLV population). */
  customers: number;
  /** Profiles given scores. */
  scored: number;
  /** Profiles whose scores changed (one `scores` message each). */
  changed: number;
  rfmSegments: FitResult['rfmSegments'];
  clv: FitResult['clv'];
  /** Profiles given a non-empty recommendation list. */
  recommendations: number;
  /** Messages that reached the events DLQ while applying (0 unless something is broken). */
  deadLettered: number;
  modelKey: string;
}

export async function runLocalRefresh(
  runtime: LocalRuntime,
  options: LocalRefreshOptions,
): Promise<LocalRefreshSummary> {
  const plan = planRefresh({
    now: options.clock.now(),
    timezone: options.campaign.settings.defaultTimezone,
    ...(options.asOf ? { asOf: options.asOf } : {}),
    itemCount: 0,
    segments: options.segments ?? 4,
  });
  const scan = runtime.adapters.table.customers;
  const artifacts = new FileRefreshArtifacts(runtime.dataDir);
  const progress = options.onProgress ?? (() => undefined);

  let summarized = 0;
  const summaries = await Promise.all(
    plan.slices.map(async (slice) => {
      const counts: ConsoleIndexCounts = (of) => runtime.adapters.table.consoleCounts(options.audiences ?? [], of);
      const result = await summarizeSlice({ scan, artifacts, counts }, slice);
      progress('summarize', ++summarized, plan.slices.length);
      return result;
    }),
  );
  const profiles = summaries.reduce((sum, summary) => sum + summary.profiles, 0);

  const fitted = await fitRefresh(artifacts, { ...plan, summaries }, options.gate ? { gate: options.gate } : {});

  const clvRules = clvRulesOf(options.campaign);
  let scoredProfiles = 0;
  const scored = await Promise.all(
    plan.slices.map((slice) =>
      scoreSlice(
        { scan, artifacts, queue: runtime.adapters.events, clvRules },
        { ...slice, modelKey: fitted.modelKey },
        {
          onProgress: () => progress('score', ++scoredProfiles, profiles),
          ...(options.writes ? { writes: options.writes } : {}),
        },
      ),
    ),
  );
  const changed = scored.reduce((sum, result) => sum + result.changed, 0);

  let applied = 0;
  const processEvents = buildProcessEventsHandler({
    // Journeys stay off: the local refresh runs without the sends pipeline (the demo's refresh is
    // the night before its live week, like the imported history).
    ...composeProcessDeps(runtime.adapters, options.campaign, null),
    // Locally stdout is the command's own output (the demo's JSON): the handler's lines stay off.
    logger: new Logger({ serviceName: 'process-events', logLevel: 'SILENT' }),
    onOutcome: (outcome) => {
      if (outcome.kind === 'scores') progress('apply', ++applied, changed);
    },
  });
  // One `scores` message per customer, each its own group: as many in flight as keeps the engine busy.
  const drained = await drainQueue(runtime.eventsQueue, processEvents, { concurrency: 32, clock: options.clock });

  return {
    runId: plan.runId,
    asOf: plan.asOf,
    profiles,
    customers: fitted.customers,
    scored: scored.reduce((sum, result) => sum + result.scored, 0),
    changed,
    rfmSegments: fitted.rfmSegments,
    clv: fitted.clv,
    recommendations: scored.reduce((sum, result) => sum + result.recommended, 0),
    deadLettered: drained.movedToDlq,
    modelKey: fitted.modelKey,
  };
}
