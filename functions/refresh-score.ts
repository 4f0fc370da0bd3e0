/**
 * refresh-score: one iteration of the score Map (one parallel scan segment). Scores each profile
 * from the fitted model and sends a `scores` message into the customer's FIFO group when its
 * scores changed; process-events applies it (the one writer of the profile).
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { scoreSlice, type ScoreResult } from '../shared/analytics/refresh/score.js';
import { parseStepInput, scoreInputSchema } from '../shared/analytics/refresh/step-input.js';
import { awsRefreshDeps, type RefreshDeps } from '../shared/aws/refresh-deps.js';

export function buildHandler(deps: Pick<RefreshDeps, 'scan' | 'artifacts' | 'queue'> & { logger?: Logger }) {
  const logger = deps.logger ?? new Logger({ serviceName: 'refresh-score' });
  return middy(async (event: unknown, _context: Context): Promise<ScoreResult> => {
    const input = parseStepInput('score', scoreInputSchema, event);
    const result = await scoreSlice(deps, input);
    logger.info('segment scored', { runId: input.runId, ...result });
    return result;
  }).use(injectLambdaContext(logger));
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = async (event: unknown, context: Context): Promise<ScoreResult> => {
  coldStartHandler ??= buildHandler(awsRefreshDeps(process.env));
  return coldStartHandler(event, context);
};
