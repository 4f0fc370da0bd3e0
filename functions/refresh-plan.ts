/**
 * refresh-plan: first state of the nightly refresh. Input (from the schedule): `{ asOf? }`.
 * Output: the run (id, as-of date, time) and one slice per parallel scan segment, which the
 * summarize and score Map states iterate over.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { planRefresh } from '../shared/analytics/refresh/plan.js';
import { planInputSchema } from '../shared/analytics/refresh/step-input.js';
import { awsRefreshDeps, type RefreshDeps } from '../shared/aws/refresh-deps.js';
import { onColdStart } from '../shared/handlers/lambda-handler.js';
import { refreshStep } from '../shared/handlers/refresh-step.js';

export function buildHandler(deps: Pick<RefreshDeps, 'clock' | 'itemCount' | 'timezone'> & { logger?: Logger }) {
  const describe = (_input: unknown, plan: ReturnType<typeof planRefresh>) => ({
    runId: plan.runId,
    asOf: plan.asOf,
    segments: plan.totalSegments,
  });
  return refreshStep({ phase: 'plan', schema: planInputSchema, logger: deps.logger, describe }, async (input) =>
    planRefresh({
      now: deps.clock.now(),
      timezone: deps.timezone,
      itemCount: await deps.itemCount(),
      ...(input.asOf ? { asOf: input.asOf } : {}),
    }),
  );
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(() => buildHandler(awsRefreshDeps(process.env)));
