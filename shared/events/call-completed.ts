/**
 * `Call Completed` (issue 22): an agent's outcome of a call task, from a dialler or the call
 * center's back end — a server-only event (DESIGN "Trust"). `call_id` is the task's id as the
 * call list and Connect's ClientToken carry it (the send ledger's message id); `outcome` is one of
 * reached | no_answer | declined | converted | wrong_number. Journeys branch on it like on an
 * email open; `wrong_number` marks the profile's phone unreachable.
 */
import * as z from 'zod';
import type { NormalizedEvent } from './event.js';

/** What an agent reports about a call (`Call Completed`'s `outcome`, or the Connect contact's `outcome` attribute). */
export const CALL_OUTCOMES = ['reached', 'no_answer', 'declined', 'converted', 'wrong_number'] as const;
export const callOutcomeSchema = z.enum(CALL_OUTCOMES);
export type CallOutcome = z.infer<typeof callOutcomeSchema>;

export const CALL_COMPLETED = 'Call Completed';

const OUTCOMES: ReadonlySet<string> = new Set(CALL_OUTCOMES);
const CALL_ID = /^[0-9a-f]{64}$/;

export interface CallCompleted {
  callId: string;
  outcome: CallOutcome;
}

/** A field of `Call Completed` that is wrong, with why; undefined when both are fine. */
export function callCompletedProblem(
  properties: Record<string, unknown>,
): { path: ['properties', string]; reason: string } | undefined {
  const { call_id: callId, outcome } = properties;
  if (typeof callId !== 'string' || !CALL_ID.test(callId))
    return { path: ['properties', 'call_id'], reason: 'must be the call task id (64 lowercase hex characters)' };
  if (typeof outcome !== 'string' || !OUTCOMES.has(outcome))
    return { path: ['properties', 'outcome'], reason: `must be one of ${CALL_OUTCOMES.join(', ')}` };
  return undefined;
}

/** The call outcome an event reports, or undefined for any other event (or a malformed one). */
export function callCompletedOf(
  event: Pick<NormalizedEvent, 'type' | 'event' | 'properties'>,
): CallCompleted | undefined {
  if (event.type !== 'track' || event.event !== CALL_COMPLETED) return undefined;
  if (callCompletedProblem(event.properties) !== undefined) return undefined;
  return { callId: event.properties.call_id as string, outcome: event.properties.outcome as CallOutcome };
}
