/**
 * refresh-fit: after the summarize Map. Input: the run plus the summarize results
 * (`summaries: [{ key }]`). Fits RFM cut points, BG/NBD + Gamma-Gamma (behind the history gate)
 * and the recommender on all customers, writes them as one artifact and returns its key.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { fitRefresh, type FitResult } from '../shared/analytics/refresh/fit.js';
import { fitInputSchema } from '../shared/analytics/refresh/step-input.js';
import { awsRefreshDeps, type RefreshDeps } from '../shared/aws/refresh-deps.js';
import { onColdStart } from '../shared/handlers/lambda-handler.js';
import { refreshStep } from '../shared/handlers/refresh-step.js';

export function buildHandler(deps: Pick<RefreshDeps, 'artifacts'> & { logger?: Logger }) {
  const describe = (input: { runId: string }, result: FitResult) => ({
    runId: input.runId,
    customers: result.customers,
    clv: result.clv.status,
    products: result.products,
  });
  return refreshStep({ phase: 'fit', schema: fitInputSchema, logger: deps.logger, describe }, async (input, logger) => {
    const result = await fitRefresh(deps.artifacts, input);
    if (result.clv.status === 'not_enough_data') {
      logger.warn('CLV skipped: not enough data (RFM and recommendations are still scored)', {
        runId: input.runId,
        reason: result.clv.reason,
      });
    }
    return result;
  });
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(() => buildHandler(awsRefreshDeps(process.env)));
