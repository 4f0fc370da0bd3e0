/**
 * The shape of every Lambda handler in functions/ (middy's model: the handler is a plain async
 * function, cross-cutting concerns are middleware). Powertools' injectLambdaContext puts the
 * invocation — request id, function, cold start — on every log line. The event itself is never
 * logged, not even when POWERTOOLS_LOGGER_LOG_EVENT is set: a request or queue body holds
 * addresses, phone numbers and tokens. Keys appended during one invocation do not outlive it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';

/** A handler as Lambda (and the local runtime) calls it. */
export type Invoke<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/** The logger a test or the local runtime passes in, or the function's own. */
export function handlerLogger(serviceName: string, logger: Logger | undefined): Logger {
  return logger ?? new Logger({ serviceName });
}

/** `handler` wrapped in middy, with the Lambda context on every line `logger` writes. */
export function lambdaHandler<Event, Result>(
  logger: Logger,
  handler: Invoke<Event, Result>,
): MiddyfiedHandler<Event, Result, Error, Context> {
  return middy<Event, Result, Error, Context>(handler).use(
    injectLambdaContext(logger, { logEvent: false, resetKeys: true }),
  );
}

/**
 * A Lambda entry point: `build` (deps from the environment, then the handler) runs at the first
 * invocation of a container, and again only while it fails (a secret not readable yet).
 */
export function onColdStart<Event, Result>(
  build: () => Invoke<Event, Result> | Promise<Invoke<Event, Result>>,
): Invoke<Event, Result> {
  let handler: Invoke<Event, Result> | undefined;
  return async (event, context) => {
    handler ??= await build();
    return handler(event, context);
  };
}
