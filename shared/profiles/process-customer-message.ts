/**
 * The one writer of customer state (DESIGN "One writer per customer"): one events-queue message
 * goes through the phases below, in order. Each phase (shared/profiles/phases/) acts on the
 * messages it concerns and passes the others by; a phase may end the message (an alias after
 * the merge, an order already applied).
 *
 * Shaped for coalescing a customer's messages in a batch (issue 19): a message's state is its
 * own (phases/message-state.ts), what a message does to the profile is pure
 * (phases/profile-step.ts), and the journeys run on the profile as it stood at that message.
 */
import type { CustomerMessage } from '../events/messages.js';
import { archiveMessage } from './phases/archive-message.js';
import { linkIdentities } from './phases/link-identities.js';
import { coalescable, processCoalesced } from './process-customer-batch.js';
import { initialState, outcomeOf, type Phase, type ProcessDeps, type ProcessOutcome } from './phases/message-state.js';
import { claimOrder, markOrderApplied } from './phases/order-protocol.js';
import { recordRefund } from './phases/record-refund.js';
import { recordSurveyAnswer } from './phases/record-survey-answer.js';
import { requestConfirmation } from './phases/request-confirmation.js';
import { resolveCustomer } from './phases/resolve-customer.js';
import { runJourneys } from './phases/run-journeys.js';
import { updateProfile } from './phases/write-profile.js';

export type { ProcessDeps, ProcessOutcome, ProcessStatus } from './phases/message-state.js';

export const PHASES: readonly Phase[] = [
  /** identify / alias: fold the anonymous profile into the user's (an alias ends here). */
  linkIdentities,
  /** Anonymous events: the identity a login may have linked since ingest. */
  resolveCustomer,
  /** Order Completed: skip an erased customer's order, claim `O#` (an applied order ends here). */
  claimOrder,
  /** Events, consent, device, scores, recheck: read-modify-write with forwarding and segments. */
  updateProfile,
  /** An unverified identify's pending address and email grant: one double opt-in confirmation. */
  requestConfirmation,
  /** Journey runs: the event, segment moves (also pending ones), wake / schedule / engagement. */
  runJourneys,
  /** `O#` marked applied, once the profile counted the order. */
  markOrderApplied,
  /** Refund events: the per-order `R#` record. */
  recordRefund,
  /** Survey Answered: the answer and its whole comment as their own `SV#` item. */
  recordSurveyAnswer,
];

/**
 * One message: a profile edit through the coalesced path as a group of one
 * (process-customer-batch.ts), anything else (identity links, journey messages) through the phases.
 */
export async function processCustomerMessage(deps: ProcessDeps, message: CustomerMessage): Promise<ProcessOutcome> {
  const coalesced = coalescable(message) ? await processCoalesced(deps, [message]) : undefined;
  return coalesced?.[0] ?? processPhases(deps, message);
}

/** The phases in order, one message alone (also the baseline the coalesced path is measured against). */
export async function processPhases(deps: ProcessDeps, message: CustomerMessage): Promise<ProcessOutcome> {
  const state = initialState(message);
  for (const phase of PHASES) if ((await phase(deps, state)) === 'done') break;
  await archiveMessage(deps, state);
  return outcomeOf(state);
}
