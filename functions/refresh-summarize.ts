/**
 * refresh-summarize: one iteration of the summarize Map (one parallel scan segment). Writes the
 * segment's per-customer inputs and co-purchase counts as an artifact and returns its key with
 * a few counts (a Step Functions payload holds at most 256 KB).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { sliceInputSchema } from '../shared/analytics/refresh/step-input.js';
import { summarizeSlice } from '../shared/analytics/refresh/summarize.js';
import { awsRefreshDeps, type RefreshDeps } from '../shared/aws/refresh-deps.js';
import { onColdStart } from '../shared/handlers/lambda-handler.js';
import { refreshStep } from '../shared/handlers/refresh-step.js';

export function buildHandler(
  deps: Pick<RefreshDeps, 'scan' | 'artifacts'> & Partial<Pick<RefreshDeps, 'counts'>> & { logger?: Logger },
) {
  const describe = (slice: { runId: string }, result: object) => ({ runId: slice.runId, ...result });
  return refreshStep({ phase: 'summarize', schema: sliceInputSchema, logger: deps.logger, describe }, (slice) =>
    summarizeSlice(deps, slice),
  );
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(() => buildHandler(awsRefreshDeps(process.env)));
