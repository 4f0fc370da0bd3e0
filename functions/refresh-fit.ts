/**
 * refresh-fit: after the summarize Map. Input: the run plus the summarize results
 * (`summaries: [{ key }]`). Fits RFM cut points, BG/NBD + Gamma-Gamma (behind the history gate)
 * and the recommender on all customers, writes them as one artifact and returns its key.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { fitRefresh, type FitResult } from '../shared/analytics/refresh/fit.js';
import { fitInputSchema, parseStepInput } from '../shared/analytics/refresh/step-input.js';
import { awsRefreshDeps, type RefreshDeps } from '../shared/aws/refresh-deps.js';

export function buildHandler(deps: Pick<RefreshDeps, 'artifacts'> & { logger?: Logger }) {
  const logger = deps.logger ?? new Logger({ serviceName: 'refresh-fit' });
  return middy(async (event: unknown, _context: Context): Promise<FitResult> => {
    const input = parseStepInput('fit', fitInputSchema, event);
    const result = await fitRefresh(deps.artifacts, input);
    if (result.clv.status === 'not_enough_data') {
      logger.warn('CLV skipped: not enough data (RFM and recommendations are still scored)', {
        runId: input.runId,
        reason: result.clv.reason,
      });
    }
    logger.info('refresh fitted', {
      runId: input.runId,
      customers: result.customers,
      clv: result.clv.status,
      products: result.products,
    });
    return result;
  }).use(injectLambdaContext(logger));
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = async (event: unknown, context: Context): Promise<FitResult> => {
  coldStartHandler ??= buildHandler(awsRefreshDeps(process.env));
  return coldStartHandler(event, context);
};
