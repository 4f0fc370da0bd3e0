/**
 * segment-expiry: invoked by EventBridge Scheduler every few minutes. Runs the expiry pass
 * (shared/segments/expiry-pass.ts) over every shard of the `expiry` index: a `recheck` for each
 * profile whose time-window memberships may have lapsed. The schedule's input carries its
 * scheduled time: a repeated delivery of the same slot does nothing (shared/events/scheduled-slot.ts).
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { awsExpiryDeps } from '../shared/aws/expiry-deps.js';
import type { ExpiryDeps } from '../shared/wiring/compose.js';
import { expiryPass, type ExpiryPassResult } from '../shared/segments/expiry-pass.js';
import { oncePerScheduledSlot, type SkippedPass } from '../shared/events/scheduled-slot.js';
import type { PassSlots } from '../shared/ports.js';

export interface SegmentExpiryDeps extends ExpiryDeps {
  logger?: Logger;
  /** Claims scheduled slots; required when invocations carry a scheduled time (Scheduler's do). */
  slots?: PassSlots;
  /** Shards read at once. */
  concurrency?: number;
}

/** Time kept back to finish the chunk in hand and answer before the Lambda timeout. */
export const STOP_MARGIN_MS = 20_000;

export function buildHandler(deps: SegmentExpiryDeps) {
  const logger = deps.logger ?? new Logger({ serviceName: 'segment-expiry' });
  return middy(async (_event: unknown, context: Context): Promise<ExpiryPassResult> => {
    const result = await expiryPass(deps, {
      shards: deps.shards,
      ...(deps.concurrency !== undefined ? { concurrency: deps.concurrency } : {}),
      stopWhen: () => context.getRemainingTimeInMillis() < STOP_MARGIN_MS,
    });
    if (result.complete) logger.info('expiry pass done', { ...result });
    else logger.warn('expiry pass stopped before the timeout; the rest stays due for the next run', { ...result });
    return result;
  })
    .use(injectLambdaContext(logger))
    .use(oncePerScheduledSlot(deps.slots, 'segment-expiry', (message, details) => logger.info(message, details)));
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = async (event: unknown, context: Context): Promise<ExpiryPassResult | SkippedPass> => {
  coldStartHandler ??= buildHandler(awsExpiryDeps(process.env));
  return coldStartHandler(event, context);
};
