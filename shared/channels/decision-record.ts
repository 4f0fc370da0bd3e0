/**
 * Which send decisions are kept per customer (decision 205): every one that sent nothing —
 * refused (holdout, no consent, caps, missing variable, …) or deferred (quiet hours, a rate slot,
 * throttled, a retry) — except `duplicate` (the message it repeats has its ledger entry). A `sent`
 * decision is the ledger's (`M#`); so are `failed` and `unknown` after a claim, kept here as well
 * for their reason and detail in one place.
 */
import type { SendDecisionRecord } from './ports.js';
import type { SendOutcome, SendReason } from './send-outcome.js';
import type { SendRequest } from './send-request.js';

const NOT_KEPT: ReadonlySet<SendReason> = new Set(['sent', 'duplicate']);

export function sendDecisionRecord(
  request: SendRequest,
  outcome: SendOutcome,
  decidedAt: string,
): SendDecisionRecord | undefined {
  if (NOT_KEPT.has(outcome.reason)) return undefined;
  return {
    customerId: request.customerId,
    messageId: request.messageId,
    journeyId: request.journeyId,
    stepId: request.stepId,
    runId: request.runId,
    ...(request.variant ? { variant: request.variant } : {}),
    channel: outcome.channel,
    reason: outcome.reason,
    ...(outcome.detail ? { detail: outcome.detail } : {}),
    ...(outcome.cause ? { cause: outcome.cause } : {}),
    ...(outcome.wakeAt ? { wakeAt: outcome.wakeAt } : {}),
    decidedAt,
  };
}
