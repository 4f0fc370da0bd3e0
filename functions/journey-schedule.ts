/**
 * journey-schedule: invoked hourly (EventBridge Scheduler → a Step Functions Map over scan
 * slices, the same fan-out as the nightly refresh, or directly for one slice). Reads its slice
 * of the profiles and enqueues a `schedule` message for each audience member whose cron slot
 * came in the last hour in their timezone (shared/journeys/schedule-pass.ts).
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { awsJourneyScheduleDeps } from '../shared/aws/journey-schedule-deps.js';
import { schedulePass, type SchedulePassResult } from '../shared/journeys/schedule-pass.js';
import type { JourneyScheduleDeps } from '../shared/wiring/compose.js';

const sliceSchema = z
  .object({ segment: z.number().int().nonnegative(), totalSegments: z.number().int().positive() })
  .partial();

export function buildHandler(deps: JourneyScheduleDeps & { logger?: Logger }) {
  const logger = deps.logger ?? new Logger({ serviceName: 'journey-schedule' });
  return middy(async (event: unknown): Promise<SchedulePassResult> => {
    const slice = sliceSchema.safeParse(event ?? {});
    const { segment, totalSegments } = slice.success ? slice.data : {};
    const scan = deps.scanProfiles(
      segment !== undefined && totalSegments !== undefined ? { segment, totalSegments } : undefined,
    );
    const result = await schedulePass({
      journeys: deps.journeys,
      profiles: scan.profiles,
      queue: deps.queue,
      clock: deps.clock,
      defaultTimezone: deps.defaultTimezone,
    });
    logger.info('schedule pass done', { ...result, invalidProfiles: scan.invalid(), segment, totalSegments });
    return result;
  }).use(injectLambdaContext(logger));
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

export const handler = async (event: unknown, context: Context): Promise<SchedulePassResult> => {
  coldStartHandler ??= buildHandler(await awsJourneyScheduleDeps(process.env));
  return coldStartHandler(event, context);
};
