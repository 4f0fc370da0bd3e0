/**
 * journey-schedule: one shard of the hourly schedule pass (EventBridge Scheduler → the
 * journey-schedule state machine: journey-schedule-plan claims the slot, a Map runs this per
 * shard, infra/constructs/scheduled-fan-out.ts). Reads the shard's profiles and enqueues a
 * `schedule` message for each audience member whose cron slot came in the hour before the
 * scheduled time, in their timezone (shared/journeys/schedule-pass.ts).
 *
 * Input `{ shard, shards, at }` from the Map; `{}` (the local runtime) passes over every profile
 * at the clock's time.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { awsJourneyScheduleDeps } from '../shared/aws/journey-schedule-deps.js';
import { schedulePass, type SchedulePassResult } from '../shared/journeys/schedule-pass.js';
import { scheduleShardInputSchema } from '../shared/journeys/schedule-shards.js';
import type { JourneyScheduleDeps } from '../shared/wiring/compose.js';

export function buildHandler(deps: JourneyScheduleDeps & { logger?: Logger }) {
  const logger = deps.logger ?? new Logger({ serviceName: 'journey-schedule' });
  return middy(async (event: unknown): Promise<SchedulePassResult> => {
    const hasShard = typeof event === 'object' && event !== null && 'shard' in event;
    const input = hasShard ? scheduleShardInputSchema.safeParse(event) : undefined;
    if (input && !input.success) {
      const issue = input.error.issues[0];
      throw new Error(`journey-schedule: input ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    const shard = input?.data;
    // A shard is a parallel-scan segment today; a Query behind the same shard would change only this line.
    const scan = deps.scanProfiles(shard && { segment: shard.shard, totalSegments: shard.shards });
    // Every shard computes its window from the scheduled time, so shards run late or retried agree.
    const at = shard === undefined ? undefined : new Date(shard.at);
    const result = await schedulePass({
      journeys: deps.journeys,
      profiles: scan.profiles,
      queue: deps.queue,
      clock: at === undefined ? deps.clock : { now: () => at },
      defaultTimezone: deps.defaultTimezone,
    });
    logger.info('schedule pass done', { ...result, invalidProfiles: scan.invalid(), ...shard });
    return result;
  }).use(injectLambdaContext(logger));
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

export const handler = async (event: unknown, context: Context): Promise<SchedulePassResult> => {
  coldStartHandler ??= buildHandler(await awsJourneyScheduleDeps(process.env));
  return coldStartHandler(event, context);
};
