/**
 * refresh-summarize: one iteration of the summarize Map (one parallel scan segment). Writes the
 * segment's per-customer inputs and co-purchase counts as an artifact and returns its key with
 * a few counts (a Step Functions payload holds at most 256 KB).
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { parseStepInput, sliceInputSchema } from '../shared/analytics/refresh/step-input.js';
import { summarizeSlice, type SummarizeResult } from '../shared/analytics/refresh/summarize.js';
import { awsRefreshDeps, type RefreshDeps } from '../shared/aws/refresh-deps.js';

export function buildHandler(deps: Pick<RefreshDeps, 'scan' | 'artifacts'> & { logger?: Logger }) {
  const logger = deps.logger ?? new Logger({ serviceName: 'refresh-summarize' });
  return middy(async (event: unknown, _context: Context): Promise<SummarizeResult> => {
    const slice = parseStepInput('summarize', sliceInputSchema, event);
    const result = await summarizeSlice(deps, slice);
    logger.info('segment summarized', { runId: slice.runId, ...result });
    return result;
  }).use(injectLambdaContext(logger));
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = async (event: unknown, context: Context): Promise<SummarizeResult> => {
  coldStartHandler ??= buildHandler(awsRefreshDeps(process.env));
  return coldStartHandler(event, context);
};
