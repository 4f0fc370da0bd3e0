/**
 * journey-tick: invoked by EventBridge Scheduler every minute. Enqueues a `wake` for every
 * waiting journey run whose time has come (shared/journeys/journey-tick.ts); process-events does
 * the transition. The schedule's input carries its scheduled time: a repeated delivery of the
 * same slot does nothing (shared/handlers/scheduled-pass.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { awsJourneyTickDeps } from '../shared/aws/journey-tick-deps.js';
import { onColdStart } from '../shared/handlers/lambda-handler.js';
import { nearTimeout, scheduledPass } from '../shared/handlers/scheduled-pass.js';
import { journeyTick, type JourneyTickDeps } from '../shared/journeys/journey-tick.js';
import type { PassSlots } from '../shared/ports.js';

export interface JourneyTickHandlerDeps extends JourneyTickDeps {
  logger?: Logger;
  /** Claims scheduled slots; required when invocations carry a scheduled time (Scheduler's do). */
  slots?: PassSlots;
}

/** Time kept back to finish the chunk in hand before the Lambda timeout. */
export const STOP_MARGIN_MS = 10_000;

export function buildHandler(deps: JourneyTickHandlerDeps) {
  return scheduledPass({ pass: 'journey-tick', logger: deps.logger, slots: deps.slots }, (context) =>
    journeyTick(deps, { stopWhen: nearTimeout(context, STOP_MARGIN_MS) }),
  );
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(() => buildHandler(awsJourneyTickDeps(process.env)));
