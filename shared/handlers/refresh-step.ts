/**
 * A task of the nightly refresh state machine (refresh-plan, -summarize, -fit, -score;
 * infra/constructs/nightly-refresh.ts): the state's input checked with the phase's schema — a
 * malformed one fails naming the field and the reason, so a broken state machine definition is
 * found at its first run — then the phase, then one log line with what it did.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { parseStepInput } from '../analytics/refresh/step-input.js';
import { handlerLogger, lambdaHandler } from './lambda-handler.js';

export interface RefreshStepOptions<Input, Result> {
  phase: 'plan' | 'summarize' | 'fit' | 'score';
  schema: z.ZodType<Input>;
  logger?: Logger | undefined;
  /** The fields of the phase's log line: ids and counts, never a whole artifact. */
  describe: (input: Input, result: Result) => Record<string, unknown>;
}

export function refreshStep<Input, Result>(
  options: RefreshStepOptions<Input, Result>,
  run: (input: Input, logger: Logger) => Promise<Result>,
): MiddyfiedHandler<unknown, Result, Error, Context> {
  const logger = handlerLogger(`refresh-${options.phase}`, options.logger);
  return lambdaHandler(logger, async (event: unknown): Promise<Result> => {
    const input = parseStepInput(options.phase, options.schema, event);
    const result = await run(input, logger);
    logger.info(`refresh ${options.phase} done`, options.describe(input, result));
    return result;
  });
}
