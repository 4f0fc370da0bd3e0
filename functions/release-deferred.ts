/**
 * release-deferred: invoked by EventBridge Scheduler every minute. Sends deferred by quiet hours
 * (or, later, by rate) whose wake time has come go back into sends.fifo and leave the `due` index
 * (shared/channels/release-deferred.ts); the send function decides them again. The local
 * runtime calls the same handler each tick. A repeated delivery of one scheduled slot does
 * nothing (shared/events/scheduled-slot.ts).
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { awsReleaseDeferredDeps } from '../shared/aws/release-deferred-deps.js';
import type { DueQueue } from '../shared/channels/ports.js';
import { releaseDeferredSends } from '../shared/channels/release-deferred.js';
import type { SendQueue } from '../shared/channels/send-request.js';
import { oncePerScheduledSlot, type SkippedPass } from '../shared/events/scheduled-slot.js';
import type { Clock, PassSlots } from '../shared/ports.js';

export interface ReleaseDeferredDeps {
  due: DueQueue;
  sends: SendQueue;
  clock: Clock;
  /** Claims scheduled slots; required when invocations carry a scheduled time (Scheduler's do). */
  slots?: PassSlots;
  logger?: Logger;
}

export type ReleaseDeferredResult = { released: number };

export function buildHandler(deps: ReleaseDeferredDeps) {
  const logger = deps.logger ?? new Logger({ serviceName: 'release-deferred' });
  return middy(async (): Promise<ReleaseDeferredResult> => {
    const result = await releaseDeferredSends(deps, deps.clock.now());
    if (result.released > 0) logger.info('deferred sends released', result);
    return result;
  })
    .use(injectLambdaContext(logger))
    .use(oncePerScheduledSlot(deps.slots, 'release-deferred', (message, details) => logger.info(message, details)));
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

export const handler = async (event: unknown, context: Context): Promise<ReleaseDeferredResult | SkippedPass> => {
  coldStartHandler ??= buildHandler(awsReleaseDeferredDeps(process.env));
  return coldStartHandler(event, context);
};
