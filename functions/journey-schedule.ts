/**
 * journey-schedule: one shard of the hourly schedule pass (EventBridge Scheduler → the
 * journey-schedule state machine: journey-schedule-plan claims the slot, a Map runs this per
 * shard, infra/constructs/scheduled-fan-out.ts). Reads the shard's profiles and enqueues a
 * `schedule` message for each audience member whose cron slot came in the hour before the
 * scheduled time, in their timezone (shared/journeys/schedule-pass.ts).
 *
 * With the audience index ready (issue 20: ACTIVE and backfilled for every scheduled audience) a
 * shard Queries only the due time-zone buckets of its index shard; until then it scans its
 * parallel-scan segment as before.
 *
 * Input `{ shard, shards, at }` from the Map; `{}` (the local runtime) passes over every profile
 * (or every index shard) at the clock's time.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { awsJourneyScheduleDeps } from '../shared/aws/journey-schedule-deps.js';
import { scheduledAudiences } from '../shared/journeys/audiences.js';
import { schedulePass, schedulePassFromIndex, type SchedulePassResult } from '../shared/journeys/schedule-pass.js';
import { scheduleShardInputSchema } from '../shared/journeys/schedule-shards.js';
import type { JourneyScheduleDeps } from '../shared/wiring/compose.js';
import { handlerLogger, lambdaHandler, onColdStart } from '../shared/handlers/lambda-handler.js';

export function buildHandler(deps: JourneyScheduleDeps & { logger?: Logger }) {
  const logger = handlerLogger('journey-schedule', deps.logger);
  return lambdaHandler(logger, async (event: unknown): Promise<SchedulePassResult> => {
    const hasShard = typeof event === 'object' && event !== null && 'shard' in event;
    const input = hasShard ? scheduleShardInputSchema.safeParse(event) : undefined;
    if (input && !input.success) {
      const issue = input.error.issues[0];
      throw new Error(`journey-schedule: input ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    const shard = input?.data;
    // Every shard computes its window from the scheduled time, so shards run late or retried agree.
    const at = shard === undefined ? undefined : new Date(shard.at);
    const clock = at === undefined ? deps.clock : { now: () => at };
    const readiness = deps.audiences && (await deps.audiences.readiness(scheduledAudiences(deps.journeys)));
    if (deps.audiences && readiness?.ready) {
      const index = deps.audiences;
      // The Map's shard count is the index's (SCHEDULE_SHARDS = SHARD_COUNT); any other count reads the shards it covers.
      const shards = Array.from({ length: index.shards }, (_, n) => n).filter(
        (n) => shard === undefined || n % shard.shards === shard.shard,
      );
      const result = await schedulePassFromIndex({ ...deps, index, shards, clock });
      logger.info('schedule pass done', { ...result, ...shard });
      return result;
    }
    const scan = deps.scanProfiles(shard && { segment: shard.shard, totalSegments: shard.shards });
    const result = await schedulePass({
      journeys: deps.journeys,
      profiles: scan.profiles,
      queue: deps.queue,
      clock,
      defaultTimezone: deps.defaultTimezone,
    });
    const fallback = readiness && !readiness.ready ? { audienceIndex: readiness.reason } : {};
    logger.info('schedule pass done', { ...result, ...fallback, invalidProfiles: scan.invalid(), ...shard });
    return result;
  });
}

export const handler = onColdStart(async () => buildHandler(await awsJourneyScheduleDeps(process.env)));
