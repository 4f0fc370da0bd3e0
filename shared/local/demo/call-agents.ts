/**
 * The demo's call-center agents: what happens to each call task a journey created — nobody takes
 * some before the journey stops waiting (its timeout branch), the others end in an outcome a
 * dialler reports back as a `Call Completed` server event: reached, no_answer, declined,
 * converted (the customer orders on the phone) or wrong_number. Drawn from a hash of the seed and
 * the task's token (customer and message id: a scheduled slot's customers share one message id,
 * decision 149), like the email responses (offer-response.ts), so the order of sends never matters.
 */
import type { CallOutcome } from '../../events/call-completed.js';
import { roundMoney } from '../../profiles/money.js';
import { uniform } from './offer-response.js';

/** Share of tasks no agent takes in time. */
export const UNTAKEN_RATE = 0.2;
/** Outcomes of the tasks agents take, as cumulative shares. */
const OUTCOME_SHARES: readonly [CallOutcome, number][] = [
  ['reached', 0.35],
  ['no_answer', 0.25],
  ['declined', 0.15],
  ['converted', 0.15],
  ['wrong_number', 0.1],
];

const HOUR = 3_600_000;

export interface CallFate {
  outcome: CallOutcome;
  /** When the agent reports it (epoch ms). */
  at: number;
  /** A converted call's order. */
  order?: { amount: number };
}

/**
 * The agent's outcome of the task created at `createdAt`, or undefined when nobody takes it.
 * `taskToken`: callClientToken(customer id, message id) — one per customer's task.
 */
export function callFate(seed: number, taskToken: string, createdAt: number): CallFate | undefined {
  const draw = (purpose: string): number => uniform(`${seed}:${taskToken}:call:${purpose}`);
  if (draw('taken') < UNTAKEN_RATE) return undefined;
  let pick = draw('outcome');
  let outcome: CallOutcome = 'reached';
  for (const [candidate, share] of OUTCOME_SHARES) {
    outcome = candidate;
    if (pick < share) break;
    pick -= share;
  }
  // Within a working day of the task.
  const at = createdAt + Math.round((1 + draw('delay') * 7) * HOUR);
  return outcome === 'converted'
    ? { outcome, at, order: { amount: roundMoney(80 + draw('amount') * 220, 2) } }
    : { outcome, at };
}
