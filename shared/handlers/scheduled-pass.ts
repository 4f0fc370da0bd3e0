/**
 * A pass EventBridge Scheduler invokes (segment-expiry, journey-tick, release-deferred,
 * send-reconciler): a repeated delivery of one scheduled slot does nothing
 * (shared/events/scheduled-slot.ts), and every run leaves one log line with what it did — a
 * warning when it stopped before the timeout with work left for the next run.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { oncePerScheduledSlot } from '../events/scheduled-slot.js';
import type { PassSlots } from '../ports.js';
import { handlerLogger, lambdaHandler } from './lambda-handler.js';

export interface ScheduledPassOptions {
  /** The pass's name: its service name in the log and the name its slots are claimed under. */
  pass: string;
  logger?: Logger | undefined;
  /** Claims scheduled slots; required when invocations carry a scheduled time (Scheduler's do). */
  slots?: PassSlots | undefined;
}

/** What makes a run's line a warning: a message, or undefined for a plain `pass done`. */
export type Attention<Result> = (result: Result) => string | undefined;

/** A pass with `complete: false` stopped at the timeout with work left. */
const stoppedEarly: Attention<object> = (result) =>
  'complete' in result && result.complete === false
    ? 'pass stopped before the timeout; the rest stays due for the next run'
    : undefined;

/**
 * `run` as a scheduled pass's handler. Typed by what `run` answers: callers that pass no
 * scheduled time (the local runtime, tests) never get the SkippedPass a repeated delivery gets.
 */
export function scheduledPass<Result extends object>(
  options: ScheduledPassOptions & { attention?: Attention<Result> },
  run: (context: Context) => Promise<Result>,
): MiddyfiedHandler<unknown, Result, Error, Context> {
  const logger = handlerLogger(options.pass, options.logger);
  const attention = options.attention ?? stoppedEarly;
  return lambdaHandler<unknown, Result>(logger, async (_event, context) => {
    const result = await run(context);
    const fields = Object.fromEntries(Object.entries(result));
    const warning = attention(result);
    if (warning === undefined) logger.info('pass done', fields);
    else logger.warn(warning, fields);
    return result;
  }).use(
    oncePerScheduledSlot<unknown, Result>(options.slots, options.pass, (message, details) =>
      logger.info(message, details),
    ),
  );
}

/** For a pass's `stopWhen`: true once less than `marginMs` of the invocation is left. */
export function nearTimeout(context: Context, marginMs: number): () => boolean {
  return () => context.getRemainingTimeInMillis() < marginMs;
}
