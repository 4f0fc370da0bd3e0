/**
 * refresh-plan: first state of the nightly refresh. Input (from the schedule): `{ asOf? }`.
 * Output: the run (id, as-of date, time) and one slice per parallel scan segment, which the
 * summarize and score Map states iterate over.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { planRefresh, type RefreshPlan } from '../shared/analytics/refresh/plan.js';
import { parseStepInput, planInputSchema } from '../shared/analytics/refresh/step-input.js';
import { awsRefreshDeps, type RefreshDeps } from '../shared/aws/refresh-deps.js';

export function buildHandler(deps: Pick<RefreshDeps, 'clock' | 'itemCount'> & { logger?: Logger }) {
  const logger = deps.logger ?? new Logger({ serviceName: 'refresh-plan' });
  return middy(async (event: unknown, _context: Context): Promise<RefreshPlan> => {
    const input = parseStepInput('plan', planInputSchema, event);
    const plan = planRefresh({
      now: deps.clock.now(),
      itemCount: await deps.itemCount(),
      ...(input.asOf ? { asOf: input.asOf } : {}),
    });
    logger.info('refresh planned', { runId: plan.runId, asOf: plan.asOf, segments: plan.totalSegments });
    return plan;
  }).use(injectLambdaContext(logger));
}

let coldStartHandler: ReturnType<typeof buildHandler> | undefined;

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = async (event: unknown, context: Context): Promise<RefreshPlan> => {
  coldStartHandler ??= buildHandler(awsRefreshDeps(process.env));
  return coldStartHandler(event, context);
};
