/**
 * refresh-score: one iteration of the score Map (one parallel scan segment). Scores each profile
 * from the fitted model and sends a `scores` message into the customer's FIFO group when its
 * scores changed in a way a rule can see (decision 225: the campaign bundled beside it says which
 * CLV comparisons its rules make); process-events applies it (the one writer of the profile).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { clvRulesOf, scoreSlice, type ClvRules } from '../shared/analytics/refresh/score.js';
import { scoreInputSchema } from '../shared/analytics/refresh/step-input.js';
import { campaignJsonOf } from '../shared/aws/campaign-json.js';
import { awsRefreshDeps, type RefreshDeps } from '../shared/aws/refresh-deps.js';
import { loadCompiledSegments } from '../shared/wiring/compiled-segments.js';
import { onColdStart } from '../shared/handlers/lambda-handler.js';
import { refreshStep } from '../shared/handlers/refresh-step.js';

export function buildHandler(
  deps: Pick<RefreshDeps, 'scan' | 'artifacts' | 'queue'> & { clvRules?: ClvRules; logger?: Logger },
) {
  const describe = (input: { runId: string }, result: object) => ({ runId: input.runId, ...result });
  return refreshStep({ phase: 'score', schema: scoreInputSchema, logger: deps.logger, describe }, (input) =>
    scoreSlice(deps, input),
  );
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(async () =>
  buildHandler({
    ...awsRefreshDeps(process.env),
    // The campaign compiled beside this function only: its rules' CLV comparisons (decision 225).
    clvRules: clvRulesOf(await loadCompiledSegments(campaignJsonOf(process.env))),
  }),
);
