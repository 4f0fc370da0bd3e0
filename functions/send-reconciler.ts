/**
 * send-reconciler: scheduled (every 15 minutes in the stack). Marks ledger claims older than
 * STALE_AFTER_MINUTES (default 30, well past the send function's timeout) `unknown`
 * (shared/channels/reconcile-claims.ts). A repeated delivery of one scheduled slot does nothing.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { awsReconcilerDeps } from '../shared/aws/send-reconciler-deps.js';
import { reconcileStaleClaims, type ReconcileDeps } from '../shared/channels/reconcile-claims.js';
import { onColdStart } from '../shared/handlers/lambda-handler.js';
import { scheduledPass } from '../shared/handlers/scheduled-pass.js';
import type { PassSlots } from '../shared/ports.js';

export interface SendReconcilerDeps extends ReconcileDeps {
  staleAfterMs: number;
  logger?: Logger;
  /** Claims scheduled slots; required when invocations carry a scheduled time (Scheduler's do). */
  slots?: PassSlots;
}

export function buildHandler(deps: SendReconcilerDeps) {
  const attention = (result: { markedUnknown: number }) =>
    result.markedUnknown > 0 ? 'stale send claims marked unknown' : undefined;
  return scheduledPass({ pass: 'send-reconciler', logger: deps.logger, slots: deps.slots, attention }, () =>
    reconcileStaleClaims(deps, deps.staleAfterMs),
  );
}

/** Lambda entry point: deps are built once per cold start from the environment. */
export const handler = onColdStart(() => buildHandler(awsReconcilerDeps(process.env)));
