/**
 * journey-tick: invoked by EventBridge Scheduler every minute. Enqueues a `wake` for every
 * waiting journey run whose time has come (shared/journeys/journey-tick.ts); process-events does
 * the transition. The schedule's input carries its scheduled time: a repeated delivery of the
 * same slot does nothing (shared/events/scheduled-slot.ts).
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { awsJourneyTickDeps } from '../shared/aws/journey-tick-deps.js';
import { oncePerScheduledSlot, type SkippedPass } from '../shared/events/scheduled-slot.js';
import type { PassSlots } from '../shared/ports.js';
import { journeyTick, type JourneyTickDeps, type JourneyTickResult } from '../shared/journeys/journey-tick.js';

export interface JourneyTickHandlerDeps extends JourneyTickDeps {
  logger?: Logger;
  /** Claims scheduled slots; required when invocations carry a scheduled time (Scheduler's do). */
  slots?: PassSlots;
}

/** Time kept back to finish the chunk in hand before the Lambda timeout. */
export const STOP_MARGIN_MS = 10_000;

export function buildHandler(deps: JourneyTickHandlerDeps) {
  const logger = deps.logger ?? new Logger({ serviceName: 'journey-tick' });
  return middy(async (_event: unknown, context: Context): Promise<JourneyTickResult> => {
    const result = await journeyTick(deps, { stopWhen: () => context.getRemainingTimeInMillis() < STOP_MARGIN_MS });
    if (result.complete) logger.info('journey tick done', { ...result });
    else logger.warn('journey tick stopped before the timeout; the rest stays due for the next run', { ...result });
    return result;
  })
    .use(injectLambdaContext(logger))
    .use(oncePerScheduledSlot(deps.slots, 'journey-tick', (message, details) => logger.info(message, details)));
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

export const handler = async (event: unknown, context: Context): Promise<JourneyTickResult | SkippedPass> => {
  coldStartHandler ??= buildHandler(awsJourneyTickDeps(process.env));
  return coldStartHandler(event, context);
};
