/**
 * The scheduled functions on the embedded runtime — journey-tick (every minute in AWS),
 * journey-schedule (hourly) and segment-expiry (every few minutes) — the real handlers with deps
 * from the same composition roots as in Lambda. The demo invokes them on its virtual clock, serve
 * on a timer; draining the events queue afterwards is the caller's step, as it is for ingest.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { buildHandler as buildJourneyScheduleHandler } from '../../functions/journey-schedule.js';
import { buildHandler as buildJourneyTickHandler } from '../../functions/journey-tick.js';
import { buildHandler as buildSegmentExpiryHandler } from '../../functions/segment-expiry.js';
import { backfillIndexes } from '../aws/index-backfill.js';
import { scheduledAudiences } from '../journeys/audiences.js';
import type { JourneyTickResult } from '../journeys/journey-tick.js';
import type { SchedulePassResult } from '../journeys/schedule-pass.js';
import type { ExpiryPassResult } from '../segments/expiry-pass.js';
import { composeExpiryDeps, composeJourneyScheduleDeps, composeJourneyTickDeps } from '../wiring/compose.js';
import type { RuntimeCampaign } from '../wiring/runtime-campaign.js';
import { localLambdaContext } from './lambda-context.js';
import type { LocalLogLevel } from './local-handlers.js';
import type { LocalRuntime } from './runtime.js';

export interface ScheduledHandlers {
  journeyTick(): Promise<JourneyTickResult>;
  journeySchedule(): Promise<SchedulePassResult>;
}

export function buildScheduledHandlers(
  runtime: Pick<LocalRuntime, 'adapters' | 'doc' | 'tableName'>,
  campaign: Pick<RuntimeCampaign, 'settings' | 'journeys'>,
  logLevel: LocalLogLevel,
): ScheduledHandlers {
  const journeyTick = buildJourneyTickHandler({
    ...composeJourneyTickDeps(runtime.adapters),
    logger: new Logger({ serviceName: 'journey-tick', logLevel }),
  });
  const journeySchedule = buildJourneyScheduleHandler({
    ...composeJourneyScheduleDeps(runtime.adapters, campaign),
    logger: new Logger({ serviceName: 'journey-schedule', logLevel }),
  });
  // Local data is small: the audience backfill (issue 20) runs before the first pass that needs
  // it, so the pass reads the audience index as a deployed one does once backfilled.
  let backfilled: Promise<unknown> | undefined;
  const backfill = async (): Promise<void> => {
    const audiences = scheduledAudiences(campaign.journeys);
    if (audiences.length === 0 || (await runtime.adapters.table.audiences.readiness(audiences)).ready) return;
    await backfillIndexes(runtime.doc, runtime.tableName, { audiences });
  };
  return {
    journeyTick: () => journeyTick({}, localLambdaContext('journey-tick')),
    journeySchedule: async () => {
      await (backfilled ??= backfill());
      return journeySchedule({}, localLambdaContext('journey-schedule'));
    },
  };
}

/** Enqueues a `recheck` for every profile whose `nextExpiryAt` is at or before the runtime's clock. */
export async function runExpiryPass(runtime: Pick<LocalRuntime, 'adapters'>): Promise<ExpiryPassResult> {
  const handler = buildSegmentExpiryHandler({
    ...composeExpiryDeps(runtime.adapters),
    // The demo prints its own summary; the handler's info line would interleave with it.
    logger: new Logger({ serviceName: 'segment-expiry', logLevel: 'WARN' }),
  });
  return handler({}, localLambdaContext('segment-expiry'));
}
