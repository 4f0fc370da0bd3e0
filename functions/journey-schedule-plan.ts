/**
 * journey-schedule-plan: first state of the hourly journey-schedule state machine. Input (from
 * EventBridge Scheduler): `{ scheduledTime }`. Claims that slot (a repeated delivery answers
 * `run: false` and the state machine ends) and lists the shards the Map runs journey-schedule on.
 * Without a scheduled time (a manual start) it plans for now, unclaimed.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { awsJourneySchedulePlanDeps } from '../shared/aws/journey-schedule-plan-deps.js';
import { claimScheduledSlot, scheduledTimeOf } from '../shared/events/scheduled-slot.js';
import { planScheduleShards, SCHEDULE_SHARDS, type SchedulePlan } from '../shared/journeys/schedule-shards.js';
import type { Clock, PassSlots } from '../shared/ports.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';

export interface JourneySchedulePlanDeps {
  slots: PassSlots;
  clock: Clock;
  shards?: number;
  logger?: Logger;
}

export function buildHandler(deps: JourneySchedulePlanDeps) {
  const logger = handlerLogger('journey-schedule-plan', deps.logger);
  return lambdaHandler(logger, async (event: unknown): Promise<SchedulePlan> => {
    const at = scheduledTimeOf(event) ?? deps.clock.now().toISOString();
    const skipped = await claimScheduledSlot(deps.slots, 'journey-schedule', event);
    if (skipped !== undefined) {
      logger.info('scheduled slot already claimed; this delivery does nothing', { ...skipped });
      return { run: false, at, reason: skipped.skipped };
    }
    const plan = planScheduleShards(at, deps.shards ?? SCHEDULE_SHARDS);
    logger.info('schedule pass planned', { at, shards: plan.run ? plan.shards.length : 0 });
    return plan;
  });
}

export const handler = onColdStart(() => buildHandler(awsJourneySchedulePlanDeps(process.env)));
